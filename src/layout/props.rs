//! Property tests of index.json's write/read round trip: after any sequence of manifest puts,
//! tags and deletes over a layout another tool wrote first, what Stowage reads back is what was
//! written (tags, descriptors, the manifests' bytes), other tools' annotations and fields are
//! never changed or invented, and an independent JSON reading of index.json agrees.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::{json, Value};

use super::tests::{desc_json, LAYER};
use super::*;
use crate::manifest::media_type::{OCI_EMPTY, OCI_INDEX, OCI_MANIFEST};

/// The manifests an operation can name: images, then an index over the first two images.
const IMAGES: usize = 4;
const POOL: usize = IMAGES + 1;

#[derive(Debug, Clone)]
enum Op {
    Put { manifest: usize, tags: Vec<String> },
    Tag { manifest: usize, tag: String },
    Delete { manifest: usize },
}

fn tag() -> impl Strategy<Value = String> {
    // Few distinct tags, so operations move them between manifests.
    prop_oneof![
        Just("latest".to_string()),
        Just("v1".to_string()),
        Just("v1.0-rc_1".to_string()),
        "[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}",
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..POOL, proptest::collection::vec(tag(), 0..3))
            .prop_map(|(manifest, tags)| Op::Put { manifest, tags }),
        2 => (0..POOL, tag()).prop_map(|(manifest, tag)| Op::Tag { manifest, tag }),
        1 => (0..POOL).prop_map(|manifest| Op::Delete { manifest }),
    ]
}

/// Annotations another tool may have put on an index.json entry.
fn annotations() -> impl Strategy<Value = BTreeMap<String, String>> {
    proptest::collection::btree_map(
        prop_oneof![
            Just("org.opencontainers.image.created".to_string()),
            Just("com.example.note".to_string()),
            "[a-z]{1,8}\\.[a-z]{1,8}",
        ],
        "\\PC{0,12}",
        0..3,
    )
}

/// index.json as another tool left it: some pool manifests, each tagged or not, with
/// annotations and a field Stowage does not know.
fn foreign() -> impl Strategy<Value = Vec<(usize, Option<String>, BTreeMap<String, String>)>> {
    proptest::collection::vec((0..POOL, proptest::option::of(tag()), annotations()), 0..4).prop_map(
        |mut entries| {
            // One entry per tag, as Stowage itself keeps them.
            let mut seen = BTreeSet::new();
            for (_, tag, _) in &mut entries {
                if tag.as_ref().is_some_and(|t| !seen.insert(t.clone())) {
                    *tag = None;
                }
            }
            entries
        },
    )
}

struct Pool {
    bytes: Vec<Vec<u8>>,
    media_types: Vec<&'static str>,
    artifact_types: Vec<Option<String>>,
    digests: Vec<Digest>,
}

/// Stores the config, the layer and every pool manifest as blobs (a manifest's successors must
/// be present before it is put; a tag may name any stored manifest).
fn pool(layout: &Layout, artifact_types: &[Option<String>]) -> Pool {
    let write = |bytes: &[u8]| {
        let digest = Digest::sha256_of(bytes);
        blob::write_whole(&layout.blobs_dir(), &layout.blob_path(&digest), bytes).expect("blob");
        Descriptor::new("", digest, bytes.len() as u64)
    };
    let mut config = write(b"{}");
    config.media_type = OCI_EMPTY.into();
    let mut layer = write(b"layer");
    layer.media_type = LAYER.into();
    let mut p = Pool {
        bytes: Vec::new(),
        media_types: Vec::new(),
        artifact_types: Vec::new(),
        digests: Vec::new(),
    };
    for (i, artifact_type) in artifact_types.iter().enumerate() {
        let mut m = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": desc_json(&config),
            "layers": [desc_json(&layer)],
            "annotations": {"n": i.to_string()},
        });
        if let Some(t) = artifact_type {
            m["artifactType"] = json!(t);
        }
        let bytes = serde_json::to_vec(&m).unwrap();
        let d = write(&bytes);
        p.digests.push(d.digest);
        p.bytes.push(bytes);
        p.media_types.push(OCI_MANIFEST);
        p.artifact_types.push(artifact_type.clone());
    }
    let children: Vec<Value> = (0..2)
        .map(|i| {
            desc_json(&Descriptor::new(
                OCI_MANIFEST,
                p.digests[i].clone(),
                p.bytes[i].len() as u64,
            ))
        })
        .collect();
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": children,
    }))
    .unwrap();
    let d = write(&index);
    p.digests.push(d.digest);
    p.bytes.push(index);
    p.media_types.push(OCI_INDEX);
    p.artifact_types.push(None);
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn what_is_written_to_index_json_reads_back(
        artifact_types in proptest::collection::vec(
            proptest::option::of("application/vnd\\.[a-z]{1,8}\\+json"), IMAGES),
        foreign in foreign(),
        ops in proptest::collection::vec(op(), 1..10),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path().join("store")).unwrap();
        let pool = pool(&layout, &artifact_types);

        // The model: which tag names which manifest, and which manifests are listed.
        let mut tags: BTreeMap<String, usize> = BTreeMap::new();
        let mut listed: BTreeSet<usize> = BTreeSet::new();
        let mut foreign_annotations: BTreeMap<Digest, Vec<BTreeMap<String, String>>> =
            BTreeMap::new();
        let entries: Vec<Value> = foreign
            .iter()
            .map(|(i, tag, annotations)| {
                let mut all = annotations.clone();
                if let Some(t) = tag {
                    all.insert(REF_NAME.to_string(), t.clone());
                    tags.insert(t.clone(), *i);
                }
                listed.insert(*i);
                foreign_annotations
                    .entry(pool.digests[*i].clone())
                    .or_default()
                    .push(annotations.clone());
                let mut entry = json!({
                    "mediaType": pool.media_types[*i],
                    "digest": pool.digests[*i].to_string(),
                    "size": pool.bytes[*i].len(),
                    "x-other-tool": "kept",
                });
                if !all.is_empty() {
                    entry["annotations"] = json!(all);
                }
                entry
            })
            .collect();
        let index = json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": entries,
            "x-written-by": "another tool",
        });
        std::fs::write(layout.root().join("index.json"), index.to_string()).unwrap();

        for op in &ops {
            match op {
                Op::Put { manifest, tags: put_tags } => {
                    let desc = layout
                        .put_manifest(&pool.bytes[*manifest], pool.media_types[*manifest], put_tags)
                        .unwrap();
                    prop_assert_eq!(&desc.digest, &pool.digests[*manifest]);
                    for t in put_tags {
                        tags.insert(t.clone(), *manifest);
                    }
                    listed.insert(*manifest);
                }
                Op::Tag { manifest, tag } => {
                    let desc = Descriptor::new(
                        pool.media_types[*manifest],
                        pool.digests[*manifest].clone(),
                        pool.bytes[*manifest].len() as u64,
                    );
                    layout.tag(&desc, tag).unwrap();
                    tags.insert(tag.clone(), *manifest);
                    listed.insert(*manifest);
                }
                Op::Delete { manifest } => {
                    let removed = layout.delete_manifest(&pool.digests[*manifest]).unwrap();
                    prop_assert_eq!(removed, listed.remove(manifest));
                    tags.retain(|_, m| m != manifest);
                }
            }
        }

        // The layout read again from disk, as another process would.
        let layout = Layout::open(layout.root()).unwrap();
        let read_tags = layout.tags().unwrap();
        prop_assert_eq!(
            read_tags.iter().cloned().collect::<BTreeSet<_>>(),
            tags.keys().cloned().collect::<BTreeSet<_>>()
        );
        prop_assert_eq!(read_tags.len(), tags.len(), "each tag once");
        for (tag, m) in &tags {
            let desc = layout.resolve(tag).unwrap();
            prop_assert_eq!(&desc.digest, &pool.digests[*m]);
            prop_assert_eq!(desc.media_type.as_str(), pool.media_types[*m]);
            prop_assert_eq!(desc.size, pool.bytes[*m].len() as u64);
        }

        let descriptors = layout.manifests().unwrap();
        let listed_digests: BTreeSet<&Digest> = listed.iter().map(|m| &pool.digests[*m]).collect();
        prop_assert_eq!(descriptors.iter().map(|d| &d.digest).collect::<BTreeSet<_>>(), listed_digests);
        let raw: Value =
            serde_json::from_slice(&std::fs::read(layout.root().join("index.json")).unwrap()).unwrap();
        prop_assert_eq!(&raw["x-written-by"], "another tool");
        let raw_entries = raw["manifests"].as_array().unwrap();
        let independent: Vec<Descriptor> = raw_entries
            .iter()
            .map(|e| serde_json::from_value(e.clone()).unwrap())
            .collect();
        prop_assert_eq!(&independent, &descriptors);
        for (desc, raw) in descriptors.iter().zip(raw_entries) {
            let m = pool.digests.iter().position(|d| d == &desc.digest).unwrap();
            prop_assert_eq!(desc.media_type.as_str(), pool.media_types[m]);
            prop_assert_eq!(desc.size, pool.bytes[m].len() as u64);
            if let Some(t) = &desc.artifact_type {
                prop_assert_eq!(Some(t), pool.artifact_types[m].as_ref());
            }
            prop_assert_eq!(&layout.fetch_manifest(&desc.digest).unwrap().bytes[..], &pool.bytes[m][..]);
            // Other tools' annotations are kept as they were or go with their entry; Stowage
            // adds none but the tag.
            let mut others = desc.annotations.clone();
            others.remove(REF_NAME);
            if !others.is_empty() {
                let theirs = foreign_annotations.get(&desc.digest).cloned().unwrap_or_default();
                prop_assert!(theirs.contains(&others), "{:?} invented", others);
                prop_assert_eq!(&raw["x-other-tool"], "kept");
            }
        }
    }
}
