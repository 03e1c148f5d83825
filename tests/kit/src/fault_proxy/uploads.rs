//! The fault proxy's upload faults: connections cut mid-body, 503s to PATCHes, a minimum chunk
//! size, altered Docker-Content-Digest on manifest PUTs, and upload sessions on another host.

use std::io;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use bytes::Bytes;
use futures::{stream, StreamExt};

use super::{insert, json, plain, Fault, FaultState, UploadRequest, SIGNED_QUERY_SECRET};
use std::sync::Arc;

/// Stuck answers given before the proxy answers 400 instead.
pub(super) const STUCK_GUARD: u64 = 50;

/// An upload fault chosen for one request.
pub(super) enum UploadFault {
    Cut(u64),
    ServerError,
    MinChunk(u64),
    Elsewhere,
    /// Answers `202` with this `Range` and the same Location, without the registry.
    Acknowledge(&'static str),
}

/// Notes a request to an upload URL.
pub(super) fn record(state: &FaultState, req: &Request<Body>) {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    state.upload_requests.lock().unwrap().push(UploadRequest {
        method: req.method().to_string(),
        content_length: header("content-length").and_then(|v| v.parse().ok()),
        content_range: header("content-range"),
    });
}

/// The upload fault for this request to an upload URL, if any; one-shot faults are used up here.
pub(super) fn fault(state: &FaultState, req: &Request<Body>) -> Option<UploadFault> {
    let mut fault = state.fault.lock().unwrap();
    let method = req.method();
    match *fault {
        Fault::CutUploadAfter(n) if matches!(*method, Method::PATCH | Method::PUT) => {
            let length = req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            if length.is_some_and(|l| l <= n) {
                return None;
            }
            *fault = Fault::None;
            Some(UploadFault::Cut(n))
        }
        Fault::UploadServerErrors(_) if method == Method::PATCH => state
            .upload_errors_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .ok()
            .map(|_| UploadFault::ServerError),
        Fault::ChunkMinLength(n) if method == Method::POST => Some(UploadFault::MinChunk(n)),
        Fault::UploadsElsewhere if method == Method::POST => Some(UploadFault::Elsewhere),
        Fault::StuckUploads if method == Method::PATCH => Some(UploadFault::Acknowledge("0-0")),
        Fault::HugeUploadRange if method == Method::PATCH => {
            Some(UploadFault::Acknowledge("0-18446744073709551615"))
        }
        _ => None,
    }
}

impl UploadFault {
    pub(super) async fn answer(self, state: &FaultState, req: Request<Body>) -> Response<Body> {
        let origin = state.origin.lock().unwrap().clone();
        match self {
            UploadFault::Cut(n) => cut(state, req, n).await,
            UploadFault::ServerError => {
                // Like a load balancer that buffered the body and then failed.
                let mut body = req.into_body().into_data_stream();
                while let Some(Ok(_)) = body.next().await {}
                state.errors_sent.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}"#;
                json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "application/json",
                    body.into(),
                )
            }
            UploadFault::MinChunk(n) => {
                let mut resp = state.backend.forward(req, &origin).await;
                insert(resp.headers_mut(), "oci-chunk-min-length", &n.to_string());
                resp
            }
            UploadFault::Acknowledge(range) => {
                // A guard, so a client that would never stop gives up with an error instead.
                if state.stuck_answers.fetch_add(1, Ordering::SeqCst) >= STUCK_GUARD {
                    return plain(
                        StatusCode::BAD_REQUEST,
                        "the fault proxy's stuck-upload guard",
                    );
                }
                let location = req.uri().to_string();
                let mut body = req.into_body().into_data_stream();
                while let Some(Ok(_)) = body.next().await {}
                let mut resp = plain(StatusCode::ACCEPTED, "");
                insert(resp.headers_mut(), "range", range);
                insert(resp.headers_mut(), "location", &location);
                resp
            }
            UploadFault::Elsewhere => {
                let auth = req.headers().get(header::AUTHORIZATION).cloned();
                // Relayed with an empty origin, the registry's Location becomes a bare path.
                let resp = state.backend.forward(req, "").await;
                to_elsewhere(state, resp, auth)
            }
        }
    }
}

/// Reads `limit` bytes of the body, gives them to the registry on a connection that then
/// breaks, and drops the client's connection without an answer.
async fn cut(state: &FaultState, req: Request<Body>, limit: u64) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut body = body.into_data_stream();
    let mut head = Vec::new();
    while (head.len() as u64) < limit {
        match body.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            _ => break,
        }
    }
    head.truncate(limit as usize);
    let part = stream::unfold(Some(Some(Bytes::from(head))), |step| async move {
        match step? {
            Some(bytes) => Some((Ok(bytes), Some(None))),
            None => {
                // hyper flushes what it has only when the body stalls (see `cut_after`).
                tokio::time::sleep(Duration::from_millis(50)).await;
                Some((Err(io::Error::other("injected cut")), None))
            }
        }
    });
    let _ = state
        .backend
        .send(
            parts.method,
            pq,
            &parts.headers,
            reqwest::Body::wrap_stream(part),
        )
        .await;
    drop(body);
    // Unwinding out of the handler ends hyper's task for this connection without an answer, so
    // the client sees its connection drop mid-body. resume_unwind skips the panic hook: no noise.
    std::panic::resume_unwind(Box::new("injected connection cut"))
}

/// A manifest PUT whose answer names another digest than the registry computed.
pub(super) async fn wrong_push_digest(state: &FaultState, req: Request<Body>) -> Response<Body> {
    let origin = state.origin.lock().unwrap().clone();
    let mut resp = state.backend.forward(req, &origin).await;
    let altered = resp
        .headers()
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .map(|d| {
            let mut d = d.to_string();
            let last = if d.ends_with('0') { "1" } else { "0" };
            d.pop();
            d.push_str(last);
            d
        });
    if let Some(d) = altered {
        insert(resp.headers_mut(), "docker-content-digest", &d);
    }
    resp
}

/// Points an upload answer's Location at the other host, behind a new ticket.
fn to_elsewhere(
    state: &FaultState,
    mut resp: Response<Body>,
    auth: Option<HeaderValue>,
) -> Response<Body> {
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(path) = location {
        let id = state.next_ticket.fetch_add(1, Ordering::SeqCst);
        state.tickets.lock().unwrap().insert(id, (path, auth));
        // Signed like object storage's upload URLs: the query is a credential.
        let target = format!(
            "{}/upload/{id}?X-Amz-Signature={SIGNED_QUERY_SECRET}",
            state.redirect_origin.lock().unwrap()
        );
        insert(resp.headers_mut(), "location", &target);
    }
    resp
}

/// The other host's upload endpoint: forwards to the registry with the credentials of the POST
/// that opened the session, never with what the client sends (which should be nothing).
pub(super) async fn serve_elsewhere(
    State(state): State<Arc<FaultState>>,
    Path(id): Path<u64>,
    req: Request<Body>,
) -> Response<Body> {
    state.redirect_requests.fetch_add(1, Ordering::SeqCst);
    if req.headers().contains_key(header::AUTHORIZATION) {
        state.redirect_saw_auth.store(true, Ordering::SeqCst);
    }
    let Some((path, auth)) = state.tickets.lock().unwrap().get(&id).cloned() else {
        return plain(StatusCode::NOT_FOUND, "unknown ticket");
    };
    if state
        .elsewhere_errors_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        let mut body = req.into_body().into_data_stream();
        while let Some(Ok(_)) = body.next().await {}
        return plain(StatusCode::SERVICE_UNAVAILABLE, "injected fault elsewhere");
    }
    // The client adds its own query (`digest=`) to the ticket URL, after the signature.
    let query: Vec<String> = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("X-Amz-Signature="))
        .map(str::to_string)
        .collect();
    let query = (!query.is_empty()).then(|| query.join("&"));
    let target = match query.as_deref() {
        Some(q) if !q.is_empty() && path.contains('?') => format!("{path}&{q}"),
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path,
    };
    let (parts, body) = req.into_parts();
    let mut headers = parts.headers.clone();
    headers.remove(header::AUTHORIZATION);
    if let Some(a) = auth.clone() {
        headers.insert(header::AUTHORIZATION, a);
    }
    let body = reqwest::Body::wrap_stream(body.into_data_stream());
    match state
        .backend
        .send(parts.method, &target, &headers, body)
        .await
    {
        Ok(resp) => to_elsewhere(&state, state.backend.relay(resp, ""), auth),
        Err(e) => plain(StatusCode::BAD_GATEWAY, e.to_string()),
    }
}
