//! Running Docker credential helpers (`docker-credential-<name> get`) and reading their answer.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::auth::secret::{Credential, Secret};
use crate::error::{Error, Result};
use crate::reference::DOCKER_HUB;

/// What helpers print when they have nothing for the server (docker-credential-helpers' wording).
const NOT_FOUND: &str = "credentials not found";

/// The server URL a helper knows a registry by: `docker login` stores Docker Hub under its v1 URL.
pub(crate) fn server_url(registry: &str) -> String {
    if registry == DOCKER_HUB {
        "https://index.docker.io/v1/".to_string()
    } else {
        registry.to_string()
    }
}

pub(crate) fn program(helper: &str) -> String {
    format!("docker-credential-{helper}")
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Blocking. Ok(None) when the helper has no credential for `server_url`.
pub(crate) fn get(
    helper: &str,
    server_url: &str,
    search_dir: Option<&Path>,
) -> Result<Option<Credential>> {
    let name = program(helper);
    let err = |detail: String| Error::Credentials {
        store: name.clone(),
        detail,
    };
    // The name comes from a config file: keep it a plain program name, never a path.
    if helper.is_empty()
        || !helper
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || helper.starts_with('.')
    {
        return Err(err(format!(
            "{helper:?} is not a valid credential helper name"
        )));
    }
    let executable = search_dir
        .map(|dir| dir.join(&name))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(&name));

    let mut child = spawn(&executable).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            err(format!(
                "{name} is not installed or not on PATH (Docker's config names it in credHelpers or credsStore)"
            ))
        } else {
            err(format!("cannot run {name}: {e}"))
        }
    })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading closes the pipe; its exit status says why.
        let _ = stdin.write_all(server_url.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| err(format!("waiting for {name}: {e}")))?;

    if !output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stdout.to_ascii_lowercase().contains(NOT_FOUND)
            || stderr.to_ascii_lowercase().contains(NOT_FOUND)
        {
            return Ok(None);
        }
        // A failing helper prints an error message, not a secret; keep it short all the same.
        let message = [stderr.trim(), stdout.trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .and_then(|s| s.lines().next())
            .map(|line| line.chars().take(200).collect::<String>())
            .unwrap_or_default();
        return Err(err(format!(
            "`{name} get` for {server_url} failed ({}): {message}",
            output.status
        )));
    }

    // Not the parser's message: it could quote the secret.
    let answer: Answer = serde_json::from_slice(&output.stdout).map_err(|_| {
        err(format!(
            "`{name} get` for {server_url} did not print the expected JSON"
        ))
    })?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    let secret = Secret::new(answer.secret);
    Ok(Some(if answer.username == "<token>" {
        Credential::IdentityToken {
            username: None,
            token: secret,
        }
    } else {
        Credential::Basic {
            username: answer.username,
            password: secret,
        }
    }))
}

fn spawn(executable: &Path) -> std::io::Result<std::process::Child> {
    let mut attempts = 0;
    loop {
        let result = Command::new(executable)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        match result {
            // A helper that was just written (an install, a test) can be briefly busy while
            // another thread's fork still holds its write descriptor.
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && attempts < 20 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other,
        }
    }
}
