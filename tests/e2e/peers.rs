//! skopeo and oras-py writing to a registry that wants a password, without the password ever
//! reaching a command line or a failure message (the harness's helpers pass it as an argument).

use std::path::Path;
use std::process::Command;

use base64::Engine;
use serde_json::json;

/// Runs `cmd` off the async threads; on failure, panics with its stderr and stdout but names
/// only the program (its arguments and environment may hold a secret).
async fn run(mut cmd: Command, what: &str) -> String {
    let what = what.to_string();
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join peer command")
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\nstderr:\n{}\nstdout:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `skopeo copy --all oci:LAYOUT:TAG docker://HOST/REPO:DEST_TAG` over plain HTTP, signed in
/// through an auth file in `scratch` (never skopeo's default one, which the app would read).
#[allow(clippy::too_many_arguments)]
pub async fn skopeo_copy_all(
    layout: &Path,
    tag: &str,
    host: &str,
    repo: &str,
    dest_tag: &str,
    (user, pass): (&str, &str),
    scratch: &Path,
) {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    let authfile = scratch.join("skopeo-auth.json");
    let body = json!({"auths": {host: {"auth": auth}}});
    std::fs::write(&authfile, body.to_string()).expect("write skopeo auth file");
    let mut cmd = Command::new("skopeo");
    cmd.args([
        "copy",
        "--all",
        "--dest-tls-verify=false",
        "--dest-authfile",
    ])
    .arg(&authfile)
    .arg(format!("oci:{}:{tag}", layout.display()))
    .arg(format!("docker://{host}/{repo}:{dest_tag}"));
    run(
        cmd,
        &format!("skopeo copy --all to {host}/{repo}:{dest_tag}"),
    )
    .await;
}
