//! What the tests share: a Stowage client pointed at a test registry, isolated from the user's files.

use std::path::Path;
use std::sync::Arc;

use stowage::auth::Credentials;
use stowage::config::{RegistrySettings, Settings};
use stowage::registry::{Client, Registry};

use crate::harness::TestRegistry;

/// A client whose only credentials are those in `docker_config` (no keyring, no podman files).
pub fn client_with(host: &str, settings: RegistrySettings, docker_config: Option<&Path>) -> Client {
    let mut all = Settings::default();
    all.registries.insert(host.to_string(), settings);
    let credentials = Credentials::new(
        "stowage-it",
        docker_config.map(Path::to_path_buf),
        Vec::new(),
    )
    .without_keyring();
    Client::new(all, credentials)
}

/// The registry `host` through a client that trusts `registry`'s CA when it has one.
pub async fn registry_at(host: &str, registry: &TestRegistry) -> Arc<Registry> {
    let settings = RegistrySettings {
        ca_file: registry.is_tls().then(|| registry.ca_path().to_path_buf()),
        ..Default::default()
    };
    client_with(host, settings, None)
        .registry(host)
        .await
        .expect("registry client")
}

/// Writes a Docker config.json with `auths` for `host`.
pub fn docker_config(dir: &Path, host: &str, user: &str, pass: &str) -> std::path::PathBuf {
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    let path = dir.join("config.json");
    let body = serde_json::json!({"auths": {host: {"auth": auth}}});
    std::fs::write(&path, serde_json::to_vec(&body).expect("json")).expect("write config.json");
    path
}
