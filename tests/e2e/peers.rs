//! skopeo and oras-py writing to a registry that wants a password, without the password ever
//! reaching a command line or a failure message (the harness's helpers pass it as an argument).

use std::path::Path;
use std::process::Command;

use base64::Engine;
use serde_json::{json, Value};

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

/// oras-py push of `files` (path, media type) to `HOST/TARGET` with an optional subject (media
/// type, digest, size), through oras-py's basic auth (the harness's oras_push.py), which reads
/// ORAS_USER and ORAS_PASS. Returns the pushed manifest's digest.
pub async fn oras_push(
    host: &str,
    target: &str,
    files: &[(&Path, &str)],
    subject: Option<(&str, &str, u64)>,
    (user, pass): (&str, &str),
) -> String {
    let files: Vec<Value> = files
        .iter()
        .map(|(path, media_type)| json!([path.to_string_lossy(), media_type]))
        .collect();
    let subject = subject.map(|(media_type, digest, size)| {
        json!({"mediaType": media_type, "digest": digest, "size": size})
    });
    let args = json!({"host": host, "target": target, "files": files, "subject": subject, "auth": "basic"});
    let mut cmd = Command::new(crate::harness::python());
    cmd.arg("-c")
        .arg(include_str!("../it/harness/oras_push.py"))
        .arg(args.to_string())
        .env("ORAS_USER", user)
        .env("ORAS_PASS", pass);
    let stdout = run(cmd, &format!("oras-py push to {host}/{target}")).await;
    let result = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("STOWAGE-RESULT "))
        .unwrap_or_else(|| panic!("oras-py printed no result:\n{stdout}"));
    let result: Value = serde_json::from_str(result).expect("oras-py result");
    result["digest"]
        .as_str()
        .unwrap_or_else(|| panic!("oras-py result without digest: {result}"))
        .to_string()
}
