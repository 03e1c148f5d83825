use std::collections::BTreeMap;

use super::super::{decode, media_type, Identity, Pattern, Signed, Trust, TrustedRoot, Verdict};
use crate::Digest;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/signature/sigstore"
);
const CONDA_DIGEST: &str =
    "sha256:54303491a8418fbed24344b513546182c29b43bf282ceb433af65e2299f9271f";
const WORKFLOW: &str =
    "https://github.com/prefix-dev/sigstore-example/.github/workflows/action.yaml@refs/heads/main";
const ACTIONS: &str = "https://token.actions.githubusercontent.com";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

fn conda_attestation() -> Signed {
    let bytes = fixture("conda-attestation.sigstore.json");
    decode(media_type::SIGSTORE_BUNDLE_V03, &BTreeMap::new(), &bytes).unwrap()
}

/// A keyless signature's verdict: no registry scope matters to keyless checks.
fn check(signed: &Signed, subject: &Digest, trust: &Trust) -> Verdict {
    super::super::verify(signed, subject, None, trust)
}

fn trusting(identity: Pattern, issuer: Pattern) -> Trust {
    Trust {
        identities: vec![Identity { identity, issuer }],
        ..Trust::with_shipped_roots()
    }
}

fn exact(s: &str) -> Pattern {
    Pattern::Exact(s.to_string())
}

fn conda() -> Digest {
    CONDA_DIGEST.parse().unwrap()
}

fn reason(verdict: Verdict) -> String {
    match verdict {
        Verdict::Failed { reason } | Verdict::NotChecked { reason } => reason,
        Verdict::Verified { by, .. } => panic!("verified by {by}"),
    }
}

#[test]
fn a_public_good_attestation_verifies_under_its_identity() {
    let verdict = check(
        &conda_attestation(),
        &conda(),
        &trusting(exact(WORKFLOW), exact(ACTIONS)),
    );
    let Verdict::Verified { by, signed_digest } = verdict else {
        panic!("{verdict:?}");
    };
    assert_eq!(signed_digest, conda());
    assert_eq!(
        by,
        format!("{WORKFLOW} (issuer {ACTIONS}), through Sigstore public good")
    );
}

#[test]
fn an_identity_matches_by_regular_expression() {
    let trust = trusting(
        Pattern::regex(r"https://github\.com/prefix-dev/.*").unwrap(),
        Pattern::regex(r"https://token\.actions\.githubusercontent\.com").unwrap(),
    );
    let verdict = check(&conda_attestation(), &conda(), &trust);
    assert!(verdict.is_verified(), "{verdict:?}");
    // Anchored: a pattern for the repository's owner alone does not match the workflow URI.
    let trust = trusting(Pattern::regex("prefix-dev").unwrap(), exact(ACTIONS));
    let reason = reason(check(&conda_attestation(), &conda(), &trust));
    assert!(
        reason.contains("which no trusted identity matches"),
        "{reason}"
    );
}

#[test]
fn another_identity_or_issuer_fails_and_says_who_signed() {
    for trust in [
        trusting(
            exact("https://github.com/other/repo/.github/workflows/a.yml@refs/heads/main"),
            exact(ACTIONS),
        ),
        trusting(exact(WORKFLOW), exact("https://accounts.google.com")),
    ] {
        let verdict = check(&conda_attestation(), &conda(), &trust);
        assert!(matches!(verdict, Verdict::Failed { .. }), "{verdict:?}");
        let reason = reason(verdict);
        assert!(
            reason.starts_with(&format!(
                "signed by {WORKFLOW} (issuer {ACTIONS}), which no trusted identity matches"
            )),
            "{reason}"
        );
    }
}

#[test]
fn without_a_trusted_identity_a_good_certificate_is_not_checked() {
    let verdict = check(&conda_attestation(), &conda(), &Trust::with_shipped_roots());
    assert!(matches!(verdict, Verdict::NotChecked { .. }), "{verdict:?}");
    let reason = reason(verdict);
    assert!(
        reason.contains("checks out against Sigstore public good"),
        "{reason}"
    );
    assert!(reason.contains("no identity is trusted"), "{reason}");
}

#[test]
fn a_good_signature_over_another_artifact_fails_naming_what_it_signs() {
    let other: Digest = format!("sha256:{}", "ab".repeat(32)).parse().unwrap();
    let reason = reason(check(
        &conda_attestation(),
        &other,
        &trusting(exact(WORKFLOW), exact(ACTIONS)),
    ));
    assert_eq!(
        reason,
        format!("signs {CONDA_DIGEST}, not this artifact ({other})")
    );
}

#[test]
fn an_untrusted_root_fails() {
    let scaffolding = String::from_utf8(fixture("scaffolding.json")).unwrap();
    let trust = Trust {
        roots: vec![TrustedRoot::from_json("scaffolding.json", &scaffolding).unwrap()],
        ..trusting(exact(WORKFLOW), exact(ACTIONS))
    };
    let verdict = check(&conda_attestation(), &conda(), &trust);
    assert!(matches!(verdict, Verdict::Failed { .. }), "{verdict:?}");
    let reason = reason(verdict);
    assert!(
        reason.contains("do not verify against a trusted root (scaffolding.json: "),
        "{reason}"
    );
}

#[test]
fn a_changed_statement_fails() {
    let text = String::from_utf8(fixture("conda-attestation.sigstore.json")).unwrap();
    let mut bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let payload = bundle["dsseEnvelope"]["payload"]
        .as_str()
        .unwrap()
        .to_string();
    let decoded = base64_decode(&payload);
    let changed = String::from_utf8(decoded)
        .unwrap()
        .replace("signed-package", "signed-packagf");
    bundle["dsseEnvelope"]["payload"] = base64_encode(changed.as_bytes()).into();
    let bytes = serde_json::to_vec(&bundle).unwrap();
    let signed = decode(media_type::SIGSTORE_BUNDLE_V03, &BTreeMap::new(), &bytes).unwrap();
    let verdict = check(
        &signed,
        &conda(),
        &trusting(exact(WORKFLOW), exact(ACTIONS)),
    );
    assert!(matches!(verdict, Verdict::Failed { .. }), "{verdict:?}");
}

#[test]
fn with_no_trusted_root_nothing_keyless_is_checked() {
    let trust = Trust {
        roots: Vec::new(),
        ..trusting(exact(WORKFLOW), exact(ACTIONS))
    };
    let verdict = check(&conda_attestation(), &conda(), &trust);
    assert!(matches!(verdict, Verdict::NotChecked { .. }), "{verdict:?}");
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}
