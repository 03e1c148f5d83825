//! Tag badges (signed, SBOM, attestation) on a registry repository and on its Local copy.

use std::collections::BTreeMap;

use stowage::graph::{summarize_tags, TagSummary};
use stowage::local::LocalStore;
use stowage::store::Store;
use stowage::Digest;

use super::{attach, copy_to, cosign_sign, remote, IN_TOTO, NOTATION, SPDX};
use crate::harness::{Pusher, TestRegistry};

#[tokio::test]
async fn tag_summaries_show_signatures_sboms_and_attestations_per_tag() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let pusher = Pusher::new(&reg.base_url());
    let source = remote(&reg, "badges").await;
    let mut digests = BTreeMap::new();
    for tag in ["signed", "attested", "plain"] {
        let d = pusher
            .image("badges", tag, format!("{tag} layer").as_bytes())
            .await;
        digests.insert(tag, d.digest.parse::<Digest>().unwrap());
    }
    let signed = source.resolve("signed").await.unwrap();
    attach(&source, dir.path(), "sbom.spdx.json", SPDX, &signed).await;
    let (cosign_tag, _) = cosign_sign(&pusher, "badges", &signed.digest).await;
    let attested = source.resolve("attested").await.unwrap();
    attach(&source, dir.path(), "notation.sig", NOTATION, &attested).await;
    attach(&source, dir.path(), "statement.json", IN_TOTO, &attested).await;

    let shown: Vec<String> = ["signed", "missing", "attested", "plain"]
        .iter()
        .map(|t| t.to_string())
        .collect();
    let expect = |tag: &str, signed: bool, sbom: bool, attestation: bool| TagSummary {
        tag: tag.to_string(),
        digest: Some(digests[tag].clone()),
        signed,
        sbom,
        attestation,
        error: None,
    };
    let check = |what: &str, got: Vec<TagSummary>| {
        assert_eq!(got.len(), 4, "{what}");
        assert_eq!(got[0], expect("signed", true, true, false), "{what}");
        assert_eq!(got[2], expect("attested", true, false, true), "{what}");
        assert_eq!(got[3], expect("plain", false, false, false), "{what}");
        let missing = &got[1];
        assert_eq!(
            (missing.tag.as_str(), &missing.digest),
            ("missing", &None),
            "{what}"
        );
        assert!(!missing.signed && !missing.sbom && !missing.attestation);
        let error = missing.error.as_deref().unwrap_or_default();
        assert!(error.contains("missing"), "{what}: {error}");
    };

    let all_tags = source.tags().await.unwrap();
    assert!(all_tags.contains(&cosign_tag));
    check(
        "registry",
        summarize_tags(&source, &shown, &all_tags, 2).await,
    );
    // Without the cosign tag in the list, the signature by tag is not seen; the SBOM still is.
    let without_cosign: Vec<String> = all_tags
        .iter()
        .filter(|t| **t != cosign_tag)
        .cloned()
        .collect();
    let got = summarize_tags(&source, &shown[..1], &without_cosign, 1).await;
    assert_eq!(got, [expect("signed", false, true, false)]);

    let local = LocalStore::new(dir.path().join("local"));
    let layout = Store::Layout(local.layout("badges", true).unwrap());
    for tag in ["signed", "attested", "plain"] {
        copy_to(&source, tag, &layout, true).await;
    }
    copy_to(&source, &cosign_tag, &layout, false).await;
    let layout_tags = layout.tags().await.unwrap();
    check(
        "layout",
        summarize_tags(&layout, &shown, &layout_tags, 3).await,
    );
}
