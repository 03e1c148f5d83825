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
        None,
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

/// A multi-arch tag whose SBOM hangs off its amd64 manifest, and one whose SBOM is a buildx
/// attestation: the tag shows the SBOM badge, on the registry and in a layout copy.
#[tokio::test]
async fn a_multi_arch_tag_shows_the_sboms_of_its_platform_manifests() {
    use crate::harness::{OCI_INDEX, OCI_MANIFEST};
    use serde_json::json;
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let pusher = Pusher::new(&reg.base_url());
    let amd64 = pusher.image("multi", "amd64", b"amd64 layer").await;
    let arm64 = pusher.image("multi", "arm64", b"arm64 layer").await;
    let platform = |d: &crate::harness::Desc, arch: &str| {
        json!({"mediaType": OCI_MANIFEST, "digest": d.digest, "size": d.size,
               "platform": {"os": "linux", "architecture": arch}})
    };
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX,
        "manifests": [platform(&amd64, "amd64"), platform(&arm64, "arm64")]});
    pusher.put_json("multi", "1.0", &index).await;
    let source = remote(&reg, "multi").await;
    let on_amd64 = source.resolve("amd64").await.unwrap();
    attach(
        &source,
        dir.path(),
        "sbom.cdx.json",
        "application/vnd.cyclonedx+json",
        &on_amd64,
    )
    .await;
    let index_digest = source.resolve("1.0").await.unwrap().digest;
    cosign_sign(&pusher, "multi", &index_digest).await;

    // buildx: an attestation manifest in the index with an SBOM and a provenance statement.
    let (stmt, size) = pusher
        .blob("multi", br#"{"_type":"https://in-toto.io/Statement/v0.1"}"#)
        .await;
    let (empty, _) = pusher.blob("multi", b"{}").await;
    let layer = |predicate: &str| {
        json!({"mediaType": IN_TOTO, "digest": stmt, "size": size,
               "annotations": {"in-toto.io/predicate-type": predicate}})
    };
    let att = pusher
        .put_json(
            "multi",
            "att",
            &json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": empty, "size": 2},
                "layers": [layer("https://spdx.dev/Document"), layer("https://slsa.dev/provenance/v0.2")]}),
        )
        .await;
    let built = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        platform(&arm64, "arm64"),
        {"mediaType": OCI_MANIFEST, "digest": att.digest, "size": att.size,
         "platform": {"os": "unknown", "architecture": "unknown"},
         "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                         "vnd.docker.reference.digest": arm64.digest}}]});
    pusher.put_json("multi", "built", &built).await;

    let shown = vec!["1.0".to_string(), "built".to_string(), "arm64".to_string()];
    let check = |what: &str, got: &[TagSummary]| {
        let badges: Vec<_> = got
            .iter()
            .map(|s| {
                (
                    s.tag.as_str(),
                    s.signed,
                    s.sbom,
                    s.attestation,
                    s.error.clone(),
                )
            })
            .collect();
        assert_eq!(
            badges,
            [
                ("1.0", true, true, false, None),
                ("built", false, true, true, None),
                ("arm64", false, false, false, None),
            ],
            "{what}"
        );
    };
    let all_tags = source.tags().await.unwrap();
    check(
        "registry",
        &summarize_tags(&source, &shown, &all_tags, 2).await,
    );

    let local = LocalStore::new(dir.path().join("local"));
    let layout = Store::Layout(local.layout("multi", true).unwrap());
    for tag in ["1.0", "built", "arm64"] {
        copy_to(&source, tag, &layout, true).await;
    }
    let cosign_tag = format!("{}.sig", index_digest.fallback_tag());
    copy_to(&source, &cosign_tag, &layout, false).await;
    let layout_tags = layout.tags().await.unwrap();
    check(
        "layout",
        &summarize_tags(&layout, &shown, &layout_tags, 3).await,
    );
}
