//! Raw-HTTP pushes of exact bytes, so tests can create content (referrers, fallback tags) before Stowage has a write side.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::forward::{sha256_digest, MANIFEST_ACCEPT};

/// Media type of an OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Media type of an OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Media type of the OCI empty descriptor (`{}`), the config of artifacts.
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";

/// A content descriptor of something pushed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desc {
    /// The content's media type, e.g. `OCI_MANIFEST`.
    pub media_type: String,
    /// `sha256:<hex>` of its bytes.
    pub digest: String,
    /// Its length in bytes.
    pub size: u64,
}

impl Desc {
    /// `{"mediaType","digest","size"}`, ready to embed as a layer, manifest entry or subject.
    pub fn to_json(&self) -> Value {
        json!({"mediaType": self.media_type, "digest": self.digest, "size": self.size})
    }
}

/// Pushes to one registry with one set of credentials; panics with the answer on any failure.
#[derive(Clone)]
pub struct Pusher {
    base_url: String,
    client: reqwest::Client,
    authorization: Option<String>,
}

impl Pusher {
    /// Pushes to the registry at `base_url` ("http://127.0.0.1:PORT"), without credentials and
    /// without following redirects.
    pub fn new(base_url: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Pusher {
            base_url: base_url.trim_end_matches('/').to_string(),
            client,
            authorization: None,
        }
    }

    /// Uses this client (e.g. `TestRegistry::client()` for a TLS registry).
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    /// Sends `user` and `pass` as HTTP Basic credentials on every request.
    pub fn basic(mut self, user: &str, pass: &str) -> Self {
        use base64::Engine;
        let raw = format!("{user}:{pass}");
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        self.authorization = Some(format!("Basic {encoded}"));
        self
    }

    /// Sends `token` as a Bearer token on every request.
    pub fn bearer(mut self, token: &str) -> Self {
        self.authorization = Some(format!("Bearer {token}"));
        self
    }

    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let req = self.client.request(method, url);
        match &self.authorization {
            Some(a) => req.header(AUTHORIZATION, a),
            None => req,
        }
    }

    /// POST an upload, then PUT `?digest=` to the Location (2.8 takes no single-POST upload).
    pub async fn blob(&self, repo: &str, bytes: &[u8]) -> (String, u64) {
        let digest = sha256_digest(bytes);
        let start = format!("{}/v2/{repo}/blobs/uploads/", self.base_url);
        let resp = self.request(reqwest::Method::POST, &start).send().await;
        let resp = expect_status(resp, StatusCode::ACCEPTED, "start upload").await;
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("upload Location");
        let mut url = url::Url::parse(&start)
            .and_then(|base| base.join(location))
            .expect("upload URL");
        url.query_pairs_mut().append_pair("digest", &digest);
        let resp = self
            .request(reqwest::Method::PUT, url.as_str())
            .header(CONTENT_TYPE, "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await;
        expect_status(resp, StatusCode::CREATED, "finish upload").await;
        (digest, bytes.len() as u64)
    }

    /// PUT a manifest under a tag or digest; returns its digest.
    pub async fn manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> String {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base_url);
        let resp = self
            .request(reqwest::Method::PUT, &url)
            .header(CONTENT_TYPE, media_type)
            .body(bytes.to_vec())
            .send()
            .await;
        expect_status(resp, StatusCode::CREATED, "put manifest").await;
        sha256_digest(bytes)
    }

    /// HEAD a manifest with the full Accept list; None on 404.
    pub async fn head(&self, repo: &str, reference: &str) -> Option<Desc> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base_url);
        let resp = self
            .request(reqwest::Method::HEAD, &url)
            .header(reqwest::header::ACCEPT, MANIFEST_ACCEPT)
            .send()
            .await
            .expect("HEAD manifest");
        if resp.status() == StatusCode::NOT_FOUND {
            return None;
        }
        assert!(resp.status().is_success(), "HEAD {url}: {}", resp.status());
        let header = |name: &str| {
            let value = resp.headers().get(name).and_then(|v| v.to_str().ok());
            value
                .unwrap_or_else(|| panic!("HEAD {url}: no {name}"))
                .to_string()
        };
        Some(Desc {
            media_type: header("content-type"),
            digest: header("docker-content-digest"),
            size: header("content-length").parse().expect("content-length"),
        })
    }

    /// A one-layer OCI image (layer = `content`) tagged `tag`.
    pub async fn image(&self, repo: &str, tag: &str, content: &[u8]) -> Desc {
        let config =
            br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
        let (config_digest, config_size) = self.blob(repo, config).await;
        let (layer_digest, layer_size) = self.blob(repo, content).await;
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": config_size},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": layer_digest, "size": layer_size}],
        });
        self.put_json(repo, tag, &manifest).await
    }

    /// An OCI artifact manifest (empty config, one layer = `content`) with `artifactType`,
    /// annotations and an optional subject, stored under `reference` (a tag, or None: by digest).
    pub async fn artifact(
        &self,
        repo: &str,
        reference: Option<&str>,
        artifact_type: &str,
        content: &[u8],
        subject: Option<&Desc>,
        annotations: &[(&str, &str)],
    ) -> Desc {
        let (empty_digest, empty_size) = self.blob(repo, b"{}").await;
        let (layer_digest, layer_size) = self.blob(repo, content).await;
        let mut manifest = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": artifact_type,
            "config": {"mediaType": OCI_EMPTY, "digest": empty_digest, "size": empty_size},
            "layers": [{"mediaType": "application/octet-stream",
                        "digest": layer_digest, "size": layer_size}],
        });
        if let Some(s) = subject {
            manifest["subject"] = s.to_json();
        }
        if !annotations.is_empty() {
            let map: serde_json::Map<String, Value> = annotations
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            manifest["annotations"] = Value::Object(map);
        }
        let bytes = serde_json::to_vec(&manifest).expect("json");
        let reference = reference.map_or_else(|| sha256_digest(&bytes), str::to_string);
        self.put_json(repo, &reference, &manifest).await
    }

    /// PUT `manifest` (its `mediaType` names the Content-Type) and describe it.
    pub async fn put_json(&self, repo: &str, reference: &str, manifest: &Value) -> Desc {
        let media_type = manifest["mediaType"]
            .as_str()
            .unwrap_or(OCI_MANIFEST)
            .to_string();
        let bytes = serde_json::to_vec(manifest).expect("json");
        let digest = self.manifest(repo, reference, &media_type, &bytes).await;
        Desc {
            media_type,
            digest,
            size: bytes.len() as u64,
        }
    }
}

async fn expect_status(
    resp: Result<reqwest::Response, reqwest::Error>,
    want: StatusCode,
    what: &str,
) -> reqwest::Response {
    let resp = resp.unwrap_or_else(|e| panic!("{what}: {e}"));
    if resp.status() != want {
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        panic!("{what}: want {want}, got {status}: {body}");
    }
    resp
}

fn pusher(base_url: &str, basic: Option<(&str, &str)>) -> Pusher {
    let p = Pusher::new(base_url);
    match basic {
        Some((user, pass)) => p.basic(user, pass),
        None => p,
    }
}

/// Uploads `bytes` as a blob; returns (digest, size).
pub async fn push_blob(
    base_url: &str,
    repo: &str,
    bytes: &[u8],
    basic: Option<(&str, &str)>,
) -> (String, u64) {
    pusher(base_url, basic).blob(repo, bytes).await
}

/// PUTs manifest `bytes` under `reference`; returns its digest.
pub async fn push_manifest(
    base_url: &str,
    repo: &str,
    reference: &str,
    media_type: &str,
    bytes: &[u8],
    basic: Option<(&str, &str)>,
) -> String {
    pusher(base_url, basic)
        .manifest(repo, reference, media_type, bytes)
        .await
}
