//! `LeanFront`: the Referrers API, per-request latency and per-kind counters in front of a
//! registry, answering referrers from an index built as manifests are PUT through it.
//!
//! Why not the kit's `ReferrersFront`: it is built for correctness, so every referrers
//! answer re-reads every manifest of the repository from the registry (tags, recorded PUTs and
//! the storage root's revisions). With the benchmark's 889 manifests that is ~890 backend GETs
//! per referrers request, on the same 2 cores as the client: the front, not the client, would
//! be measured. This front answers the same way (an OCI index of descriptors with
//! `artifactType` and annotations, `artifactType` filtering, `OCI-Subject` on PUT) in O(1), and
//! reuses the kit's forwarding, routing and counting code so the counts mean the same.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode};
use axum::Router;
use serde_json::{json, Value};

use crate::forward::{classify, json as json_response, plain, Backend, Counters, PathKind, Served};
use crate::TestRegistry;

const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";

pub use crate::forward::RequestCounts;

/// The benchmarks' Referrers-API front on a free loopback port; everything but referrers
/// requests is forwarded to the registry. Stops when dropped.
pub struct LeanFront {
    state: Arc<FrontState>,
    served: Served,
}

/// repository -> subject digest -> referrer digest -> descriptor.
type Index = HashMap<String, HashMap<String, BTreeMap<String, Value>>>;

struct FrontState {
    backend: Backend,
    origin: Mutex<String>,
    index: Mutex<Index>,
    latency: Mutex<Duration>,
    counters: Counters,
}

impl LeanFront {
    /// Starts a front for `registry`, with no latency. Its referrers index starts
    /// empty: only manifests PUT through the front are ever answered as referrers.
    pub async fn start(registry: &TestRegistry) -> Self {
        let state = Arc::new(FrontState {
            backend: Backend::of(registry),
            origin: Mutex::new(String::new()),
            index: Mutex::default(),
            latency: Mutex::new(Duration::ZERO),
            counters: Counters::default(),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let served = Served::start("127.0.0.1", router).await;
        *state.origin.lock().unwrap() = served.origin();
        LeanFront { state, served }
    }

    /// "127.0.0.1:PORT"
    pub fn host(&self) -> String {
        self.served.addr.to_string()
    }

    /// "http://127.0.0.1:PORT"
    pub fn base_url(&self) -> String {
        self.served.origin()
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
            let query = req.uri().query().unwrap_or("").to_string();
            let mut resp = referrers(&state, &route.name, &route.reference, &query);
            if req.method() == Method::HEAD {
                *resp.body_mut() = Body::empty();
            }
            resp
        }
        (PathKind::Manifest, &Method::PUT) => put_manifest(&state, &route.name, req, &origin).await,
        _ => state.backend.forward(req, &origin).await,
    }
}

/// Forwards a manifest PUT; a stored manifest with a subject is indexed and answered with OCI-Subject.
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
    let stored = resp.status() == StatusCode::CREATED;
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let referrer = stored.then(|| descriptor(content_type, &bytes)).flatten();
    let mut out = state.backend.relay(resp, origin);
    if let Some((subject, digest, desc)) = referrer {
        state
            .index
            .lock()
            .unwrap()
            .entry(name.to_string())
            .or_default()
            .entry(subject.clone())
            .or_default()
            .insert(digest, desc);
        if let Ok(v) = HeaderValue::from_str(&subject) {
            out.headers_mut().insert("oci-subject", v);
        }
    }
    out
}

/// (subject, digest, descriptor) of a manifest with a subject, as the harness front describes it.
fn descriptor(content_type: &str, bytes: &[u8]) -> Option<(String, String, Value)> {
    let manifest: Value = serde_json::from_slice(bytes).ok()?;
    let subject = manifest["subject"]["digest"].as_str()?.to_string();
    let digest = crate::forward::sha256_digest(bytes);
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
    Some((subject, digest, desc))
}

/// The whole list at once, sorted by digest (the harness front's default, unpaginated answer).
fn referrers(state: &FrontState, name: &str, subject: &str, query: &str) -> Response<Body> {
    let filter = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "artifactType")
        .map(|(_, v)| v.into_owned());
    let found: Vec<Value> = state
        .index
        .lock()
        .unwrap()
        .get(name)
        .and_then(|subjects| subjects.get(subject))
        .map(|referrers| {
            referrers
                .values()
                .filter(|d| {
                    filter
                        .as_deref()
                        .is_none_or(|f| d["artifactType"].as_str() == Some(f))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let index = json!({"schemaVersion": 2, "mediaType": INDEX_MEDIA_TYPE, "manifests": found});
    let mut resp = json_response(StatusCode::OK, INDEX_MEDIA_TYPE, index.to_string().into());
    if filter.is_some() {
        resp.headers_mut().insert(
            "oci-filters-applied",
            HeaderValue::from_static("artifactType"),
        );
    }
    resp
}
