//! `Collector`: a server on another host that records every request it receives, whole: where
//! a hostile registry or realm would like a client to send its credentials.

use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{Request, Response, StatusCode};
use axum::Router;

use super::forward::{json, Served};

/// One request as it arrived: its start line, headers and body as text.
#[derive(Clone, Debug)]
pub struct Collected {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The request target as received (path and query).
    pub uri: String,
    /// Every header as `name: value`, one a line.
    pub headers: String,
    /// The body as text (invalid UTF-8 replaced); empty when over 1 MiB.
    pub body: String,
}

impl Collected {
    /// Everything the request carried, to search for a secret.
    pub fn text(&self) -> String {
        format!(
            "{} {}\n{}\n{}",
            self.method, self.uri, self.headers, self.body
        )
    }
}

/// A server on another host than the registry's that records every request it gets; it stops
/// when dropped.
pub struct Collector {
    seen: Arc<Mutex<Vec<Collected>>>,
    served: Served,
}

impl Collector {
    /// Answers every request with a token-shaped JSON, so a client that got here goes on.
    pub async fn start() -> Self {
        let seen: Arc<Mutex<Vec<Collected>>> = Arc::default();
        let router = Router::new().fallback(collect).with_state(seen.clone());
        let served = Served::start_elsewhere(router).await;
        Collector { seen, served }
    }

    /// "http://IP:PORT", on another host than the registry's.
    pub fn origin(&self) -> String {
        self.served.origin()
    }

    /// Every request received so far, in the order they arrived.
    pub fn requests(&self) -> Vec<Collected> {
        self.seen.lock().unwrap().clone()
    }
}

async fn collect(
    State(seen): State<Arc<Mutex<Vec<Collected>>>>,
    req: Request<Body>,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(v.as_bytes())))
        .collect::<Vec<_>>()
        .join("\n");
    seen.lock().unwrap().push(Collected {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let token = r#"{"token":"collected","access_token":"collected","expires_in":300}"#;
    json(StatusCode::OK, "application/json", token.into())
}
