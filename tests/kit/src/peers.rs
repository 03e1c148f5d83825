//! Content written by real peer tools (umoci, skopeo, oras-py), for interop tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use super::forward::sha256_digest;

/// The tag of the multi-arch index in layouts from `umoci_multiarch_layout`.
pub const MULTIARCH_TAG: &str = "multi";

/// Runs a command off the async runtime (so in-process test servers keep serving) and returns
/// its stdout; panics with stderr when it fails.
async fn run(cmd: Command) -> String {
    let shown = format!("{cmd:?}");
    run_as(cmd, shown).await
}

/// [`run`] for a command whose environment holds a secret: `shown` names it instead of its
/// `Debug` form, which lists the environment.
async fn run_as(mut cmd: Command, shown: String) -> String {
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join peer command")
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    if !out.status.success() {
        panic!(
            "{shown} failed ({}):\nstderr:\n{}\nstdout:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a peer tool and returns its stdout; panics with its stderr when it fails.
pub async fn peer(program: &str, args: &[&str]) -> String {
    run(command(program, args)).await
}

fn command(program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args);
    cmd
}

/// Builds `dir/layout`, an OCI layout with one umoci image per `(os, arch)` platform (tagged
/// "OS-ARCH", each with a file /platform.txt), plus a multi-arch index over them tagged
/// `MULTIARCH_TAG`. umoci makes no indexes, so the index blob is written here.
pub async fn umoci_multiarch_layout(dir: &Path, platforms: &[(&str, &str)]) -> PathBuf {
    let layout = dir.join("layout");
    let layout_s = layout.to_string_lossy().to_string();
    run(command("umoci", &["init", "--layout", &layout_s])).await;
    let mut entries = Vec::new();
    for (os, arch) in platforms {
        let tag = format!("{os}-{arch}");
        let image = format!("{layout_s}:{tag}");
        let bundle = dir.join(format!("bundle-{tag}"));
        let bundle_s = bundle.to_string_lossy().to_string();
        run(command("umoci", &["new", "--image", &image])).await;
        let (arch_flag, os_flag) = (format!("--architecture={arch}"), format!("--os={os}"));
        let config = ["config", "--image", &image, &arch_flag, &os_flag];
        run(command("umoci", &config)).await;
        let unpack = ["unpack", "--rootless", "--image", &image, &bundle_s];
        run(command("umoci", &unpack)).await;
        let file = bundle.join("rootfs/platform.txt");
        std::fs::write(&file, format!("{os}/{arch}\n")).expect("write rootfs file");
        run(command("umoci", &["repack", "--image", &image, &bundle_s])).await;
        let desc = layout_ref(&layout, &tag);
        entries.push(json!({
            "mediaType": desc["mediaType"],
            "digest": desc["digest"],
            "size": desc["size"],
            "platform": {"architecture": arch, "os": os},
        }));
    }
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": entries,
    });
    let bytes = serde_json::to_vec(&index).expect("index json");
    let digest = sha256_digest(&bytes);
    let blob = layout.join("blobs/sha256").join(&digest[7..]);
    std::fs::write(blob, &bytes).expect("write index blob");
    let index_json = layout.join("index.json");
    let mut top: Value = serde_json::from_slice(&std::fs::read(&index_json).expect("index.json"))
        .expect("parse index.json");
    top["manifests"]
        .as_array_mut()
        .expect("manifests")
        .push(json!({
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": digest,
            "size": bytes.len(),
            "annotations": {"org.opencontainers.image.ref.name": MULTIARCH_TAG},
        }));
    std::fs::write(&index_json, serde_json::to_vec(&top).expect("json")).expect("index.json");
    layout
}

/// The descriptor tagged `tag` in a layout's index.json.
pub fn layout_ref(layout: &Path, tag: &str) -> Value {
    let index: Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).expect("read index.json"))
            .expect("parse index.json");
    let manifests = index["manifests"].as_array().cloned().unwrap_or_default();
    manifests
        .into_iter()
        .rev()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == tag)
        .unwrap_or_else(|| panic!("no {tag} in {}", layout.display()))
}

/// `skopeo copy --all` of `oci:LAYOUT:TAG` to `docker://HOST/REPO:DEST_TAG` over plain HTTP.
pub async fn skopeo_copy_all(
    layout_dir: &Path,
    tag: &str,
    registry_host: &str,
    repo: &str,
    dest_tag: &str,
    dest_creds: Option<(&str, &str)>,
) {
    let src = format!("oci:{}:{tag}", layout_dir.display());
    let dest = format!("docker://{registry_host}/{repo}:{dest_tag}");
    let mut cmd = command("skopeo", &["copy", "--all", "--dest-tls-verify=false"]);
    if let Some((user, pass)) = dest_creds {
        cmd.arg("--dest-creds").arg(format!("{user}:{pass}"));
    }
    cmd.arg(src).arg(dest);
    run(cmd).await;
}

/// The Python that runs oras-py: $STOWAGE_TEST_PYTHON, else `python3`.
pub fn python() -> String {
    std::env::var("STOWAGE_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// oras-py push of `files` (path, media type) to `HOST/TARGET` (target "repo:tag"), with an
/// optional subject (media type, digest, size), anonymously or with `basic` (user, password)
/// through oras-py's basic auth, which oras_push.py reads from ORAS_USER and ORAS_PASS.
/// Returns the pushed manifest's digest.
pub async fn oras_push(
    host: &str,
    target: &str,
    files: &[(&Path, &str)],
    subject: Option<(&str, &str, u64)>,
    basic: Option<(&str, &str)>,
) -> String {
    let files: Vec<Value> = files
        .iter()
        .map(|(path, media_type)| json!([path.to_string_lossy(), media_type]))
        .collect();
    let subject = subject.map(|(media_type, digest, size)| {
        json!({"mediaType": media_type, "digest": digest, "size": size})
    });
    let auth = basic.map(|_| "basic");
    let args =
        json!({"host": host, "target": target, "files": files, "subject": subject, "auth": auth});
    let mut cmd = Command::new(python());
    cmd.arg("-c")
        .arg(include_str!("oras_push.py"))
        .arg(args.to_string());
    if let Some((user, pass)) = basic {
        cmd.env("ORAS_USER", user).env("ORAS_PASS", pass);
    }
    let stdout = run_as(cmd, format!("oras-py push to {host}/{target}")).await;
    let result = oras_result(&stdout);
    result["digest"]
        .as_str()
        .unwrap_or_else(|| panic!("oras-py result without digest: {result}"))
        .to_string()
}

/// The JSON an oras-py script printed last, after `STOWAGE-RESULT `.
fn oras_result(stdout: &str) -> Value {
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("STOWAGE-RESULT "))
        .unwrap_or_else(|| panic!("oras-py printed no result:\n{stdout}"));
    serde_json::from_str(line).expect("oras-py result")
}

/// oras-py pull of `HOST/TARGET` into `outdir`; returns the paths it reports writing.
pub async fn oras_pull(host: &str, target: &str, outdir: &Path) -> Vec<String> {
    let script = r#"
import json, sys
import oras.client
a = json.loads(sys.argv[-1])
c = oras.client.OrasClient(hostname=a["host"], insecure=True)
files = c.pull(target=a["host"] + "/" + a["target"], outdir=a["outdir"])
print("STOWAGE-RESULT " + json.dumps({"files": files}))
"#;
    let args = json!({"host": host, "target": target, "outdir": outdir.to_string_lossy()});
    let mut cmd = Command::new(python());
    cmd.arg("-c").arg(script).arg(args.to_string());
    let stdout = run(cmd).await;
    let result = oras_result(&stdout);
    result["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
