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

    /// What a delete (or another confirmed change) would do is no longer what the user was shown.
    #[error(
        "{what} changed since the preview ({then} then, {now} now); look again before going on"
    )]
    ChangedSincePreview {
        what: String,
        then: String,
        now: String,
    },

    /// Bad input from the user or a file: what was asked cannot be done as asked.
    #[error("{0}")]
    Invalid(String),

    /// A failure of Stowage's own (a task that panicked, a value that would not serialise),
    /// not of what the user gave: worth a bug report.
    #[error("internal error: {0}")]
    Internal(String),
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
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Reference(_) => ErrorCode::InvalidReference,
            Error::Digest(_) => ErrorCode::InvalidDigest,
            Error::Connect { .. } => ErrorCode::Unreachable,
            Error::Tls { .. } => ErrorCode::Tls,
            Error::Unauthorized { .. } => ErrorCode::Unauthorized,
            Error::Denied { .. } => ErrorCode::Denied,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Status { .. } => ErrorCode::RegistryError,
            Error::DigestMismatch { .. } => ErrorCode::DigestMismatch,
            Error::SizeMismatch { .. } => ErrorCode::SizeMismatch,
            Error::TooLarge { .. } => ErrorCode::TooLarge,
            Error::Malformed { .. } => ErrorCode::Malformed,
            Error::Pagination { .. } => ErrorCode::Pagination,
            Error::Redirect { .. } => ErrorCode::RedirectRefused,
            Error::Credentials { .. } => ErrorCode::Credentials,
            Error::NoKeyring { .. } => ErrorCode::NoKeyring,
            Error::Io { .. } => ErrorCode::Io,
            Error::Config { .. } => ErrorCode::Config,
            Error::Sbom { .. } => ErrorCode::UnreadableSbom,
            Error::Signature(_) => ErrorCode::UnreadableSignature,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::ChangedSincePreview { .. } => ErrorCode::ChangedSincePreview,
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::Internal(_) => ErrorCode::Internal,
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

/// Declares [`ErrorCode`] from one table: each code's name in Rust and its stable text (what the
/// CLI's JSON and the app's UI see, and the TypeScript union the UI switches over).
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal,)*) => {
        /// The kind of an [`Error`], stable across releases, for programs to act on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $text)] $variant,)*
        }

        impl ErrorCode {
            /// The code's stable text, e.g. `not_found`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }
        }
    };
}

error_codes! {
    InvalidReference = "invalid_reference",
    InvalidDigest = "invalid_digest",
    /// No HTTP answer at all: DNS, a refused connection, a timeout.
    Unreachable = "unreachable",
    Tls = "tls",
    /// No credentials, or refused ones.
    Unauthorized = "unauthorized",
    /// Signed in, but not allowed.
    Denied = "denied",
    NotFound = "not_found",
    /// Any other refusal by the registry, with its own code in the message.
    RegistryError = "registry_error",
    DigestMismatch = "digest_mismatch",
    SizeMismatch = "size_mismatch",
    TooLarge = "too_large",
    /// An answer or a file that does not follow its spec.
    Malformed = "malformed",
    Pagination = "pagination",
    RedirectRefused = "redirect_refused",
    Credentials = "credentials",
    NoKeyring = "no_keyring",
    Io = "io",
    Config = "config",
    UnreadableSbom = "unreadable_sbom",
    UnreadableSignature = "unreadable_signature",
    Cancelled = "cancelled",
    /// What a confirmed change would do differs from what the user was shown.
    ChangedSincePreview = "changed_since_preview",
    /// Bad input: what was asked cannot be done as asked.
    Invalid = "invalid",
    /// A failure of Stowage's own.
    Internal = "internal",
    /// The app only: the webview asked for a path the user never gave Stowage.
    Forbidden = "forbidden",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests compare codes with their text, as programs reading `--output json` do.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
