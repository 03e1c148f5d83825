//! The trust flags `verify` and `verify-blob` share, named as cosign names them so habits carry
//! over: public keys, the keyless identity and OIDC issuer (exact or by regular expression),
//! the Sigstore trusted root; and notation's, its trust store and trust policy.

use std::path::{Path, PathBuf};

use clap::Args;
use stowage::signature::{Identity, NotationTrust, Pattern, PublicKey, Trust, TrustedRoot};
use stowage::{Error, Result};

#[derive(Args)]
pub struct TrustArgs {
    /// A public key (PEM, as `cosign public-key` writes it) to check signatures with;
    /// repeatable, any one verifying counts.
    #[arg(long = "key", value_name = "PEM")]
    keys: Vec<PathBuf>,
    /// The identity a keyless signing certificate must name (an email, a workflow URI).
    #[arg(
        long,
        value_name = "ID",
        conflicts_with = "certificate_identity_regexp"
    )]
    certificate_identity: Option<String>,
    /// A regular expression the whole identity must match.
    #[arg(long, value_name = "RE")]
    certificate_identity_regexp: Option<String>,
    /// The OIDC issuer that must have vouched for the identity.
    #[arg(
        long,
        value_name = "ISSUER",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    certificate_oidc_issuer: Option<String>,
    /// A regular expression the whole OIDC issuer must match.
    #[arg(long, value_name = "RE")]
    certificate_oidc_issuer_regexp: Option<String>,
    /// A Sigstore `trusted_root.json` to check keyless signatures against, instead of the
    /// roots Stowage ships (Sigstore's public good and GitHub's); repeatable.
    #[arg(long = "trusted-root", value_name = "JSON")]
    trusted_roots: Vec<PathBuf>,
    /// Notation's trust store: a folder laid out as notation's (`x509/ca/NAME/*.pem`).
    #[arg(long, value_name = "DIR", requires = "trust_policy")]
    trust_store: Option<PathBuf>,
    /// Notation's trust policy (`trustpolicy.json`, version 1.0).
    #[arg(long, value_name = "JSON", requires = "trust_store")]
    trust_policy: Option<PathBuf>,
}

impl TrustArgs {
    /// What the flags trust; an error names the flag or file that is wrong.
    pub fn trust(&self) -> Result<Trust> {
        let keys = self
            .keys
            .iter()
            .map(|path| read_key(path))
            .collect::<Result<Vec<_>>>()?;
        let roots = if self.trusted_roots.is_empty() {
            TrustedRoot::shipped()
        } else {
            self.trusted_roots
                .iter()
                .map(|path| read_root(path))
                .collect::<Result<Vec<_>>>()?
        };
        let identity = pattern(
            "--certificate-identity",
            &self.certificate_identity,
            &self.certificate_identity_regexp,
        )?;
        let issuer = pattern(
            "--certificate-oidc-issuer",
            &self.certificate_oidc_issuer,
            &self.certificate_oidc_issuer_regexp,
        )?;
        let identities = match (identity, issuer) {
            (Some(identity), Some(issuer)) => vec![Identity { identity, issuer }],
            (None, None) => Vec::new(),
            // An identity alone could be claimed through any issuer, so cosign asks for both.
            (Some(_), None) => {
                return Err(Error::Invalid(
                    "--certificate-identity needs --certificate-oidc-issuer (or its -regexp): \
                     an identity means nothing without the issuer that vouched for it"
                        .to_string(),
                ))
            }
            (None, Some(_)) => {
                return Err(Error::Invalid(
                    "--certificate-oidc-issuer needs --certificate-identity (or its -regexp)"
                        .to_string(),
                ))
            }
        };
        let notation = match (&self.trust_store, &self.trust_policy) {
            (Some(store), Some(policy)) => {
                let text = std::fs::read_to_string(policy).map_err(|e| Error::io(policy, e))?;
                Some(NotationTrust::read(store, &text).map_err(|e| {
                    Error::Invalid(format!(
                        "{} with {}: {e}",
                        policy.display(),
                        store.display()
                    ))
                })?)
            }
            _ => None,
        };
        Ok(Trust {
            keys,
            identities,
            roots,
            notation,
        })
    }
}

fn pattern(flag: &str, exact: &Option<String>, regexp: &Option<String>) -> Result<Option<Pattern>> {
    match (exact, regexp) {
        (Some(exact), _) => Ok(Some(Pattern::Exact(exact.clone()))),
        (None, Some(re)) => Pattern::regex(re)
            .map(Some)
            .map_err(|e| Error::Invalid(format!("{flag}-regexp {e}"))),
        (None, None) => Ok(None),
    }
}

fn read_key(path: &Path) -> Result<PublicKey> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    PublicKey::from_pem(&text).map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))
}

fn read_root(path: &Path) -> Result<TrustedRoot> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    TrustedRoot::from_json(path.display().to_string(), &text).map_err(|e| {
        Error::Invalid(format!(
            "{}: not a Sigstore trusted root: {e}",
            path.display()
        ))
    })
}
