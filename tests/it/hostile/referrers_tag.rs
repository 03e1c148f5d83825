//! Rule: concurrent attaches never lose each other's entry in the referrers tag, even when
//! the registry is slow and fails index writes (some of which land all the same).

use std::collections::BTreeSet;
use std::sync::Arc;

use stowage::manifest::Manifest;
use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;
use stowage::Digest;

use crate::harness::{Fault, FaultProxy, Pusher, TestRegistry};
use crate::support::registry_at;

const SPDX: &str = "application/spdx+json";

#[tokio::test]
async fn eight_attaches_all_stay_in_the_referrers_tag_of_a_slow_failing_registry() {
    let reg = TestRegistry::anonymous().await;
    let image = Pusher::new(&reg.base_url())
        .image("app", "v1", b"base")
        .await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::SlowFlakyReferrersTag(300));
    let store = Arc::new(Store::Remote {
        registry: registry_at(&proxy.host(), &reg).await,
        repository: "app".into(),
    });
    let subject = store.resolve("v1").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let file = dir.path().join(format!("sbom-{i}.spdx.json"));
        std::fs::write(
            &file,
            format!(r#"{{"spdxVersion":"SPDX-2.3","name":"n{i}"}}"#),
        )
        .unwrap();
        let (store, subject) = (store.clone(), subject.clone());
        tasks.push(tokio::spawn(async move {
            let request = PushRequest {
                files: vec![FileSpec {
                    path: file,
                    media_type: None,
                }],
                subject: Some(subject),
                artifact_type: Some(SPDX.into()),
                ..Default::default()
            };
            let options = PushOptions::default();
            push::push(&store, &request, &options, &Transfer::new(), &Cancel::new()).await
        }));
    }
    let mut attached = BTreeSet::new();
    for t in tasks {
        attached.insert(t.await.unwrap().unwrap().digest);
    }
    assert!(proxy.referrers_tag_puts() >= 8, "the faults were met");

    proxy.set_fault(Fault::None);
    let tag = image.digest.replace(':', "-");
    let Manifest::Index(index) = store.fetch_manifest(&tag).await.unwrap().parse().unwrap() else {
        panic!("the referrers tag holds an index")
    };
    let listed: BTreeSet<Digest> = index.manifests.iter().map(|d| d.digest.clone()).collect();
    assert_eq!(listed, attached, "8/8 attaches kept");
}
