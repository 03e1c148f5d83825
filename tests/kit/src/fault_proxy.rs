//! `FaultProxy`: a proxy in front of a TestRegistry that answers with switchable hostile faults.

mod uploads;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use axum::routing::{any, get};
use axum::Router;
use futures::{stream, StreamExt};

use super::forward::{
    classify, json, plain, sha256_digest, Backend, Counters, PathKind, RequestCounts, Served,
};
use super::pki::Ca;
use super::registry::TestRegistry;

/// What the proxy does wrong. Manifest faults apply to manifest GETs only, blob faults to blob GETs,
/// upload faults to the requests named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    None,
    /// The manifest body has one byte changed; Docker-Content-Digest stays the original's.
    WrongDigest,
    /// A valid-JSON manifest of exactly this many bytes.
    OversizedManifest(usize),
    /// `{"schemaVersion": 2, "manifests": [` and nothing more.
    MalformedJson,
    /// tags/list answers one tag with a `Link` to itself, forever.
    LoopingTags,
    /// The next n requests (any kind) answer 503, then everything passes through.
    ServerErrors(u64),
    /// Blob GETs answer 307 to a server on another host, which serves the real blob.
    RedirectBlobs,
    /// Blob GET bodies stop after n bytes, under a Content-Length of the full size.
    CutAfter(u64),
    /// The next upload PATCH or PUT with a body longer than n: the proxy reads n bytes of it,
    /// passes them to the registry, and drops both connections, like a network cut. Once only;
    /// the fault then switches back to None.
    CutUploadAfter(u64),
    /// The next n upload PATCHes answer 503 after their body was read; the registry never sees them.
    UploadServerErrors(u64),
    /// Upload POST answers carry `OCI-Chunk-Min-Length: n`.
    ChunkMinLength(u64),
    /// Manifest PUT answers carry a Docker-Content-Digest with one hex digit changed.
    WrongPushDigest,
    /// Upload sessions live on another host (like object storage): POST answers point there,
    /// and that host forwards to the registry with the POST's credentials.
    UploadsElsewhere,
    /// Blob GETs stream the real blob and then n more bytes, with no Content-Length.
    OverlongBlobs(u64),
    /// Upload PATCHes are read and answered `202 Range: 0-0`, never reaching the registry.
    StuckUploads,
    /// Upload PATCHes are read and answered `202 Range: 0-18446744073709551615`.
    HugeUploadRange,
    /// PUTs of a referrers tag (`sha256-<hex>`) wait this many ms; then, of the first
    /// `FLAKY_TAG_PUTS`, in turn one answers 503 without reaching the registry, one reaches it
    /// and answers 503 all the same, one passes. Later ones pass: a registry that fails two
    /// writes in three for ever is one the client rightly gives up on.
    SlowFlakyReferrersTag(u64),
}

/// A fault-injecting proxy on a free loopback port, with its redirect target on another host.
pub struct FaultProxy {
    state: Arc<FaultState>,
    served: Served,
    redirect: Served,
    /// The CA of a TLS proxy's certificate, as a PEM file.
    ca: Option<(tempfile::TempDir, std::path::PathBuf)>,
}

struct FaultState {
    backend: Backend,
    origin: Mutex<String>,
    redirect_origin: Mutex<String>,
    fault: Mutex<Fault>,
    errors_left: AtomicU64,
    counters: Counters,
    faults_injected: AtomicU64,
    errors_sent: AtomicU64,
    /// Redirect tickets: id -> (registry path, the Authorization of the redirected request).
    tickets: Mutex<HashMap<u64, (String, Option<HeaderValue>)>>,
    next_ticket: AtomicU64,
    redirect_requests: AtomicU64,
    redirect_saw_auth: AtomicBool,
    upload_errors_left: AtomicU64,
    /// Requests to upload URLs seen, in order.
    upload_requests: Mutex<Vec<UploadRequest>>,
    /// Bytes of blob bodies sent past the real blob under `OverlongBlobs`.
    overlong_sent: AtomicU64,
    /// Referrers-tag PUTs seen under `SlowFlakyReferrersTag`.
    tag_puts: AtomicU64,
    /// PATCHes answered under `StuckUploads` and `HugeUploadRange`.
    stuck_answers: AtomicU64,
    /// Requests to the other host's upload endpoint still to answer 503.
    elsewhere_errors_left: AtomicU64,
}

/// A request to an upload URL (POST, PATCH, PUT, GET, DELETE), as the proxy saw it arrive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRequest {
    pub method: String,
    pub content_length: Option<u64>,
    pub content_range: Option<String>,
}

impl FaultProxy {
    /// The proxy over plain HTTP in front of `registry`, with no fault set; its redirect
    /// target runs on another host.
    pub async fn start(registry: &TestRegistry) -> Self {
        Self::start_with(registry, None).await
    }

    /// The proxy over HTTPS, with a certificate from a CA of its own (`ca_path`); its
    /// redirect target stays plain HTTP on another host.
    pub async fn start_tls(registry: &TestRegistry) -> Self {
        Self::start_with(registry, Some(Ca::new("stowage test fault proxy CA"))).await
    }

    async fn start_with(registry: &TestRegistry, ca: Option<Ca>) -> Self {
        let state = Arc::new(FaultState {
            backend: Backend::of(registry),
            origin: Mutex::default(),
            redirect_origin: Mutex::default(),
            fault: Mutex::new(Fault::None),
            errors_left: AtomicU64::new(0),
            counters: Counters::default(),
            faults_injected: AtomicU64::new(0),
            errors_sent: AtomicU64::new(0),
            tickets: Mutex::default(),
            next_ticket: AtomicU64::new(1),
            redirect_requests: AtomicU64::new(0),
            redirect_saw_auth: AtomicBool::new(false),
            upload_errors_left: AtomicU64::new(0),
            upload_requests: Mutex::default(),
            overlong_sent: AtomicU64::new(0),
            tag_puts: AtomicU64::new(0),
            stuck_answers: AtomicU64::new(0),
            elsewhere_errors_left: AtomicU64::new(0),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (served, ca) = match ca {
            None => (Served::start("127.0.0.1", router).await, None),
            Some(ca) => {
                let served = Served::start_tls("127.0.0.1", router, &ca.server_leaf()).await;
                let dir = tempfile::tempdir().expect("proxy CA dir");
                let path = dir.path().join("ca.crt");
                std::fs::write(&path, ca.cert_pem()).expect("proxy CA file");
                (served, Some((dir, path)))
            }
        };
        let storage = Router::new()
            .route("/storage/{ticket}", get(serve_ticket))
            .route("/upload/{ticket}", any(uploads::serve_elsewhere))
            .with_state(state.clone());
        let redirect = Served::start_elsewhere(storage).await;
        *state.origin.lock().unwrap() = served.origin();
        *state.redirect_origin.lock().unwrap() = redirect.origin();
        FaultProxy {
            state,
            served,
            redirect,
            ca,
        }
    }

    /// The PEM file of a TLS proxy's CA.
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.ca.as_ref().map(|(_, p)| p.as_path())
    }

    /// The next `n` requests to upload sessions on the other host answer 503.
    pub fn fail_elsewhere(&self, n: u64) {
        self.state.elsewhere_errors_left.store(n, Ordering::SeqCst);
    }

    /// Bytes sent past the real blob under `OverlongBlobs`.
    pub fn overlong_bytes_sent(&self) -> u64 {
        self.state.overlong_sent.load(Ordering::SeqCst)
    }

    /// Referrers-tag PUTs seen under `SlowFlakyReferrersTag`.
    pub fn referrers_tag_puts(&self) -> u64 {
        self.state.tag_puts.load(Ordering::SeqCst)
    }

    /// "127.0.0.1:PORT"
    pub fn host(&self) -> String {
        self.served.addr.to_string()
    }

    /// "http://127.0.0.1:PORT", or "https://…" when started with `start_tls`
    pub fn base_url(&self) -> String {
        self.served.origin()
    }

    /// Switches the fault; `ServerErrors(n)` and `UploadServerErrors(n)` start a fresh count of n.
    pub fn set_fault(&self, fault: Fault) {
        let n = if let Fault::ServerErrors(n) = fault {
            n
        } else {
            0
        };
        self.state.errors_left.store(n, Ordering::SeqCst);
        let n = if let Fault::UploadServerErrors(n) = fault {
            n
        } else {
            0
        };
        self.state.upload_errors_left.store(n, Ordering::SeqCst);
        *self.state.fault.lock().unwrap() = fault;
    }

    /// Requests to upload URLs the proxy received, in order.
    pub fn upload_requests(&self) -> Vec<UploadRequest> {
        self.state.upload_requests.lock().unwrap().clone()
    }

    /// The upload PATCH and PUT requests among them.
    pub fn upload_bodies(&self) -> Vec<UploadRequest> {
        let mut all = self.upload_requests();
        all.retain(|r| r.method == "PATCH" || r.method == "PUT");
        all
    }

    /// The fault in force now (`CutUploadAfter` switches back to `None` once it has cut).
    pub fn fault(&self) -> Fault {
        *self.state.fault.lock().unwrap()
    }

    /// Requests the proxy received (not counting the redirect target).
    pub fn requests(&self) -> RequestCounts {
        self.state.counters.snapshot()
    }

    /// Answers the proxy altered or made up because of a fault.
    pub fn faults_injected(&self) -> u64 {
        self.state.faults_injected.load(Ordering::SeqCst)
    }

    /// 503s sent under `ServerErrors`.
    pub fn server_errors_sent(&self) -> u64 {
        self.state.errors_sent.load(Ordering::SeqCst)
    }

    /// "http://IP:PORT" of the redirect target (another host than the proxy's).
    pub fn redirect_origin(&self) -> String {
        self.redirect.origin()
    }

    /// Requests the redirect target received.
    pub fn redirect_requests(&self) -> u64 {
        self.state.redirect_requests.load(Ordering::SeqCst)
    }

    /// Whether any request to the redirect target carried an Authorization header (a leak).
    pub fn redirect_saw_authorization(&self) -> bool {
        self.state.redirect_saw_auth.load(Ordering::SeqCst)
    }
}

async fn handle(State(state): State<Arc<FaultState>>, req: Request<Body>) -> Response<Body> {
    let route = classify(req.uri().path());
    state.counters.count(route.kind);
    let origin = state.origin.lock().unwrap().clone();
    if state
        .errors_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        state.errors_sent.fetch_add(1, Ordering::SeqCst);
        state.faults_injected.fetch_add(1, Ordering::SeqCst);
        let body = r#"{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}"#;
        return json(
            StatusCode::SERVICE_UNAVAILABLE,
            "application/json",
            body.into(),
        );
    }
    if route.kind == PathKind::Upload {
        uploads::record(&state, &req);
        if let Some(resp) = uploads::fault(&state, &req) {
            state.faults_injected.fetch_add(1, Ordering::SeqCst);
            return resp.answer(&state, req).await;
        }
    }
    let fault = *state.fault.lock().unwrap();
    if let (Fault::WrongPushDigest, PathKind::Manifest, &Method::PUT) =
        (fault, route.kind, req.method())
    {
        state.faults_injected.fetch_add(1, Ordering::SeqCst);
        return uploads::wrong_push_digest(&state, req).await;
    }
    if let (Fault::SlowFlakyReferrersTag(ms), PathKind::Manifest, &Method::PUT) =
        (fault, route.kind, req.method())
    {
        if is_referrers_tag(&route.reference) {
            state.faults_injected.fetch_add(1, Ordering::SeqCst);
            return slow_flaky_tag_put(&state, req, ms).await;
        }
    }
    let is_get = req.method() == Method::GET;
    let injected = match (fault, route.kind, is_get) {
        (Fault::WrongDigest, PathKind::Manifest, true) => Some(wrong_digest(&state, req).await),
        (Fault::OversizedManifest(n), PathKind::Manifest, true) => Some(oversized(n)),
        (Fault::MalformedJson, PathKind::Manifest, true) => Some(malformed()),
        (Fault::LoopingTags, PathKind::Tags, true) => Some(looping_tags(&route.name)),
        (Fault::RedirectBlobs, PathKind::Blob, true) => Some(redirect(&state, &req)),
        (Fault::CutAfter(n), PathKind::Blob, true) => Some(cut_after(&state, req, n).await),
        (Fault::OverlongBlobs(n), PathKind::Blob, true) => Some(overlong(&state, req, n).await),
        _ => {
            return state.backend.forward(req, &origin).await;
        }
    };
    state.faults_injected.fetch_add(1, Ordering::SeqCst);
    injected.expect("fault answer")
}

async fn wrong_digest(state: &FaultState, req: Request<Body>) -> Response<Body> {
    let origin = state.origin.lock().unwrap().clone();
    let resp = match bodiless(state, req).await {
        Ok(r) => r,
        Err(answer) => return answer,
    };
    let status = resp.status();
    let mut headers = resp.headers().clone();
    headers.remove(header::TRANSFER_ENCODING);
    state.backend.rewrite_location(&mut headers, &origin);
    let mut body = resp.bytes().await.unwrap_or_default().to_vec();
    // Change a hex digit of the first digest so the JSON stays valid and only the digest tells.
    let at = find(&body, b"sha256:")
        .map(|i| i + 7)
        .filter(|&i| i < body.len());
    match at {
        Some(i) => body[i] = if body[i] == b'0' { b'1' } else { b'0' },
        None if !body.is_empty() => body[0] ^= 0x20,
        None => {}
    }
    let mut out = Response::new(Body::from(body));
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    out
}

fn oversized(size: usize) -> Response<Body> {
    let head = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","annotations":{"padding":""#;
    let tail = br#""}}"#;
    let pad = size.saturating_sub(head.len() + tail.len());
    let mut body = Vec::with_capacity(head.len() + pad + tail.len());
    body.extend_from_slice(head);
    body.resize(head.len() + pad, b'a');
    body.extend_from_slice(tail);
    let digest = sha256_digest(&body);
    let mut resp = json(
        StatusCode::OK,
        "application/vnd.oci.image.manifest.v1+json",
        body,
    );
    insert(resp.headers_mut(), "docker-content-digest", &digest);
    resp
}

fn malformed() -> Response<Body> {
    let body = br#"{"schemaVersion": 2, "manifests": ["#.to_vec();
    let digest = sha256_digest(&body);
    let mut resp = json(
        StatusCode::OK,
        "application/vnd.oci.image.index.v1+json",
        body,
    );
    insert(resp.headers_mut(), "docker-content-digest", &digest);
    resp
}

fn looping_tags(name: &str) -> Response<Body> {
    let body = serde_json::json!({"name": name, "tags": ["a"]}).to_string();
    let mut resp = json(StatusCode::OK, "application/json", body.into());
    let link = format!("</v2/{name}/tags/list?last=a&n=1>; rel=\"next\"");
    insert(resp.headers_mut(), "link", &link);
    resp
}

fn redirect(state: &FaultState, req: &Request<Body>) -> Response<Body> {
    let id = state.next_ticket.fetch_add(1, Ordering::SeqCst);
    let auth = req.headers().get(header::AUTHORIZATION).cloned();
    let path = req.uri().path().to_string();
    state.tickets.lock().unwrap().insert(id, (path, auth));
    // Like a pre-signed object-storage URL: the query is a credential, never to be logged.
    let target = format!(
        "{}/storage/{id}?X-Amz-Signature={SIGNED_QUERY_SECRET}",
        state.redirect_origin.lock().unwrap()
    );
    let mut resp = plain(StatusCode::TEMPORARY_REDIRECT, "");
    insert(resp.headers_mut(), "location", &target);
    resp
}

/// The redirect target: like object storage behind a signed URL, the ticket is the only credential.
async fn serve_ticket(
    State(state): State<Arc<FaultState>>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response<Body> {
    state.redirect_requests.fetch_add(1, Ordering::SeqCst);
    if headers.contains_key(header::AUTHORIZATION) {
        state.redirect_saw_auth.store(true, Ordering::SeqCst);
    }
    let Some((path, auth)) = state.tickets.lock().unwrap().get(&id).cloned() else {
        return plain(StatusCode::NOT_FOUND, "unknown ticket");
    };
    let mut out = HeaderMap::new();
    if let Some(a) = auth {
        out.insert(header::AUTHORIZATION, a);
    }
    if let Some(r) = headers.get(header::RANGE) {
        out.insert(header::RANGE, r.clone());
    }
    match state
        .backend
        .send(Method::GET, &path, &out, "".into())
        .await
    {
        Ok(resp) => state.backend.relay(resp, ""),
        Err(e) => plain(StatusCode::BAD_GATEWAY, e.to_string()),
    }
}

async fn cut_after(state: &FaultState, req: Request<Body>, limit: u64) -> Response<Body> {
    let origin = state.origin.lock().unwrap().clone();
    let resp = match bodiless(state, req).await {
        Ok(r) => r,
        Err(answer) => return answer,
    };
    let full_size = resp.content_length();
    let mut out = state.backend.relay(resp, &origin);
    if full_size.is_none_or(|size| size <= limit) {
        return out;
    }
    let full = std::mem::take(out.body_mut()).into_data_stream();
    // Pass `limit` bytes, then fail the stream: hyper closes the connection short of Content-Length.
    let cut = stream::unfold(Some(Cut::Pass(full, limit)), |step| async move {
        match step? {
            Cut::Fail => {
                // hyper flushes what it has only when the body stalls; without the pause the
                // headers and the first bytes would be dropped along with the connection.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Some((Err(std::io::Error::other("injected cut")), None))
            }
            Cut::Pass(mut body, left) => match body.next().await? {
                Err(e) => Some((Err(std::io::Error::other(e)), None)),
                Ok(chunk) if (chunk.len() as u64) < left => {
                    let rest = left - chunk.len() as u64;
                    Some((Ok(chunk), Some(Cut::Pass(body, rest))))
                }
                Ok(chunk) => Some((Ok(chunk.slice(..left as usize)), Some(Cut::Fail))),
            },
        }
    });
    *out.body_mut() = Body::from_stream(cut);
    out
}

/// The query secret of `RedirectBlobs` Locations.
pub const SIGNED_QUERY_SECRET: &str = "stowage-signed-query-secret";

fn is_referrers_tag(reference: &str) -> bool {
    reference
        .strip_prefix("sha256-")
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Referrers-tag PUTs that `SlowFlakyReferrersTag` may fail: 12 failures over 8 writers, so
/// no writer meets more than a few in a row.
const FLAKY_TAG_PUTS: u64 = 18;

async fn slow_flaky_tag_put(state: &FaultState, req: Request<Body>, ms: u64) -> Response<Body> {
    let n = state.tag_puts.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    let unavailable = || {
        let body = r#"{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}"#;
        json(
            StatusCode::SERVICE_UNAVAILABLE,
            "application/json",
            body.into(),
        )
    };
    let origin = state.origin.lock().unwrap().clone();
    match n % 3 {
        _ if n >= FLAKY_TAG_PUTS => state.backend.forward(req, &origin).await,
        0 => unavailable(),
        1 => {
            // The write lands, and the client hears it failed.
            let _ = state.backend.forward(req, &origin).await;
            unavailable()
        }
        _ => state.backend.forward(req, &origin).await,
    }
}

/// Sends a GET-like request on to the registry, without its body; a failure is a 502.
async fn bodiless(
    state: &FaultState,
    req: Request<Body>,
) -> Result<reqwest::Response, Response<Body>> {
    let (parts, _) = req.into_parts();
    let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    state
        .backend
        .send(parts.method, pq, &parts.headers, "".into())
        .await
        .map_err(|e| plain(StatusCode::BAD_GATEWAY, e.to_string()))
}

/// The real blob, then `extra` bytes more, counted as they are sent; no Content-Length.
async fn overlong(state: &Arc<FaultState>, req: Request<Body>, extra: u64) -> Response<Body> {
    let origin = state.origin.lock().unwrap().clone();
    let resp = match bodiless(state, req).await {
        Ok(r) => r,
        Err(answer) => return answer,
    };
    let mut out = state.backend.relay(resp, &origin);
    out.headers_mut().remove(header::CONTENT_LENGTH);
    let real = std::mem::take(out.body_mut()).into_data_stream();
    const CHUNK: u64 = 64 * 1024;
    let counted = state.clone();
    let junk = stream::unfold(extra, move |left| {
        let counted = counted.clone();
        async move {
            if left == 0 {
                return None;
            }
            let n = left.min(CHUNK);
            counted.overlong_sent.fetch_add(n, Ordering::SeqCst);
            let chunk = bytes::Bytes::from(vec![b'x'; n as usize]);
            Some((Ok::<_, axum::Error>(chunk), left - n))
        }
    });
    *out.body_mut() = Body::from_stream(real.chain(junk));
    out
}

enum Cut<S> {
    Pass(S, u64),
    Fail,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    headers.insert(name, HeaderValue::from_str(value).expect("header value"));
}
