//! What the user trusts to vouch for a signature: public keys, keyless identities (the identity
//! and OIDC issuer a Fulcio certificate names, exactly or by regular expression), and the
//! Sigstore trusted roots whose Fulcio, CT logs and Rekor keyless signatures are checked through.

use std::fmt;
use std::sync::{Arc, OnceLock};

use sigstore_verify::trust_root::{
    TrustedRoot as SigstoreRoot, SIGSTORE_GITHUB_TRUSTED_ROOT, SIGSTORE_PRODUCTION_TRUSTED_ROOT,
};
use sigstore_verify::Verifier;

use super::{NotationTrust, PublicKey};

/// Everything a signature may be verified by. Empty trusts nothing: every signature then
/// reads "not checked", never "verified".
#[derive(Clone, Default)]
pub struct Trust {
    /// Public keys: a signature made with a key verifies when one of these checks it.
    pub keys: Vec<PublicKey>,
    /// Keyless signers: a signing certificate's identity and issuer must match one of these.
    pub identities: Vec<Identity>,
    /// The Sigstore trusted roots that certificates and log entries are checked through.
    pub roots: Vec<TrustedRoot>,
    /// Notation's trust store and policy, for notation signatures.
    pub notation: Option<NotationTrust>,
}

impl Trust {
    /// Trusts the roots Stowage ships ([`TrustedRoot::shipped`]) and nothing else yet.
    pub fn with_shipped_roots() -> Self {
        Trust {
            roots: TrustedRoot::shipped(),
            ..Trust::default()
        }
    }
}

/// A keyless signer the user trusts: a certificate's identity (its subject alternative name:
/// an email, a workflow URI) together with the OIDC issuer that vouched for it. Both must
/// match, as in cosign: an identity alone could be claimed through another issuer.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The identity the certificate must name (a subject alternative name).
    pub identity: Pattern,
    /// The OIDC issuer that must have vouched for it.
    pub issuer: Pattern,
}

impl Identity {
    /// Whether a certificate naming `identity`, vouched for by `issuer`, is this signer: both
    /// must match.
    pub fn matches(&self, identity: &str, issuer: &str) -> bool {
        self.identity.matches(identity) && self.issuer.matches(issuer)
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (issuer {})", self.identity, self.issuer)
    }
}

/// An exact value, or a regular expression that must match the whole value. cosign's
/// `-regexp` flags match anywhere in the value, so `github.com/org/` there also accepts
/// `evil.example/?github.com/org/`; anchoring makes a pattern mean what it reads as.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// The value itself, compared exactly.
    Exact(String),
    /// A regular expression, anchored at both ends when made by [`Pattern::regex`].
    Regex(regex::Regex),
}

impl Pattern {
    /// A regular expression, anchored at both ends; the error says why it does not compile.
    pub fn regex(pattern: &str) -> Result<Self, String> {
        regex::Regex::new(&format!("^(?:{pattern})$"))
            .map(Pattern::Regex)
            .map_err(|e| format!("{pattern}: {e}"))
    }

    /// Whether `value` is the exact value, or matches the regular expression.
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Pattern::Exact(exact) => exact == value,
            Pattern::Regex(re) => re.is_match(value),
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Exact(exact) => f.write_str(exact),
            Pattern::Regex(re) => {
                let anchored = re.as_str();
                let inner = anchored
                    .strip_prefix("^(?:")
                    .and_then(|s| s.strip_suffix(")$"))
                    .unwrap_or(anchored);
                write!(f, "/{inner}/")
            }
        }
    }
}

/// A Sigstore trusted root (`trusted_root.json`): the Fulcio CAs, CT logs, Rekor logs and
/// timestamp authorities of one Sigstore instance, each with the time it is valid for.
#[derive(Clone)]
pub struct TrustedRoot {
    /// What to call it in a verdict: "Sigstore public good", or the file it came from.
    pub name: String,
    pub(super) verifier: Arc<Verifier>,
}

impl fmt::Debug for TrustedRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustedRoot")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl TrustedRoot {
    /// Reads a `trusted_root.json`; the error says what in it is wrong.
    pub fn from_json(name: impl Into<String>, json: &str) -> Result<Self, String> {
        super::keyless::install_provider();
        let root = SigstoreRoot::from_json(json).map_err(|e| e.to_string())?;
        let verifier = Verifier::new(&root).map_err(|e| e.to_string())?;
        Ok(TrustedRoot {
            name: name.into(),
            verifier: Arc::new(verifier),
        })
    }

    /// The roots shipped inside Stowage, as sigstore-rust releases them: Sigstore's public-good
    /// instance (what cosign and the sigstore clients sign through by default) and GitHub's
    /// (artifact attestations of private repositories). No network is needed to use them.
    pub fn shipped() -> Vec<Self> {
        // Parsed once: each settings change rebuilds a `Trust`, and the roots never change.
        static SHIPPED: OnceLock<Vec<TrustedRoot>> = OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                [
                    ("Sigstore public good", SIGSTORE_PRODUCTION_TRUSTED_ROOT),
                    ("GitHub's Sigstore", SIGSTORE_GITHUB_TRUSTED_ROOT),
                ]
                .into_iter()
                .filter_map(|(name, json)| match Self::from_json(name, json) {
                    Ok(root) => Some(root),
                    // Shipped bytes that do not read are a build defect, not the user's input:
                    // keep going with the other root rather than refusing every verification.
                    Err(e) => {
                        tracing::error!("the shipped trusted root {name} does not read: {e}");
                        None
                    }
                })
                .collect()
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_expressions_match_the_whole_value() {
        let p = Pattern::regex("https://github.com/org/.*").unwrap();
        assert!(p.matches("https://github.com/org/app/.github/workflows/r.yml@refs/tags/v1"));
        assert!(!p.matches("https://evil.example/?https://github.com/org/app"));
        assert_eq!(p.to_string(), "/https://github.com/org/.*/");
        let e = Pattern::regex("(unclosed").unwrap_err();
        assert!(e.starts_with("(unclosed: "), "{e}");
    }

    #[test]
    fn an_identity_needs_both_the_identity_and_the_issuer() {
        let trusted = Identity {
            identity: Pattern::Exact("dev@example.com".into()),
            issuer: Pattern::Exact("https://accounts.google.com".into()),
        };
        assert!(trusted.matches("dev@example.com", "https://accounts.google.com"));
        assert!(!trusted.matches("dev@example.com", "https://evil.example"));
        assert!(!trusted.matches("other@example.com", "https://accounts.google.com"));
    }

    #[test]
    fn the_shipped_roots_read() {
        let names: Vec<String> = TrustedRoot::shipped().into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["Sigstore public good", "GitHub's Sigstore"]);
    }

    #[test]
    fn a_broken_trusted_root_says_why() {
        let e = TrustedRoot::from_json("mine.json", "{\"mediaType\": 3}").unwrap_err();
        assert!(!e.is_empty());
    }
}
