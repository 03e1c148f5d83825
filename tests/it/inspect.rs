//! `stowage inspect`: a signature or attestation decoded and said in words in the terminal.

use std::path::Path;

use crate::cli::{run, stderr};

const DSSE: &str = "application/vnd.dsse.envelope.v1+json";

/// `oci:HOME/layout:v1`: a one-file artifact pushed by stowage.
async fn layout_artifact(home: &Path) -> String {
    let file = home.join("app.txt");
    std::fs::write(&file, "an app").unwrap();
    let target = format!("oci:{}:v1", home.join("layout").display());
    let pushed = run(home, &["push", &target, file.to_str().unwrap()], "", &[]).await;
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    target
}

/// Attaches the DSSE envelope at `file` to `target` as an attestation.
async fn attach_envelope(home: &Path, target: &str, file: &str) {
    let layer = format!("{file}:{DSSE}");
    let attached = run(
        home,
        &["attach", target, &layer, "--artifact-type", DSSE],
        "",
        &[],
    )
    .await;
    assert!(attached.status.success(), "{}", stderr(&attached));
}

/// `inspect` on a layout: securesystemslib's SLSA provenance (tests/fixtures/signature), attached
/// as a DSSE attestation, reads as a build; with its key it verifies the envelope and then says
/// it is about another artifact.
#[tokio::test]
async fn inspect_reads_a_provenance_attestation_as_a_build() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let target = layout_artifact(home).await;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/signature");
    attach_envelope(home, &target, &format!("{fixtures}/provenance.dsse.json")).await;

    let key = format!("{fixtures}/provenance.pub.pem");
    let out = run(home, &["inspect", &target, "--key", &key], "", &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for wanted in [
        "dsse attestation  sha256:",
        "attests",
        "https://slsa.dev/provenance/v1",
        "built from https://github.com/example/app at refs/tags/v1.0.0, commit a1b2c3d4e5f60718293a4b5c6d7e8f9012345678, by .github/workflows/release.yml on push",
        "2026-11-01T10:05:00Z",
        "fetched",
        "registry.example/app sha256:a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333",
        "failed: signs sha256:a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333, not this artifact",
    ] {
        assert!(text.contains(wanted), "{wanted:?} in\n{text}");
    }
}

/// A Trivy scan attested with cosign's vulnerability predicate reads as counts by severity.
#[tokio::test]
async fn inspect_counts_a_vulnerability_scan_by_severity() {
    use base64::Engine as _;
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let target = layout_artifact(home).await;
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app", "digest": {"sha256": "00".repeat(32)}}],
        "predicateType": "https://cosign.sigstore.dev/attestation/vuln/v1",
        "predicate": {"scanner": {"uri": "pkg:github/aquasecurity/trivy@0.45.0", "version": "0.45.0",
            "result": {"Results": [{"Target": "app", "Vulnerabilities": [
                {"VulnerabilityID": "CVE-2023-0001", "Severity": "CRITICAL"},
                {"VulnerabilityID": "CVE-2023-0002", "Severity": "HIGH"},
                {"VulnerabilityID": "CVE-2023-0003", "Severity": "HIGH"}]}]}},
            "metadata": {"scanFinishedOn": "2026-11-01T10:07:00Z"}}
    });
    let b64 = base64::engine::general_purpose::STANDARD;
    let envelope = serde_json::json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": b64.encode(statement.to_string()),
        "signatures": [{"keyid": "", "sig": b64.encode([7u8; 64])}]
    });
    let path = home.join("vuln.dsse.json");
    std::fs::write(&path, envelope.to_string()).unwrap();
    attach_envelope(home, &target, &path.display().to_string()).await;

    let out = run(home, &["inspect", &target], "", &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for wanted in [
        "status           not checked",
        "scanner          pkg:github/aquasecurity/trivy@0.45.0",
        "scanned          2026-11-01T10:07:00Z",
        "vulnerabilities  1 critical, 2 high",
        "CVE-2023-0001 critical",
    ] {
        assert!(text.contains(wanted), "{wanted:?} in\n{text}");
    }
}
