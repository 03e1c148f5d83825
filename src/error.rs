//! The core's error type: every failure names what failed and where (reference, digest or URL).

use std::path::PathBuf;

use crate::digest::{Digest, DigestError};
use crate::reference::ReferenceError;

/// The core's result type, with [`Error`] unless another error is named.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way a core operation fails; [`Error::code`] gives programs a stable kind to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A reference that does not parse.
    #[error(transparent)]
    Reference(#[from] ReferenceError),

    /// A digest that does not parse or uses an algorithm the image spec does not register.
    #[error(transparent)]
    Digest(#[from] DigestError),

    /// The request never got an HTTP answer: DNS, connection refused, reset, timeout.
    #[error("cannot reach {url}: {detail}")]
    Connect {
        /// The URL that was asked for, without credentials or query.
        url: String,
        /// What went wrong on the way, as the HTTP stack tells it.
        detail: String,
    },

    /// The TLS handshake failed, or the client for a registry's TLS settings could not be built.
    #[error("TLS failure talking to {registry}: {detail} (use a custom CA for private registries, or mark the registry insecure if it speaks plain HTTP)")]
    Tls {
        /// The registry whose TLS failed, so the user knows which settings to fix.
        registry: String,
        /// The TLS error and its causes, such as an unknown issuer or an expired certificate.
        detail: String,
    },

    /// No credentials, or the registry refused the ones we have.
    #[error("{}", unauthorized_text(registry, username.as_deref(), detail))]
    Unauthorized {
        /// The registry that refused.
        registry: String,
        /// The account whose credentials were refused; `None` for an anonymous request.
        username: Option<String>,
        /// The reason the registry or its token server gave, with a sign-in hint where it helps.
        detail: String,
    },

    /// Authenticated, but not allowed to do this.
    #[error("access denied to {url}: {detail}")]
    Denied {
        /// The URL that was refused, without credentials or query.
        url: String,
        /// The registry's error code and message.
        detail: String,
    },

    /// What was asked for is not there: a registry's 404, or a missing file, blob or platform.
    #[error("not found: {what} ({url})")]
    NotFound {
        /// What was looked for, in words (`blob sha256:…`, `the layout's index.json`).
        what: String,
        /// Where it was looked for: a URL without credentials, a store's name or a file path.
        url: String,
    },

    /// Any other non-success answer, with the registry's own error code where it sent one.
    #[error("{url} answered {status}{}: {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Status {
        /// The URL that answered, without credentials or query.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The first error code of the distribution spec's error body (`MANIFEST_INVALID`...).
        code: Option<String>,
        /// The registry's error messages, else the start of its body or the status's reason.
        message: String,
    },

    /// Content whose bytes do not hash to the digest it was asked for or described by.
    #[error("digest mismatch for {what}: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The content that failed, in words (`blob at <path>`, a layer, a manifest).
        what: String,
        /// The digest the content should have had.
        expected: Digest,
        /// The digest of the bytes actually received or read.
        actual: Digest,
    },

    /// Content that is not the size its descriptor gives, or a file that changed while read.
    #[error("size mismatch for {what}: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        /// The content that failed, in words.
        what: String,
        /// The size it should have had, in bytes.
        expected: u64,
        /// The size actually received or read, in bytes.
        actual: u64,
    },

    /// Something a registry or a file made bigger than Stowage takes in.
    #[error("{what} at {url} passes the limit of {limit} {unit}")]
    TooLarge {
        /// What passed the limit, in words (`the answer`, `SBOM`, `the referrers of <digest>`).
        what: String,
        /// Where it came from: a URL without credentials, a store's name or a file path.
        url: String,
        /// The limit that was passed, counted in `unit`.
        limit: u64,
        /// What `limit` counts: "bytes", "entries", "manifests", …
        unit: &'static str,
    },

    /// The registry answered something that does not follow the spec.
    #[error("malformed answer from {url}: {detail}")]
    Malformed {
        /// Where the answer came from: a URL, or the path of a layout file or archive.
        url: String,
        /// What does not follow the spec, such as the JSON error.
        detail: String,
    },

    /// A redirect that would carry a credential off its origin, or step down from HTTPS.
    #[error("redirect from {from} to {to} refused: {reason}")]
    Redirect {
        /// The URL that redirected, without credentials or query.
        from: String,
        /// The URL it redirected to, without credentials or query.
        to: String,
        /// Why the redirect was not followed.
        reason: String,
    },

    /// A listing (tags, catalog, referrers) whose `Link` pages loop or pass the page limit.
    #[error("{url}: pagination did not end after {pages} pages (the registry may be looping)")]
    Pagination {
        /// The page URL at which the listing was stopped.
        url: String,
        /// How many pages had been fetched by then.
        pages: usize,
    },

    /// A credential store that failed or holds an entry Stowage cannot read.
    #[error("credential store {store}: {detail}")]
    Credentials {
        /// The store: `keyring`, or the program name of a Docker credential helper.
        store: String,
        /// What failed, never with the secret in it.
        detail: String,
    },

    /// The OS keyring is unreachable or disabled for this run; lookups fall back to Docker's and
    /// podman's files.
    #[error("no OS keyring is reachable ({detail}); use `docker login` (Stowage reads Docker's credential helpers and config.json) or pass credentials with --username and --password-stdin")]
    NoKeyring {
        /// Why the keyring is unreachable, as the platform tells it, or that it is disabled.
        detail: String,
    },

    /// A file or folder operation that failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder it failed on.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// A settings file, Docker's or podman's auth file, or a CA bundle that cannot be used.
    #[error("invalid configuration {}: {detail}", path.display())]
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong in it, never with a secret in it.
        detail: String,
    },

    /// An SBOM that could not be read: which bytes, as what, where, and what was expected.
    #[error("{origin}: not a readable {format} document{}: {detail}", at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default())]
    Sbom {
        /// Which bytes: a digest, a reference or a path.
        origin: String,
        /// The format they were read as (`SPDX JSON`, `DSSE`, `in-toto statement`...).
        format: String,
        /// Where in the document, when known (`line 12, column 4`, `packages[3].versionInfo`).
        at: Option<String>,
        /// What is wrong there.
        detail: String,
    },

    /// A signature or attestation that could not be decoded: which document, where, and why.
    #[error(transparent)]
    Signature(#[from] crate::signature::SignatureError),

    /// The user cancelled the operation before it finished.
    #[error("cancelled")]
    Cancelled,

    /// What a delete (or another confirmed change) would do is no longer what the user was shown.
    #[error(
        "{what} changed since the preview ({then} then, {now} now); look again before going on"
    )]
    ChangedSincePreview {
        /// What was previewed, in words (`what deleting <selector> removes`).
        what: String,
        /// What the preview showed (`3 manifests`).
        then: String,
        /// What it would be now.
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

    /// An [`Error::Io`] naming the `path` the operating system's error happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether this is [`Error::NotFound`], for callers that treat absence as an answer.
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
    /// A reference that does not parse.
    InvalidReference = "invalid_reference",
    /// A digest that does not parse or uses an unsupported algorithm.
    InvalidDigest = "invalid_digest",
    /// No HTTP answer at all: DNS, a refused connection, a timeout.
    Unreachable = "unreachable",
    /// The TLS handshake failed, or the registry's TLS settings are unusable.
    Tls = "tls",
    /// No credentials, or refused ones.
    Unauthorized = "unauthorized",
    /// Signed in, but not allowed.
    Denied = "denied",
    /// What was asked for is not there.
    NotFound = "not_found",
    /// Any other refusal by the registry, with its own code in the message.
    RegistryError = "registry_error",
    /// Content that does not hash to its digest.
    DigestMismatch = "digest_mismatch",
    /// Content that is not the size its descriptor gives.
    SizeMismatch = "size_mismatch",
    /// Something bigger than Stowage takes in.
    TooLarge = "too_large",
    /// An answer or a file that does not follow its spec.
    Malformed = "malformed",
    /// A listing whose pages loop or never end.
    Pagination = "pagination",
    /// A redirect that would leak a credential or step down from HTTPS.
    RedirectRefused = "redirect_refused",
    /// A credential store that failed.
    Credentials = "credentials",
    /// No OS keyring is reachable.
    NoKeyring = "no_keyring",
    /// A file or folder operation that failed.
    Io = "io",
    /// A configuration file that cannot be used.
    Config = "config",
    /// An SBOM that could not be read.
    UnreadableSbom = "unreadable_sbom",
    /// A signature or attestation that could not be decoded.
    UnreadableSignature = "unreadable_signature",
    /// The user cancelled.
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
