//! Rule: nothing a registry sends can exhaust memory or disk. A blob read stops at the first
//! byte past its descriptor's size, a folder layer stops unpacking at its limits, and referrers
//! pages and copies with referrers are capped.

use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::pull::{self, PullOptions};
use stowage::pack::UnpackLimits;
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;
use stowage::{Digest, Error};

use super::{snapshot, titled_artifact, zero_folder, Layer};
use crate::cli::{run, stderr};
use crate::harness::{Fault, FaultProxy, Pusher, ReferrersFront, TestRegistry};
use crate::support::registry_at;

const MIB: u64 = 1024 * 1024;

async fn store(host: &str, reg: &TestRegistry, repository: &str) -> Store {
    Store::Remote {
        registry: registry_at(host, reg).await,
        repository: repository.to_string(),
    }
}

#[tokio::test]
async fn a_blob_longer_than_its_descriptor_is_cut_at_the_first_byte_past_it() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    titled_artifact(
        &pusher,
        "app",
        "v1",
        &[Layer::file("ten.txt", b"ten bytes!")],
    )
    .await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::OverlongBlobs(200 * MIB));
    let store = store(&proxy.host(), &reg, "app").await;
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("out");

    let err = pull::pull(&store, "v1", &dest, &Transfer::new(), &Cancel::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::SizeMismatch { expected: 10, .. }),
        "{err}"
    );
    assert!(
        proxy.overlong_bytes_sent() < 32 * MIB,
        "the client read on: {} bytes sent past the blob",
        proxy.overlong_bytes_sent()
    );
    assert!(snapshot(root.path()).is_empty(), "nothing left behind");
}

#[tokio::test]
async fn a_folder_layer_stops_unpacking_at_its_limit() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let bomb = zero_folder("data", 64 * MIB as usize);
    assert!(
        bomb.len() < 256 * 1024,
        "a small layer: {} bytes",
        bomb.len()
    );
    let layer = Layer {
        title: "data",
        bytes: &bomb,
        folder: true,
    };
    titled_artifact(&pusher, "app", "v1", &[layer]).await;
    let store = store(&reg.host(), &reg, "app").await;
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("out");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("mine.txt"), "mine").unwrap();
    let before = snapshot(root.path());

    let options = PullOptions {
        unpack: UnpackLimits {
            max_bytes: 8 * MIB,
            ..UnpackLimits::default()
        },
        ..PullOptions::default()
    };
    let err = pull::pull_with(
        &store,
        "v1",
        &dest,
        &options,
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit, .. } if limit == 8 * MIB),
        "{err}"
    );
    assert_eq!(snapshot(root.path()), before);

    // The CLI's flag sets the same limit; raised, the folder comes out whole.
    let home = tempfile::tempdir().unwrap();
    let source = format!("{}/app:v1", reg.host());
    let dir = dest.to_string_lossy().into_owned();
    let small = run(
        home.path(),
        &["pull", &source, "-o", &dir, "--max-unpack-size", "8"],
        "",
        &[],
    )
    .await;
    assert!(!small.status.success());
    assert!(
        stderr(&small).contains("uncompressed bytes"),
        "{}",
        stderr(&small)
    );
    assert_eq!(snapshot(root.path()), before);
    let roomy = run(
        home.path(),
        &["pull", &source, "-o", &dir, "--max-unpack-size", "128"],
        "",
        &[],
    )
    .await;
    assert!(roomy.status.success(), "{}", stderr(&roomy));
    let size = std::fs::metadata(dest.join("data/zeros.bin"))
        .unwrap()
        .len();
    assert_eq!(size, 64 * MIB);
}

#[tokio::test]
async fn referrers_pages_that_add_nothing_new_end_the_listing() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let image = pusher.image("app", "v1", b"base").await;
    for i in 0..3 {
        let body = format!("sbom {i}");
        pusher
            .artifact(
                "app",
                None,
                "application/spdx+json",
                body.as_bytes(),
                Some(&image),
                &[],
            )
            .await;
    }
    let front = ReferrersFront::start(&reg).await;
    front.set_page_size(Some(1));
    let registry = registry_at(&front.host(), &reg).await;
    let subject: Digest = image.digest.parse().unwrap();

    // Honest pages: all three, one per page.
    let listed = registry.referrers("app", &subject, None).await.unwrap();
    assert_eq!(listed.descriptors.len(), 3);

    front.set_repeating_pages(true);
    let before = front.requests().referrers;
    let err = registry.referrers("app", &subject, None).await.unwrap_err();
    assert!(matches!(err, Error::Pagination { .. }), "{err}");
    let asked = front.requests().referrers - before;
    assert!(asked <= 3, "{asked} pages read of an endless list");
}

#[tokio::test]
async fn a_copy_with_referrers_stops_at_the_depth_limit() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let mut subject = pusher.image("app", "v1", b"base").await;
    // A chain: each referrer has a referrer of its own, five deep.
    for i in 0..5 {
        let body = format!("signature {i}");
        subject = pusher
            .artifact(
                "app",
                None,
                "application/x-sig",
                body.as_bytes(),
                Some(&subject),
                &[],
            )
            .await;
    }
    let front = ReferrersFront::start(&reg).await;
    let source = store(&front.host(), &reg, "app").await;
    let dir = tempfile::tempdir().unwrap();
    let target =
        Store::Layout(stowage::layout::Layout::open_or_create(dir.path().join("copy")).unwrap());
    let copy_within = |max_depth| {
        let options = CopyOptions {
            recursive: true,
            max_depth,
            ..CopyOptions::default()
        };
        let (source, target) = (&source, &target);
        async move {
            let (transfer, cancel) = (Transfer::new(), Cancel::new());
            copy::copy(source, "v1", target, None, &options, &transfer, &cancel).await
        }
    };
    let err = copy_within(3).await.unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit: 3, unit, .. } if unit.contains("levels")),
        "{err}"
    );

    // Deep enough, the same copy takes the whole chain.
    let copied = copy_within(CopyOptions::default().max_depth).await.unwrap();
    assert_eq!(copied.manifests, 6);
}
