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

/// oras-py pushes an SBOM without an artifactType; its referrer descriptor then carries the
/// config's media type (as the spec says), which tells nothing. The badge reads the manifest.
#[tokio::test]
async fn an_sbom_pushed_without_an_artifact_type_still_shows_its_badge() {
    use stowage::ops::fallback::{self, Change};
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let pusher = Pusher::new(&reg.base_url());
    pusher.image("typeless", "v1", b"v1 layer").await;
    let source = remote(&reg, "typeless").await;
    let subject = source.resolve("v1").await.unwrap();
    let sbom_file = dir.path().join("sbom.spdx.json");
    std::fs::write(&sbom_file, r#"{"spdxVersion":"SPDX-2.3","name":"v1"}"#).unwrap();
    let sbom = crate::harness::oras_push(
        &reg.host(),
        "typeless:sbom",
        &[(&sbom_file, SPDX)],
        Some((
            &subject.media_type,
            &subject.digest.to_string(),
            subject.size,
        )),
    )
    .await;
    // oras-py keeps no referrers tag; record the entry the way Stowage records its own.
    let fetched = source.fetch_manifest(&sbom).await.unwrap();
    let entry = fallback::referrer_descriptor(
        &fetched.parse().unwrap(),
        &fetched.media_type,
        fetched.digest.clone(),
        fetched.bytes.len() as u64,
    );
    assert_ne!(
        entry.artifact_type.as_deref(),
        Some(SPDX),
        "the descriptor must say nothing"
    );
    let (registry, _) = source.registry().unwrap();
    fallback::update(registry, "typeless", &subject.digest, Change::Add(entry))
        .await
        .unwrap();

    let all = source.tags().await.unwrap();
    let got = summarize_tags(&source, &["v1".to_string()], &all, 1).await;
    assert!(got[0].sbom && !got[0].signed, "{got:?}");

    let local = LocalStore::new(dir.path().join("local"));
    let layout = Store::Layout(local.layout("typeless", true).unwrap());
    copy_to(&source, "v1", &layout, true).await;
    let got = summarize_tags(&layout, &["v1".to_string()], &["v1".to_string()], 1).await;
    assert!(got[0].sbom, "{got:?}");
}
