//! `TestRegistry`: a real Debian docker-registry 2.8 process on a free loopback port with a temp root.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::pki::Ca;
use super::token_issuer::TokenIssuer;

const BINARY: &str = "/usr/bin/docker-registry";

/// How the registry authenticates clients.
#[derive(Clone, Debug)]
pub enum RegistryAuth {
    /// No authentication: every request is allowed.
    Anonymous,
    /// One bcrypt user in an htpasswd file.
    Htpasswd {
        /// The user name.
        user: String,
        /// The password in clear; the file holds its bcrypt hash.
        pass: String,
    },
    /// The registry's own `auth: token` mode, trusting JWTs whose x5c chain ends in `bundle`.
    Token {
        /// PEM file of the CA the token signer chains to (`rootcertbundle`).
        bundle: PathBuf,
        /// URL of the token server, sent to clients in the `WWW-Authenticate` challenge.
        realm: String,
        /// The service tokens must be for (their `aud`).
        service: String,
        /// The issuer tokens must name (their `iss`).
        issuer: String,
    },
}

/// A running `docker-registry serve`, killed and reaped on drop.
pub struct TestRegistry {
    /// Behind a lock so a test can kill the registry while a client still uses it.
    child: Mutex<Child>,
    dir: tempfile::TempDir,
    port: u16,
    tls: Option<(String, PathBuf)>,
    auth: RegistryAuth,
    client: reqwest::Client,
}

impl TestRegistry {
    /// Plain HTTP, no authentication. Every constructor waits until the registry answers and
    /// panics if it does not start.
    pub async fn anonymous() -> Self {
        Self::start(RegistryAuth::Anonymous, false).await
    }

    /// Plain HTTP with one htpasswd user, `user` with password `pass` (HTTP Basic).
    pub async fn htpasswd(user: &str, pass: &str) -> Self {
        let auth = RegistryAuth::Htpasswd {
            user: user.into(),
            pass: pass.into(),
        };
        Self::start(auth, false).await
    }

    /// HTTPS with a certificate for 127.0.0.1 and localhost, signed by a fresh CA (`ca_pem`).
    pub async fn tls() -> Self {
        Self::start(RegistryAuth::Anonymous, true).await
    }

    /// Plain HTTP in token mode: clients get tokens at `realm`, which must be for `service`,
    /// name `issuer` and be signed by a key chaining to the CA in the PEM file `bundle`.
    pub async fn token(bundle: &Path, realm: &str, service: &str, issuer: &str) -> Self {
        let auth = RegistryAuth::Token {
            bundle: bundle.to_path_buf(),
            realm: realm.into(),
            service: service.into(),
            issuer: issuer.into(),
        };
        Self::start(auth, false).await
    }

    /// Token mode wired to a running `TokenIssuer`.
    pub async fn with_token_issuer(issuer: &TokenIssuer) -> Self {
        Self::token(
            issuer.cert_bundle_path(),
            &issuer.realm(),
            issuer.service(),
            issuer.issuer(),
        )
        .await
    }

    /// Any combination of auth mode and TLS.
    pub async fn start(auth: RegistryAuth, tls: bool) -> Self {
        let dir = tempfile::tempdir().expect("registry tempdir");
        let tls = tls.then(|| write_tls_files(dir.path()));
        let client = client_trusting(tls.as_ref().map(|(pem, _)| pem.as_str()));
        // Picking a port by binding and releasing it can race with another test doing the same,
        // so a registry that dies with "address already in use" is started again on a new port.
        let scheme = if tls.is_some() { "https" } else { "http" };
        let log_path = dir.path().join("registry.log");
        for _ in 0..8 {
            let port = free_port();
            let config = write_config(dir.path(), port, &auth, tls.is_some());
            let log = fs::File::create(&log_path).expect("registry log");
            let mut child = Command::new(BINARY)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("dup log"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {BINARY}: {e}"));
            let url = format!("{scheme}://127.0.0.1:{port}/v2/");
            match wait_ready(&mut child, &url, &client, &log_path).await {
                Ok(()) => {
                    return TestRegistry {
                        child: Mutex::new(child),
                        dir,
                        port,
                        tls,
                        auth,
                        client,
                    }
                }
                Err(log) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    if !log.contains("address already in use") {
                        panic!("docker-registry did not start:\n{log}");
                    }
                }
            }
        }
        panic!("docker-registry: no free port after 8 attempts");
    }

    /// "127.0.0.1:PORT"
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// "http://127.0.0.1:PORT" or "https://…"
    pub fn base_url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.host())
    }

    /// The storage root (`rootdirectory`), laid out as `docker/registry/v2/…`.
    pub fn root_dir(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    /// Whether it serves HTTPS (started by `tls` or `start(_, true)`).
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// PEM of the CA that signed the server certificate. Panics unless started with TLS.
    pub fn ca_pem(&self) -> &str {
        &self.tls.as_ref().expect("not a TLS registry").0
    }

    /// File holding `ca_pem()`; a directory with it as `ca.crt` is `ca_path().parent()`.
    pub fn ca_path(&self) -> &Path {
        &self.tls.as_ref().expect("not a TLS registry").1
    }

    /// The htpasswd user and password, if any.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        match &self.auth {
            RegistryAuth::Htpasswd { user, pass } => Some((user, pass)),
            _ => None,
        }
    }

    /// A reqwest client that trusts this registry's CA (and nothing else when TLS is on).
    pub fn client(&self) -> reqwest::Client {
        self.client.clone()
    }

    /// The registry's own log (level error), for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }
}

impl TestRegistry {
    /// Kills the registry process now (SIGKILL, like a crash), keeping its storage for
    /// inspection. Requests to it fail from then on with "connection refused".
    pub fn kill(&self) {
        let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn wait_ready(
    child: &mut Child,
    url: &str,
    client: &reqwest::Client,
    log: &Path,
) -> Result<(), String> {
    let read_log = || fs::read_to_string(log).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited with {status}\n{}", read_log()));
        }
        if let Ok(resp) = client.get(url).send().await {
            if matches!(resp.status().as_u16(), 200 | 401) {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Err(format!("no answer on {url} within 20 s\n{}", read_log()))
}

/// A reqwest client trusting only `ca_pem` when given (so a test proves the CA is what's trusted).
pub fn client_trusting(ca_pem: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = ca_pem {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes()).expect("CA PEM");
        builder = builder
            .tls_built_in_root_certs(false)
            .add_root_certificate(cert);
    }
    builder.build().expect("reqwest client")
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

fn write_tls_files(dir: &Path) -> (String, PathBuf) {
    let ca = Ca::new("stowage test registry CA");
    let leaf = ca.server_leaf();
    let tls_dir = dir.join("tls");
    fs::create_dir_all(&tls_dir).expect("tls dir");
    fs::write(tls_dir.join("server.pem"), &leaf.cert_pem).expect("server cert");
    fs::write(tls_dir.join("server-key.pem"), &leaf.key_pem).expect("server key");
    // Named ca.crt so the directory works as skopeo's --dest-cert-dir as is.
    let ca_path = tls_dir.join("ca.crt");
    fs::write(&ca_path, ca.cert_pem()).expect("CA cert");
    (ca.cert_pem(), ca_path)
}

fn write_config(dir: &Path, port: u16, auth: &RegistryAuth, tls: bool) -> PathBuf {
    // JSON strings are valid YAML scalars, so every path and name is quoted through serde_json.
    let q = |s: &str| serde_json::to_string(s).expect("quote");
    let path_q = |p: &Path| q(&p.to_string_lossy());
    let mut yaml = format!(
        "version: 0.1\n\
         log: {{level: error, accesslog: {{disabled: true}}}}\n\
         storage:\n  filesystem: {{rootdirectory: {}}}\n  delete: {{enabled: true}}\n\
         http:\n  addr: 127.0.0.1:{port}\n  secret: stowage-test-secret\n",
        path_q(&dir.join("root"))
    );
    if tls {
        yaml += &format!(
            "  tls: {{certificate: {}, key: {}}}\n",
            path_q(&dir.join("tls/server.pem")),
            path_q(&dir.join("tls/server-key.pem"))
        );
    }
    match auth {
        RegistryAuth::Anonymous => {}
        RegistryAuth::Htpasswd { user, pass } => {
            let hash = bcrypt::hash_with_result(pass, 5)
                .expect("bcrypt")
                .format_for_version(bcrypt::Version::TwoY);
            let file = dir.join("htpasswd");
            fs::write(&file, format!("{user}:{hash}\n")).expect("htpasswd file");
            yaml += &format!(
                "auth:\n  htpasswd: {{realm: basic-realm, path: {}}}\n",
                path_q(&file)
            );
        }
        RegistryAuth::Token {
            bundle,
            realm,
            service,
            issuer,
        } => {
            yaml += &format!(
                "auth:\n  token: {{realm: {}, service: {}, issuer: {}, rootcertbundle: {}}}\n",
                q(realm),
                q(service),
                q(issuer),
                path_q(bundle)
            );
        }
    }
    let path = dir.join("config.yml");
    fs::write(&path, yaml).expect("registry config");
    path
}
