//! A Helm chart pushed as `helm push` lays it out (the Helm docs' media types, Chart.yaml as the
//! config, the provenance file beside the chart, the version as the tag), read back from the
//! real registry.

use std::path::Path;

use serde_json::Value;

use crate::cli::{run, stderr};
use crate::harness::TestRegistry;

/// A chart as `helm package` writes one: `demo/` holding Chart.yaml, values and templates.
fn package(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("demo-0.4.0.tgz");
    let file = std::fs::File::create(&path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, text) in [
        (
            "demo/Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 0.4.0\nappVersion: \"2.1\"\ndescription: A demo chart\n\
             home: https://example.com/demo\nmaintainers:\n  - name: Ada\n    email: ada@example.com\n",
        ),
        ("demo/values.yaml", "replicaCount: 1\n"),
        ("demo/templates/deployment.yaml", "kind: Deployment\n"),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, text.as_bytes()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    path
}

#[tokio::test]
async fn a_chart_is_pushed_as_helm_push_lays_it_out() {
    let reg = TestRegistry::anonymous().await;
    let host = reg.host();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let chart = package(dir.path());
    let prov = dir.path().join("demo-0.4.0.tgz.prov");
    std::fs::write(&prov, "-----BEGIN PGP SIGNED MESSAGE-----\n...\n").unwrap();

    let repo = format!("{host}/charts/demo");
    let out = run(
        &home,
        &[
            "push",
            &repo,
            prov.to_str().unwrap(),
            chart.to_str().unwrap(),
            "-o",
            "json",
        ],
        "",
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let pushed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        pushed["tags"],
        serde_json::json!(["0.4.0"]),
        "the chart's version is its tag"
    );

    let manifest = run(&home, &["manifest", &format!("{repo}:0.4.0")], "", &[]).await;
    assert!(manifest.status.success(), "{}", stderr(&manifest));
    let m: Value = serde_json::from_slice(&manifest.stdout).unwrap();
    assert_eq!(m["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    assert!(
        m.get("artifactType").is_none(),
        "helm types a chart by its config: {m}"
    );
    assert_eq!(
        m["config"]["mediaType"],
        "application/vnd.cncf.helm.config.v1+json"
    );
    let layers = m["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(
        layers[0]["mediaType"],
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
    );
    assert_eq!(
        layers[1]["mediaType"],
        "application/vnd.cncf.helm.chart.provenance.v1.prov"
    );
    assert!(layers.iter().all(|l| l.get("annotations").is_none()), "{m}");
    let a = &m["annotations"];
    assert_eq!(a["org.opencontainers.image.title"], "demo");
    assert_eq!(a["org.opencontainers.image.version"], "0.4.0");
    assert_eq!(a["org.opencontainers.image.description"], "A demo chart");
    assert_eq!(
        a["org.opencontainers.image.url"],
        "https://example.com/demo"
    );
    assert_eq!(
        a["org.opencontainers.image.authors"],
        "Ada (ada@example.com)"
    );
    assert!(a["org.opencontainers.image.created"].is_string());

    // The config is Chart.yaml as Helm marshals its Metadata.
    let config = dir.path().join("config.json");
    let digest = m["config"]["digest"].as_str().unwrap();
    let blob = run(
        &home,
        &[
            "blob",
            &format!("{repo}@{digest}"),
            "-o",
            config.to_str().unwrap(),
        ],
        "",
        &[],
    )
    .await;
    assert!(blob.status.success(), "{}", stderr(&blob));
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        r#"{"name":"demo","home":"https://example.com/demo","version":"0.4.0","description":"A demo chart","maintainers":[{"name":"Ada","email":"ada@example.com"}],"apiVersion":"v2","appVersion":"2.1"}"#
    );
    // The chart layer is the very file.
    let layer = dir.path().join("layer.tgz");
    let digest = layers[0]["digest"].as_str().unwrap();
    let blob = run(
        &home,
        &[
            "blob",
            &format!("{repo}@{digest}"),
            "-o",
            layer.to_str().unwrap(),
        ],
        "",
        &[],
    )
    .await;
    assert!(blob.status.success(), "{}", stderr(&blob));
    assert_eq!(
        std::fs::read(&layer).unwrap(),
        std::fs::read(&chart).unwrap()
    );

    let graph = run(
        &home,
        &["graph", &format!("{repo}:0.4.0"), "-o", "json"],
        "",
        &[],
    )
    .await;
    let g: Value = serde_json::from_slice(&graph.stdout).unwrap();
    let root = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == g["root"])
        .unwrap();
    assert_eq!(root["kind"], "helm-chart");
}
