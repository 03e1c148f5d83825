//! `stowage inspect`: a signature or attestation decoded and said in words in the terminal.

use crate::cli::{run, stderr};

/// `inspect` on a layout: securesystemslib's SLSA provenance (tests/fixtures/signature), attached
/// as a DSSE attestation, reads as a build; with its key it verifies the envelope and then says
/// it is about another artifact.
#[tokio::test]
async fn inspect_reads_a_provenance_attestation_as_a_build() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let layout = home.join("layout");
    let file = home.join("app.txt");
    std::fs::write(&file, "an app").unwrap();
    let target = format!("oci:{}:v1", layout.display());
    let pushed = run(home, &["push", &target, file.to_str().unwrap()], "", &[]).await;
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/signature");
    let envelope = format!("{fixtures}/provenance.dsse.json:application/vnd.dsse.envelope.v1+json");
    let attached = run(
        home,
        &[
            "attach",
            &target,
            &envelope,
            "--artifact-type",
            "application/vnd.dsse.envelope.v1+json",
        ],
        "",
        &[],
    )
    .await;
    assert!(attached.status.success(), "{}", stderr(&attached));

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
