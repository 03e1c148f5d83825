//! The trust settings as the Trust dialog shows and edits them.

use serde::{Deserialize, Serialize};
use stowage::signature::{IdentitySetting, PublicKey, TrustSettings, TrustedRoot};
use ts_rs::TS;

/// Everything signatures are verified against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrustView {
    pub keys: Vec<TrustedKey>,
    pub identities: Vec<TrustedIdentity>,
    /// The shipped roots first (not removable), then the ones the user added.
    pub roots: Vec<TrustedRootView>,
    /// Notation's trust policy statements and stores, when one was chosen.
    pub notation: Option<NotationView>,
    /// Why the saved settings are not in use (a hand-edited entry that does not read).
    pub problem: Option<String>,
}

/// Notation's trust as the dialog lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotationView {
    /// Each statement: its name, level and registry scopes ("strict for localhost:5000/app").
    pub statements: Vec<String>,
    /// Each store and how many certificates it holds.
    pub stores: Vec<(String, u32)>,
}

/// The folder and policy file picked for notation's trust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotationPick {
    pub store: String,
    pub policy: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrustedKey {
    /// `sha256:` of the key's DER, as verdicts name it.
    pub id: String,
    /// "ECDSA P-256", "Ed25519", "RSA 3072".
    pub algorithm: String,
}

/// A keyless signer: the certificate's identity and the OIDC issuer, each exact or a regular
/// expression matching the whole value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrustedIdentity {
    pub identity: String,
    pub identity_regexp: bool,
    pub issuer: String,
    pub issuer_regexp: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrustedRootView {
    pub name: String,
    /// Shipped inside Stowage: always trusted, cannot be removed.
    pub shipped: bool,
}

/// Which list an entry to remove is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TrustEntry {
    Key,
    Identity,
    Root,
    Notation,
}

impl TrustView {
    pub fn new(settings: &TrustSettings, problem: Option<String>) -> TrustView {
        let keys = settings
            .keys
            .iter()
            .filter_map(|pem| PublicKey::from_pem(pem).ok())
            .map(|key| TrustedKey {
                id: key.id().to_string(),
                algorithm: key.algorithm().to_string(),
            })
            .collect();
        let shipped = TrustedRoot::shipped().into_iter().map(|r| TrustedRootView {
            name: r.name,
            shipped: true,
        });
        let added = settings.roots.iter().map(|r| TrustedRootView {
            name: r.name.clone(),
            shipped: false,
        });
        TrustView {
            keys,
            identities: settings
                .identities
                .iter()
                .cloned()
                .map(Into::into)
                .collect(),
            roots: shipped.chain(added).collect(),
            notation: settings
                .notation
                .as_ref()
                .and_then(|n| n.trust().ok())
                .map(|n| NotationView {
                    statements: n
                        .policy
                        .statements
                        .iter()
                        .map(|s| {
                            let scopes = s.registry_scopes.join(", ");
                            format!("{}: {} for {scopes}", s.name, s.level.as_str())
                        })
                        .collect(),
                    stores: n
                        .stores
                        .iter()
                        .map(|(name, certs)| (name.clone(), certs.len() as u32))
                        .collect(),
                }),
            problem,
        }
    }
}

impl From<IdentitySetting> for TrustedIdentity {
    fn from(i: IdentitySetting) -> Self {
        TrustedIdentity {
            identity: i.identity,
            identity_regexp: i.identity_regexp,
            issuer: i.issuer,
            issuer_regexp: i.issuer_regexp,
        }
    }
}

impl From<TrustedIdentity> for IdentitySetting {
    fn from(i: TrustedIdentity) -> Self {
        IdentitySetting {
            identity: i.identity,
            identity_regexp: i.identity_regexp,
            issuer: i.issuer,
            issuer_regexp: i.issuer_regexp,
        }
    }
}
