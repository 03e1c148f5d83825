//! Reverse-proxy plumbing shared by the test fronts: serving on loopback, forwarding to a registry, counting.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{
    header, HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode,
};
use axum::Router;
use futures::TryStreamExt;
use tokio::task::JoinHandle;

use super::pki::Leaf;
use super::registry::{client_trusting, TestRegistry};

/// An axum server on a free port, over plain HTTP or TLS; the task is aborted on drop.
pub struct Served {
    pub addr: SocketAddr,
    tls: bool,
    task: JoinHandle<()>,
}

impl Served {
    pub async fn start(ip: &str, router: Router) -> Self {
        let listener = tokio::net::TcpListener::bind((ip, 0))
            .await
            .unwrap_or_else(|e| panic!("bind {ip}:0: {e}"));
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("axum serve");
        });
        Served {
            addr,
            tls: false,
            task,
        }
    }

    /// Serves `router` over HTTPS (HTTP/1.1) with `leaf`'s certificate.
    pub async fn start_tls(ip: &str, router: Router, leaf: &Leaf) -> Self {
        use tokio_rustls::rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
        use tokio_rustls::rustls::{crypto, ServerConfig};
        let listener = tokio::net::TcpListener::bind((ip, 0))
            .await
            .unwrap_or_else(|e| panic!("bind {ip}:0: {e}"));
        let addr = listener.local_addr().expect("local addr");
        let config =
            ServerConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("TLS versions")
                .with_no_client_auth()
                .with_single_cert(
                    vec![CertificateDer::from(leaf.cert_der.clone())],
                    PrivatePkcs8KeyDer::from(leaf.key_der.clone()).into(),
                )
                .expect("TLS certificate");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, router) = (acceptor.clone(), router.clone());
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper_util::service::TowerToHyperService::new(router);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Served {
            addr,
            tls: true,
            task,
        }
    }

    /// Serves on another host than 127.0.0.1: 127.0.0.2 is loopback on Linux and a different
    /// host to reqwest, which then drops credentials on redirects.
    pub async fn start_elsewhere(router: Router) -> Self {
        if std::net::TcpListener::bind("127.0.0.2:0").is_ok() {
            Served::start("127.0.0.2", router).await
        } else {
            // Elsewhere a different port still counts as cross-host for reqwest's redirect policy.
            Served::start("127.0.0.1", router).await
        }
    }

    /// "http://IP:PORT", or "https://IP:PORT" over TLS
    pub fn origin(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The registry behind a front: where to send requests, and its storage root for scans.
#[derive(Clone)]
pub struct Backend {
    pub origin: String,
    pub root_dir: PathBuf,
    pub client: reqwest::Client,
}

impl Backend {
    pub fn of(registry: &TestRegistry) -> Self {
        let ca = registry.is_tls().then(|| registry.ca_pem());
        Backend {
            origin: registry.base_url(),
            root_dir: registry.root_dir(),
            client: client_trusting(ca),
        }
    }

    /// Sends `path_and_query` to the registry with the end-to-end headers of `headers`.
    pub async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: reqwest::Body,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut out = headers.clone();
        strip_hop_by_hop(&mut out);
        self.client
            .request(method, format!("{}{}", self.origin, path_and_query))
            .headers(out)
            .body(body)
            .send()
            .await
    }

    /// Forwards a whole request, streaming both bodies.
    pub async fn forward(&self, req: Request<Body>, front_origin: &str) -> Response<Body> {
        let (parts, body) = req.into_parts();
        let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let body = reqwest::Body::wrap_stream(body.into_data_stream());
        match self.send(parts.method, pq, &parts.headers, body).await {
            Ok(resp) => self.relay(resp, front_origin),
            Err(e) => plain(StatusCode::BAD_GATEWAY, format!("backend: {e}")),
        }
    }

    /// Turns a backend response into ours, pointing backend Locations at the front.
    pub fn relay(&self, resp: reqwest::Response, front_origin: &str) -> Response<Body> {
        let status = resp.status();
        let mut headers = resp.headers().clone();
        strip_hop_by_hop(&mut headers);
        self.rewrite_location(&mut headers, front_origin);
        // An unsized stream keeps hyper from replacing the registry's Content-Length (HEAD too).
        let body = Body::from_stream(resp.bytes_stream().map_err(std::io::Error::other));
        let mut out = Response::new(body);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        out
    }

    pub fn rewrite_location(&self, headers: &mut HeaderMap, front_origin: &str) {
        let Some(loc) = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
            return;
        };
        if let Some(rest) = loc.strip_prefix(&self.origin) {
            let new = format!("{front_origin}{rest}");
            headers.insert(
                header::LOCATION,
                HeaderValue::from_str(&new).expect("location"),
            );
        }
    }
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    // Host is set by reqwest from the backend URL, so the registry builds Locations for itself.
    for name in [
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    ] {
        headers.remove(HeaderName::from_static(name));
    }
}

pub fn plain(status: StatusCode, text: impl Into<String>) -> Response<Body> {
    let mut resp = Response::new(Body::from(text.into()));
    *resp.status_mut() = status;
    resp
}

pub fn json(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("content type"),
    );
    resp
}

/// What a `/v2/…` path addresses, for counters and routing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    Base,
    Catalog,
    Tags,
    Manifest,
    Blob,
    Upload,
    Referrers,
    Other,
}

/// A classified path: the kind, the repository name and the last segment (reference or digest).
#[derive(Clone, Debug)]
pub struct Route {
    pub kind: PathKind,
    pub name: String,
    pub reference: String,
}

pub fn classify(path: &str) -> Route {
    let route = |kind, name: &str, reference: &str| Route {
        kind,
        name: name.to_string(),
        reference: reference.to_string(),
    };
    if path == "/v2/" || path == "/v2" {
        return route(PathKind::Base, "", "");
    }
    if path == "/v2/_catalog" {
        return route(PathKind::Catalog, "", "");
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return route(PathKind::Other, "", "");
    };
    if let Some(name) = rest.strip_suffix("/tags/list") {
        return route(PathKind::Tags, name, "");
    }
    // Repository names may contain slashes, so the marker is searched from the right.
    for (marker, kind) in [
        ("/blobs/uploads", PathKind::Upload),
        ("/referrers/", PathKind::Referrers),
        ("/manifests/", PathKind::Manifest),
        ("/blobs/", PathKind::Blob),
    ] {
        if let Some(i) = rest.rfind(marker) {
            let tail = rest[i + marker.len()..].trim_start_matches('/');
            return route(kind, &rest[..i], tail);
        }
    }
    route(PathKind::Other, "", "")
}

/// Request counters, total and per path kind.
#[derive(Default)]
pub struct Counters {
    counts: [AtomicU64; 9],
}

/// A snapshot of `Counters`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Every request, whatever its path.
    pub total: u64,
    /// `/v2/`, the version check.
    pub base: u64,
    /// `/v2/_catalog`.
    pub catalog: u64,
    /// `/v2/<name>/tags/list`.
    pub tags: u64,
    /// `/v2/<name>/manifests/<reference>`, any method.
    pub manifests: u64,
    /// `/v2/<name>/blobs/<digest>`, any method.
    pub blobs: u64,
    /// `/v2/<name>/blobs/uploads/…`: upload starts and requests to upload sessions.
    pub uploads: u64,
    /// `/v2/<name>/referrers/<digest>`.
    pub referrers: u64,
    /// Any other path.
    pub other: u64,
}

impl Counters {
    pub fn count(&self, kind: PathKind) {
        self.counts[0].fetch_add(1, Ordering::SeqCst);
        self.counts[1 + kind as usize].fetch_add(1, Ordering::SeqCst);
    }

    pub fn snapshot(&self) -> RequestCounts {
        let c = |i: usize| self.counts[i].load(Ordering::SeqCst);
        RequestCounts {
            total: c(0),
            base: c(1 + PathKind::Base as usize),
            catalog: c(1 + PathKind::Catalog as usize),
            tags: c(1 + PathKind::Tags as usize),
            manifests: c(1 + PathKind::Manifest as usize),
            blobs: c(1 + PathKind::Blob as usize),
            uploads: c(1 + PathKind::Upload as usize),
            referrers: c(1 + PathKind::Referrers as usize),
            other: c(1 + PathKind::Other as usize),
        }
    }
}

/// "sha256:<hex>" of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The Accept list for manifest GETs: 2.8 answers 404 to an OCI manifest without an OCI Accept.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, \
     application/vnd.oci.image.index.v1+json, \
     application/vnd.docker.distribution.manifest.v2+json, \
     application/vnd.docker.distribution.manifest.list.v2+json";
