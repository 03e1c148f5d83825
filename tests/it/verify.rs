//! `stowage verify` against the real registry: artifacts pushed by stowage, signed the way
//! cosign signs (a simple-signing payload under `sha256-<hex>.sig`) with ECDSA P-256 keys made
//! and used by Python's `cryptography`, not by Stowage; each checked with the right key,
//! another key, no key, a payload for another artifact, a broken layer, no signature, and the
//! errors (a missing key file, an unreachable registry).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

use crate::cli::{run, stderr};
use crate::harness::{Desc, Pusher, TestRegistry, OCI_MANIFEST};

const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Debian's Python, where the python3-cryptography package installs (scripts/setup).
pub(crate) const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// Makes two P-256 keys in `dir` (`key0.pub.pem`, `key1.pub.pem`) and signs each payload with
/// the first, as `cosign sign --key` does: ECDSA over SHA-256, DER, standard base64. Prints the
/// keys' ids (SHA-256 of the DER SubjectPublicKeyInfo) and the signatures as JSON.
const SIGNER: &str = r#"
import base64, hashlib, json, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
out_dir, payloads = sys.argv[1], json.loads(sys.argv[2])
keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(2)]
result = {"keys": [], "signatures": []}
for i, key in enumerate(keys):
    pub = key.public_key()
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    path = f"{out_dir}/key{i}.pub.pem"
    with open(path, "wb") as f:
        f.write(pub.public_bytes(serialization.Encoding.PEM, spki))
    der = pub.public_bytes(serialization.Encoding.DER, spki)
    result["keys"].append({"pem": path, "id": "sha256:" + hashlib.sha256(der).hexdigest()})
for payload in payloads:
    signature = keys[0].sign(payload.encode(), ec.ECDSA(hashes.SHA256()))
    result["signatures"].append(base64.b64encode(signature).decode())
print(json.dumps(result))
"#;

pub(crate) struct Signed {
    /// (PEM path, key id) of the signing key, then of another.
    pub keys: Vec<(String, String)>,
    pub signatures: Vec<String>,
}

pub(crate) fn sign(dir: &Path, payloads: &[&str]) -> Signed {
    let out = Command::new(SYSTEM_PYTHON)
        .arg("-c")
        .arg(SIGNER)
        .arg(dir)
        .arg(json!(payloads).to_string())
        .output()
        .expect("run python3 (scripts/setup installs it with python3-cryptography)");
    assert!(
        out.status.success(),
        "python3 signer: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("signer JSON");
    let text = |v: &Value| v.as_str().expect("a string").to_string();
    Signed {
        keys: result["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|k| (text(&k["pem"]), text(&k["id"])))
            .collect(),
        signatures: result["signatures"]
            .as_array()
            .expect("signatures")
            .iter()
            .map(text)
            .collect(),
    }
}

/// cosign's simple-signing payload for `digest` pushed as `repository`, byte for byte.
pub(crate) fn payload(repository: &str, digest: &str) -> String {
    format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"{repository}"}},"image":{{"docker-manifest-digest":"{digest}"}},"type":"cosign container image signature"}},"optional":null}}"#
    )
}

/// A file pushed by stowage as `repo:tag`; its manifest as the registry describes it.
pub(crate) async fn push_artifact(
    home: &Path,
    pusher: &Pusher,
    host: &str,
    repo: &str,
    tag: &str,
) -> Desc {
    let file = home.join(format!("{tag}.txt"));
    std::fs::write(&file, format!("artifact {tag}")).unwrap();
    let target = format!("{host}/{repo}:{tag}");
    let pushed = run(home, &["push", &target, file.to_str().unwrap()], "", &[]).await;
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    pusher.head(repo, tag).await.expect("the pushed tag")
}

/// A signature manifest as cosign lays it out: an image config naming the layer, one
/// simple-signing layer with its signature annotation, tagged `sha256-<hex>.sig` of `subject`.
pub(crate) async fn attach_cosign_signature(
    pusher: &Pusher,
    repo: &str,
    subject: &Desc,
    payload: &str,
    signature: &str,
) -> Desc {
    let annotations = json!({ SIGNATURE_ANNOTATION: signature });
    attach_cosign_layer(pusher, repo, subject, payload, annotations).await
}

/// As [`attach_cosign_signature`], with the layer's annotations given whole.
pub(crate) async fn attach_cosign_layer(
    pusher: &Pusher,
    repo: &str,
    subject: &Desc,
    payload: &str,
    annotations: Value,
) -> Desc {
    let (layer, layer_size) = pusher.blob(repo, payload.as_bytes()).await;
    let config = json!({"architecture": "", "created": "0001-01-01T00:00:00Z",
        "history": [{"created": "0001-01-01T00:00:00Z"}], "os": "",
        "rootfs": {"type": "layers", "diff_ids": [layer]}, "config": {}});
    let config = serde_json::to_vec(&config).unwrap();
    let (config_digest, config_size) = pusher.blob(repo, &config).await;
    let manifest = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "size": config_size, "digest": config_digest},
        "layers": [{"mediaType": SIMPLE_SIGNING, "size": layer_size, "digest": layer,
                    "annotations": annotations}]});
    let tag = format!("{}.sig", subject.digest.replace(':', "-"));
    pusher.put_json(repo, &tag, &manifest).await
}

/// `repo:v1`, an index of two one-layer images (linux/amd64, linux/arm64): (index, amd64, arm64).
pub(crate) async fn multi_arch(pusher: &Pusher, repo: &str) -> (Desc, Desc, Desc) {
    let amd64 = pusher.image(repo, "amd64", b"amd64 layer").await;
    let arm64 = pusher.image(repo, "arm64", b"arm64 layer").await;
    let platform = |d: &Desc, arch: &str| {
        json!({"mediaType": d.media_type, "digest": d.digest, "size": d.size,
               "platform": {"os": "linux", "architecture": arch}})
    };
    let index = pusher
        .put_json(
            repo,
            "v1",
            &json!({"schemaVersion": 2, "mediaType": crate::harness::OCI_INDEX,
                    "manifests": [platform(&amd64, "amd64"), platform(&arm64, "arm64")]}),
        )
        .await;
    (index, amd64, arm64)
}

pub(crate) async fn verify(home: &Path, args: &[&str]) -> Output {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    run(home, &all, "", &[]).await
}

/// The one signature of a `--output json` answer, after checking the answer's subject.
pub(crate) fn only_signature(out: &Output, subject: &Desc) -> Value {
    let answer: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("one JSON object ({e}): {}", stderr(out)));
    assert_eq!(answer["subject"], json!(subject.digest), "{answer:#}");
    let signatures = answer["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), 1, "{answer:#}");
    signatures[0].clone()
}

#[tokio::test]
async fn cosign_signatures_verify_with_their_key_only_and_only_for_their_artifact() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let host = reg.host();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let signed = push_artifact(home, &pusher, &host, "app", "v1").await;
    let other = push_artifact(home, &pusher, &host, "app", "v2").await;
    push_artifact(home, &pusher, &host, "app", "v3").await;
    let broken = push_artifact(home, &pusher, &host, "app", "v4").await;
    assert_ne!(signed.digest, other.digest);

    let repository = format!("{host}/app");
    let own = payload(&repository, &signed.digest);
    let keys_dir = home.join("keys");
    std::fs::create_dir(&keys_dir).unwrap();
    let cosign = sign(&keys_dir, &[&own]);
    let (key, _) = &cosign.keys[0];
    let (other_key, other_key_id) = &cosign.keys[1];
    let sig = attach_cosign_signature(&pusher, "app", &signed, &own, &cosign.signatures[0]).await;
    // A good signature of v1, attached to v2: it verifies, but names another artifact.
    let moved = attach_cosign_signature(&pusher, "app", &other, &own, &cosign.signatures[0]).await;
    attach_cosign_signature(&pusher, "app", &broken, &own, "not base64!").await;

    let v1 = format!("{repository}:v1");
    let good = verify(home, &[&v1, "--key", key, "--output", "json"]).await;
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    let s = only_signature(&good, &signed);
    assert_eq!(s["digest"], json!(sig.digest), "{s:#}");
    assert_eq!(s["kind"], "cosign");
    assert_eq!(s["verified"], true);
    assert!(
        s["by"]
            .as_str()
            .unwrap_or_default()
            .starts_with("key sha256:"),
        "{s:#}"
    );
    assert_eq!(s["reason"], Value::Null);
    assert_eq!(s["signedDigest"], json!(signed.digest));
    assert_eq!((&s["identity"], &s["issuer"]), (&Value::Null, &Value::Null));
    assert_eq!(s["predicateType"], Value::Null);

    // Any key verifying counts; the text line says so with the signature's manifest.
    let text = verify(home, &[&v1, "--key", other_key, "--key", key]).await;
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let line = String::from_utf8_lossy(&text.stdout).into_owned();
    let short = &sig.digest[.."sha256:".len() + 12];
    assert!(
        line.starts_with("verified") && line.contains("cosign") && line.contains(short),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1, "{line}");

    let wrong = verify(home, &[&v1, "--key", other_key, "--output", "json"]).await;
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));
    let s = only_signature(&wrong, &signed);
    assert_eq!(s["verified"], false);
    assert_eq!(s["signedDigest"], Value::Null);
    let reason = s["reason"].as_str().unwrap_or_default();
    let tried = &other_key_id[..other_key_id.len().min("sha256:".len() + 12)];
    assert!(
        reason.contains(tried),
        "the reason names the key tried: {reason}"
    );

    let none = verify(home, &[&v1, "--output", "json"]).await;
    assert_eq!(none.status.code(), Some(1), "{}", stderr(&none));
    let s = only_signature(&none, &signed);
    assert_eq!(s["verified"], false);
    assert!(
        s["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("no public key"),
        "{s:#}"
    );
    let none_text = verify(home, &[&v1]).await;
    assert_eq!(none_text.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&none_text.stdout).starts_with("not checked"),
        "{}",
        String::from_utf8_lossy(&none_text.stdout)
    );

    let v2 = format!("{repository}:v2");
    let elsewhere = verify(home, &[&v2, "--key", key, "--output", "json"]).await;
    assert_eq!(elsewhere.status.code(), Some(1), "{}", stderr(&elsewhere));
    let s = only_signature(&elsewhere, &other);
    assert_eq!(s["digest"], json!(moved.digest));
    assert_eq!(s["verified"], false);
    let reason = s["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("not this artifact") && reason.contains(&signed.digest),
        "{reason}"
    );

    // A layer that does not decode is a failed signature, not an error.
    let v4 = format!("{repository}:v4");
    let undecodable = verify(home, &[&v4, "--key", key, "--output", "json"]).await;
    assert_eq!(
        undecodable.status.code(),
        Some(1),
        "{}",
        stderr(&undecodable)
    );
    let s = only_signature(&undecodable, &broken);
    assert_eq!(
        (&s["verified"], &s["kind"]),
        (&json!(false), &json!("cosign"))
    );
    let reason = s["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(SIGNATURE_ANNOTATION) && reason.contains("not base64"),
        "{reason}"
    );

    let v3 = format!("{repository}:v3");
    let nothing = verify(home, &[&v3, "--key", key]).await;
    assert_eq!(nothing.status.code(), Some(1));
    assert!(
        stderr(&nothing).contains(&format!("no signature found for {v3}")),
        "{}",
        stderr(&nothing)
    );

    // An unreadable key file is an error (2), named, before anything is fetched.
    let missing = home.join("keys/absent.pem");
    let error = verify(home, &[&v1, "--key", missing.to_str().unwrap()]).await;
    assert_eq!(error.status.code(), Some(2), "{}", stderr(&error));
    assert!(stderr(&error).contains("absent.pem"), "{}", stderr(&error));
    // So is a registry that cannot be reached.
    let unreachable = verify(home, &["127.0.0.1:1/app:v1", "--key", key]).await;
    assert_eq!(
        unreachable.status.code(),
        Some(2),
        "{}",
        stderr(&unreachable)
    );
    assert!(
        stderr(&unreachable).contains("cannot reach"),
        "{}",
        stderr(&unreachable)
    );
}

#[tokio::test]
async fn an_index_answers_for_the_signatures_of_its_platform_manifests() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let host = reg.host();
    let (index, _, arm64) = multi_arch(&pusher, "multi").await;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let own = payload(&format!("{host}/multi"), &arm64.digest);
    let cosign = sign(home, &[&own]);
    let (key, _) = &cosign.keys[0];
    let sig = attach_cosign_signature(&pusher, "multi", &arm64, &own, &cosign.signatures[0]).await;

    let reference = format!("{host}/multi:v1");
    let out = verify(home, &[&reference, "--key", key, "--output", "json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = only_signature(&out, &index);
    assert_eq!(s["digest"], json!(sig.digest));
    assert_eq!(s["verified"], true);
    assert_eq!(s["signedDigest"], json!(arm64.digest));

    let text = verify(home, &[&reference, "--key", key]).await;
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let line = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        line.starts_with("verified") && line.contains("linux/arm64"),
        "{line}"
    );
}
