//! The core's error type: every failure names what failed and where (reference, digest or URL).

use std::path::PathBuf;

use crate::digest::{Digest, DigestError};
use crate::reference::ReferenceError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Reference(#[from] ReferenceError),

    #[error(transparent)]
    Digest(#[from] DigestError),

    /// The request never got an HTTP answer: DNS, connection refused, reset, timeout.
    #[error("cannot reach {url}: {detail}")]
    Connect { url: String, detail: String },

    #[error("TLS failure talking to {registry}: {detail} (use a custom CA for private registries, or mark the registry insecure if it speaks plain HTTP)")]
    Tls { registry: String, detail: String },

    /// No credentials, or the registry refused the ones we have.
    #[error("{}", unauthorized_text(registry, username.as_deref(), detail))]
    Unauthorized {
        registry: String,
        username: Option<String>,
        detail: String,
    },

    /// Authenticated, but not allowed to do this.
    #[error("access denied to {url}: {detail}")]
    Denied { url: String, detail: String },

    #[error("not found: {what} ({url})")]
    NotFound { what: String, url: String },

    /// Any other non-success answer, with the registry's own error code where it sent one.
    #[error("{url} answered {status}{}: {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Status {
        url: String,
        status: u16,
        code: Option<String>,
        message: String,
    },

    #[error("digest mismatch for {what}: expected {expected}, got {actual}")]
    DigestMismatch {
        what: String,
        expected: Digest,
        actual: Digest,
    },

    #[error("size mismatch for {what}: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        what: String,
        expected: u64,
        actual: u64,
    },

    /// Something a registry or a file made bigger than Stowage takes in.
    #[error("{what} at {url} passes the limit of {limit} {unit}")]
    TooLarge {
        what: String,
        url: String,
        limit: u64,
        /// What `limit` counts: "bytes", "entries", "manifests", …
        unit: &'static str,
    },

    /// The registry answered something that does not follow the spec.
    #[error("malformed answer from {url}: {detail}")]
    Malformed { url: String, detail: String },

    /// A redirect that would carry a credential off its origin, or step down from HTTPS.
    #[error("redirect from {from} to {to} refused: {reason}")]
    Redirect {
        from: String,
        to: String,
        reason: String,
    },

    #[error("{url}: pagination did not end after {pages} pages (the registry may be looping)")]
    Pagination { url: String, pages: usize },

    #[error("credential store {store}: {detail}")]
    Credentials { store: String, detail: String },

    #[error("no OS keyring is reachable ({detail}); use `docker login` (Stowage reads Docker's credential helpers and config.json) or pass credentials with --username and --password-stdin")]
    NoKeyring { detail: String },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid configuration {}: {detail}", path.display())]
    Config { path: PathBuf, detail: String },

    /// An SBOM that could not be read: which bytes, as what, where, and what was expected.
    #[error("{origin}: not a readable {format} document{}: {detail}", at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default())]
    Sbom {
        origin: String,
        format: String,
        at: Option<String>,
        detail: String,
    },

    /// A signature or attestation that could not be decoded: which document, where, and why.
    #[error(transparent)]
    Signature(#[from] crate::signature::SignatureError),

    #[error("cancelled")]
    Cancelled,

    #[error("{0}")]
    Invalid(String),
}

/// A refusal said as what it is: wrong credentials, or none where the registry wants some.
fn unauthorized_text(registry: &str, username: Option<&str>, detail: &str) -> String {
    match username {
        Some(u) => format!("{registry} refused the credentials of {u}: {detail}"),
        None => {
            format!("{registry} needs you to sign in (it refused an anonymous request): {detail}")
        }
    }
}

impl Error {
    /// A short stable code for programs (the app's UI, `--output json`), one per variant.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Reference(_) => "invalid_reference",
            Error::Digest(_) => "invalid_digest",
            Error::Connect { .. } => "unreachable",
            Error::Tls { .. } => "tls",
            Error::Unauthorized { .. } => "unauthorized",
            Error::Denied { .. } => "denied",
            Error::NotFound { .. } => "not_found",
            Error::Status { .. } => "registry_error",
            Error::DigestMismatch { .. } => "digest_mismatch",
            Error::SizeMismatch { .. } => "size_mismatch",
            Error::TooLarge { .. } => "too_large",
            Error::Malformed { .. } => "malformed",
            Error::Pagination { .. } => "pagination",
            Error::Redirect { .. } => "redirect_refused",
            Error::Credentials { .. } => "credentials",
            Error::NoKeyring { .. } => "no_keyring",
            Error::Io { .. } => "io",
            Error::Config { .. } => "config",
            Error::Sbom { .. } => "unreadable_sbom",
            Error::Signature(_) => "unreadable_signature",
            Error::Cancelled => "cancelled",
            Error::Invalid(_) => "invalid",
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }
}
