//! Credentials: where a credential came from, and the lookup order across
//! the OS keyring, Docker's config.json (and its helpers) and podman's auth.json.

use std::fmt;
use std::path::PathBuf;

use crate::auth::secret::Credential;
use crate::auth::{auth_file::AuthFile, helper, keyring_store};
use crate::error::{Error, Result};
use crate::reference::normalize_registry;

/// The keyring service Stowage's entries live under.
pub const KEYRING_SERVICE: &str = "stowage";

/// Where a credential came from, for the UI/CLI to show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum CredentialSource {
    /// Stowage's own entry in the OS keyring.
    Keyring,
    /// An `auths` entry of Docker's config.json at this path.
    DockerConfig(PathBuf),
    /// The helper's program name, e.g. `docker-credential-pass`.
    DockerHelper(String),
    /// An entry of podman's auth.json at this path.
    Podman(PathBuf),
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Keyring => f.write_str("keyring"),
            CredentialSource::DockerConfig(_) => f.write_str("docker config.json"),
            CredentialSource::DockerHelper(program) => f.write_str(program),
            CredentialSource::Podman(_) => f.write_str("podman auth.json"),
        }
    }
}

/// The places credentials are looked up, in this order: Stowage's entries in the OS keyring,
/// Docker's config.json (credHelpers for the host, then credsStore, then auths), podman's auth.json.
#[derive(Debug, Clone)]
pub struct Credentials {
    keyring_service: Option<String>,
    docker_config: Option<PathBuf>,
    podman_auth: Vec<PathBuf>,
    helper_dir: Option<PathBuf>,
}

impl Credentials {
    /// DOCKER_CONFIG (dir) or ~/.docker/config.json; REGISTRY_AUTH_FILE,
    /// $XDG_RUNTIME_DIR/containers/auth.json, $XDG_CONFIG_HOME (or ~/.config)/containers/auth.json.
    /// Keyring service "stowage".
    pub fn from_env() -> Credentials {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
        let docker_config = var("DOCKER_CONFIG")
            .map(|dir| dir.join("config.json"))
            .or_else(|| home.as_ref().map(|h| h.join(".docker").join("config.json")));
        let config_home =
            var("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
        let podman_auth = [
            var("REGISTRY_AUTH_FILE"),
            var("XDG_RUNTIME_DIR").map(|d| d.join("containers").join("auth.json")),
            config_home.map(|d| d.join("containers").join("auth.json")),
        ]
        .into_iter()
        .flatten()
        .collect();
        Credentials::new(KEYRING_SERVICE, docker_config, podman_auth)
    }

    /// Explicit paths (tests): keyring service name, docker config file, podman auth files.
    pub fn new(
        keyring_service: &str,
        docker_config: Option<PathBuf>,
        podman_auth: Vec<PathBuf>,
    ) -> Credentials {
        Credentials {
            keyring_service: Some(keyring_service.to_string()),
            docker_config,
            podman_auth,
            helper_dir: None,
        }
    }

    /// Skips the OS keyring in lookups (tests, or a CLI run that must not touch it).
    /// `store` and `erase` then fail with [`Error::NoKeyring`].
    pub fn without_keyring(mut self) -> Credentials {
        self.keyring_service = None;
        self
    }

    /// Looks for `docker-credential-*` helpers in `dir` before PATH, without changing the
    /// process environment (tests run in parallel).
    pub fn with_helper_dir(mut self, dir: impl Into<PathBuf>) -> Credentials {
        self.helper_dir = Some(dir.into());
        self
    }

    /// Blocking (keyring, helper processes): callers use spawn_blocking. `registry` is a
    /// normalised name ("docker.io", "ghcr.io", "127.0.0.1:5000"); config keys are normalised the
    /// same way before matching. An unreachable keyring is skipped; a malformed config file is an
    /// error naming its path.
    pub fn lookup(&self, registry: &str) -> Result<Option<(Credential, CredentialSource)>> {
        let registry = normalize_registry(registry);
        if let Some(service) = &self.keyring_service {
            match keyring_store::load(service, &registry) {
                Ok(Some(credential)) => return Ok(Some((credential, CredentialSource::Keyring))),
                Ok(None) => {}
                Err(Error::NoKeyring { detail }) => {
                    tracing::debug!(%registry, %detail, "OS keyring unreachable, trying Docker's and podman's files");
                }
                Err(e) => return Err(e),
            }
        }
        if let Some(path) = &self.docker_config {
            if let Some(file) = AuthFile::read(path)? {
                let source = CredentialSource::DockerConfig(path.clone());
                if let Some(found) = self.lookup_in(&file, &registry, source)? {
                    return Ok(Some(found));
                }
            }
        }
        for path in &self.podman_auth {
            if let Some(file) = AuthFile::read(path)? {
                let source = CredentialSource::Podman(path.clone());
                if let Some(found) = self.lookup_in(&file, &registry, source)? {
                    return Ok(Some(found));
                }
            }
        }
        Ok(None)
    }

    /// credHelpers for the host, then credsStore, then the file's own entries.
    fn lookup_in(
        &self,
        file: &AuthFile,
        registry: &str,
        source: CredentialSource,
    ) -> Result<Option<(Credential, CredentialSource)>> {
        let helpers = [file.helper_for(registry), file.creds_store()];
        for name in helpers.into_iter().flatten() {
            let found = helper::get(
                name,
                &helper::server_url(registry),
                self.helper_dir.as_deref(),
            )?;
            if let Some(credential) = found {
                return Ok(Some((
                    credential,
                    CredentialSource::DockerHelper(helper::program(name)),
                )));
            }
        }
        Ok(file.credential_for(registry)?.map(|c| (c, source)))
    }

    /// Stores in the OS keyring (service "stowage", user = registry) as a small JSON with the
    /// kind, username and secret. An unreachable keyring gives [`Error::NoKeyring`].
    pub fn store(&self, registry: &str, credential: &Credential) -> Result<()> {
        keyring_store::save(self.service()?, &normalize_registry(registry), credential)
    }

    /// Removes Stowage's keyring entry; Ok(false) when there was none.
    pub fn erase(&self, registry: &str) -> Result<bool> {
        keyring_store::delete(self.service()?, &normalize_registry(registry))
    }

    fn service(&self) -> Result<&str> {
        self.keyring_service
            .as_deref()
            .ok_or_else(|| Error::NoKeyring {
                detail: "the keyring is disabled for this run".to_string(),
            })
    }

    /// Registries named in Docker's config.json (auths and credHelpers keys) and podman's
    /// auth.json, normalised, sorted, deduplicated. Unreadable files are skipped.
    pub fn known_registries(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .docker_config
            .iter()
            .chain(&self.podman_auth)
            .filter_map(|path| match AuthFile::read(path) {
                Ok(file) => file,
                Err(e) => {
                    tracing::debug!(error = %e, "skipping credential file");
                    None
                }
            })
            .flat_map(|file| file.registries())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
#[path = "credentials_tests.rs"]
mod tests;
