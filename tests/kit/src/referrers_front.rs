//! `ReferrersFront`: a proxy that adds the distribution-spec v1.1 Referrers API and `OCI-Subject` to a 2.8 registry.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use axum::Router;
use serde_json::{json, Value};

use super::forward::{
    classify, json as json_response, plain, sha256_digest, Backend, Counters, PathKind,
    RequestCounts, Served, MANIFEST_ACCEPT,
};
use super::registry::TestRegistry;

const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";

/// A Referrers-API front on a free loopback port; everything else is forwarded to the registry.
pub struct ReferrersFront {
    state: Arc<FrontState>,
    served: Served,
}

struct FrontState {
    backend: Backend,
    origin: Mutex<String>,
    /// Manifests with a `subject` seen in PUTs through the front: repository -> digests.
    recorded: Mutex<HashMap<String, BTreeSet<String>>>,
    page_size: Mutex<Option<usize>>,
    /// Hostile: every page is the first one again, under a new `Link` each time.
    repeating: std::sync::atomic::AtomicBool,
    latency: Mutex<Duration>,
    counters: Counters,
}

impl ReferrersFront {
    /// Starts a front for `registry`: unpaged answers, no latency, no PUTs recorded yet.
    pub async fn start(registry: &TestRegistry) -> Self {
        let state = Arc::new(FrontState {
            backend: Backend::of(registry),
            origin: Mutex::new(String::new()),
            recorded: Mutex::default(),
            page_size: Mutex::new(None),
            repeating: Default::default(),
            latency: Mutex::new(Duration::ZERO),
            counters: Counters::default(),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let served = Served::start("127.0.0.1", router).await;
        *state.origin.lock().unwrap() = served.origin();
        ReferrersFront { state, served }
    }

    /// "127.0.0.1:PORT"
    pub fn host(&self) -> String {
        self.served.addr.to_string()
    }

    /// "http://127.0.0.1:PORT"
    pub fn base_url(&self) -> String {
        self.served.origin()
    }

    /// Page size of referrers answers; `None` (the default) answers everything at once.
    pub fn set_page_size(&self, size: Option<usize>) {
        *self.state.page_size.lock().unwrap() = size;
    }

    /// Hostile: paged answers repeat the first page forever, each linking to a new URL.
    pub fn set_repeating_pages(&self, repeating: bool) {
        self.state
            .repeating
            .store(repeating, std::sync::atomic::Ordering::SeqCst);
    }

    /// Delay added before each request is handled, to imitate a distant registry.
    pub fn set_latency(&self, latency: Duration) {
        *self.state.latency.lock().unwrap() = latency;
    }

    /// Requests the front received so far, by kind.
    pub fn requests(&self) -> RequestCounts {
        self.state.counters.snapshot()
    }
}

async fn handle(State(state): State<Arc<FrontState>>, req: Request<Body>) -> Response<Body> {
    let route = classify(req.uri().path());
    state.counters.count(route.kind);
    let latency = *state.latency.lock().unwrap();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let origin = state.origin.lock().unwrap().clone();
    match (route.kind, req.method()) {
        (PathKind::Referrers, &Method::GET | &Method::HEAD) => {
            let head = req.method() == Method::HEAD;
            let query = req.uri().query().unwrap_or("").to_string();
            let mut resp =
                referrers(&state, &route.name, &route.reference, &query, req.headers()).await;
            if head {
                *resp.body_mut() = Body::empty();
            }
            resp
        }
        (PathKind::Manifest, &Method::PUT) => put_manifest(&state, &route.name, req, &origin).await,
        _ => state.backend.forward(req, &origin).await,
    }
}

/// Forwards a manifest PUT; a stored manifest with a subject is recorded and answered with OCI-Subject.
async fn put_manifest(
    state: &FrontState,
    name: &str,
    req: Request<Body>,
    origin: &str,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 << 20).await {
        Ok(b) => b,
        Err(e) => return plain(StatusCode::BAD_REQUEST, format!("body: {e}")),
    };
    let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let resp = match (state.backend)
        .send(parts.method, pq, &parts.headers, bytes.clone().into())
        .await
    {
        Ok(r) => r,
        Err(e) => return plain(StatusCode::BAD_GATEWAY, format!("backend: {e}")),
    };
    let subject = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v["subject"]["digest"].as_str().map(str::to_string));
    let stored = resp.status() == StatusCode::CREATED;
    let digest = resp
        .headers()
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| sha256_digest(&bytes), str::to_string);
    let mut out = state.backend.relay(resp, origin);
    if let (true, Some(subject)) = (stored, subject) {
        let mut recorded = state.recorded.lock().unwrap();
        recorded.entry(name.to_string()).or_default().insert(digest);
        if let Ok(v) = HeaderValue::from_str(&subject) {
            out.headers_mut().insert("oci-subject", v);
        }
    }
    out
}

async fn referrers(
    state: &FrontState,
    name: &str,
    subject: &str,
    query: &str,
    headers: &HeaderMap,
) -> Response<Body> {
    if !valid_digest(subject) {
        let body = json!({"errors": [{"code": "DIGEST_INVALID", "message": "invalid digest"}]});
        return json_response(
            StatusCode::BAD_REQUEST,
            "application/json",
            body.to_string().into(),
        );
    }
    let params: BTreeMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let manifests = match collect_manifests(state, name, headers).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let filter = params.get("artifactType");
    // Sorted by digest so pages are stable and `last` can continue after one.
    let mut found: Vec<Value> = manifests
        .iter()
        .filter_map(|(digest, (content_type, bytes))| {
            descriptor_if_referrer(digest, content_type, bytes, subject)
        })
        .filter(|d| filter.is_none_or(|f| d["artifactType"].as_str() == Some(f.as_str())))
        .collect();
    let repeating = state.repeating.load(std::sync::atomic::Ordering::SeqCst);
    if let (Some(last), false) = (params.get("last"), repeating) {
        found.retain(|d| d["digest"].as_str().unwrap_or("") > last.as_str());
    }
    let page_size = *state.page_size.lock().unwrap();
    let mut next = None;
    if let Some(n) = page_size.filter(|n| found.len() > *n) {
        found.truncate(n.max(1));
        let last = found
            .last()
            .and_then(|d| d["digest"].as_str())
            .unwrap_or("");
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(f) = filter {
            q.append_pair("artifactType", f);
        }
        q.append_pair("last", last);
        if repeating {
            let page: u64 = params.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
            q.append_pair("page", &(page + 1).to_string());
        }
        next = Some(format!(
            "</v2/{name}/referrers/{subject}?{}>; rel=\"next\"",
            q.finish()
        ));
    }
    let index = json!({"schemaVersion": 2, "mediaType": INDEX_MEDIA_TYPE, "manifests": found});
    let mut resp = json_response(StatusCode::OK, INDEX_MEDIA_TYPE, index.to_string().into());
    if filter.is_some() {
        resp.headers_mut().insert(
            "oci-filters-applied",
            HeaderValue::from_static("artifactType"),
        );
    }
    if let Some(link) = next {
        resp.headers_mut()
            .insert(header::LINK, HeaderValue::from_str(&link).expect("link"));
    }
    resp
}

type Manifests = BTreeMap<String, (String, Vec<u8>)>;

/// Every manifest of the repository the front can find: recorded PUTs, tags, and the storage
/// root's revision links (which also holds untagged manifests written directly to the registry).
async fn collect_manifests(
    state: &FrontState,
    name: &str,
    client_headers: &HeaderMap,
) -> Result<Manifests, Response<Body>> {
    let mut headers = HeaderMap::new();
    if let Some(auth) = client_headers.get(header::AUTHORIZATION) {
        headers.insert(header::AUTHORIZATION, auth.clone());
    }
    headers.insert(header::ACCEPT, HeaderValue::from_static(MANIFEST_ACCEPT));
    let origin = state.origin.lock().unwrap().clone();

    let tags_resp = (state.backend)
        .send(
            Method::GET,
            &format!("/v2/{name}/tags/list"),
            &headers,
            "".into(),
        )
        .await
        .map_err(|e| plain(StatusCode::BAD_GATEWAY, format!("backend: {e}")))?;
    let tags: Vec<String> = match tags_resp.status() {
        // Auth failures are the client's to handle: pass the challenge through unchanged.
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(state.backend.relay(tags_resp, &origin))
        }
        s if s.is_success() => {
            let v: Value = tags_resp.json().await.unwrap_or_default();
            let tags = v["tags"].as_array().cloned().unwrap_or_default();
            tags.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        }
        _ => Vec::new(),
    };

    let mut references: BTreeSet<String> = tags.into_iter().collect();
    if let Some(digests) = state.recorded.lock().unwrap().get(name) {
        references.extend(digests.iter().cloned());
    }
    references.extend(revision_digests(&state.backend, name));

    let fetches = references.iter().map(|reference| {
        let headers = &headers;
        async move {
            let path = format!("/v2/{name}/manifests/{reference}");
            let resp = state
                .backend
                .send(Method::GET, &path, headers, "".into())
                .await
                .ok()?;
            if !resp.status().is_success() {
                return None;
            }
            let content_type = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let bytes = resp.bytes().await.ok()?.to_vec();
            Some((sha256_digest(&bytes), (content_type, bytes)))
        }
    });
    Ok(futures::future::join_all(fetches)
        .await
        .into_iter()
        .flatten()
        .collect())
}

fn revision_digests(backend: &Backend, name: &str) -> Vec<String> {
    let dir = backend
        .root_dir
        .join("docker/registry/v2/repositories")
        .join(name)
        .join("_manifests/revisions/sha256");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.path().join("link").exists())
        .map(|e| format!("sha256:{}", e.file_name().to_string_lossy()))
        .collect()
}

/// The referrers descriptor of a manifest whose `subject.digest` is `subject`, else None.
fn descriptor_if_referrer(
    digest: &str,
    content_type: &str,
    bytes: &[u8],
    subject: &str,
) -> Option<Value> {
    let manifest: Value = serde_json::from_slice(bytes).ok()?;
    if manifest["subject"]["digest"].as_str() != Some(subject) {
        return None;
    }
    let media_type = manifest["mediaType"].as_str().unwrap_or(content_type);
    let mut desc = json!({"mediaType": media_type, "digest": digest, "size": bytes.len()});
    let artifact_type = manifest["artifactType"]
        .as_str()
        .or_else(|| manifest["config"]["mediaType"].as_str());
    if let Some(t) = artifact_type {
        desc["artifactType"] = json!(t);
    }
    if let Some(a) = manifest.get("annotations").filter(|a| a.is_object()) {
        desc["annotations"] = a.clone();
    }
    Some(desc)
}

fn valid_digest(digest: &str) -> bool {
    let Some((alg, hex)) = digest.split_once(':') else {
        return false;
    };
    let alg_ok = !alg.is_empty()
        && alg
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c));
    let hex_ok = hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_alphanumeric() || c == '=');
    alg_ok && hex_ok && (alg != "sha256" || hex.len() == 64)
}
