//! The trust settings as the Trust dialog shows and edits them.

use serde::{Deserialize, Serialize};
use stowage::signature::{IdentitySetting, PublicKey, TrustSettings, TrustedRoot};
use ts_rs::TS;

/// Everything signatures are verified against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrustView {
    /// Public keys trusted, in the order added (a saved key that does not read is left out).
    pub keys: Vec<TrustedKey>,
    /// Keyless signers trusted, in the order added.
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
    /// The trust store folder, as chosen in the shell's dialog.
    pub store: String,
    /// The trust policy file (`trustpolicy.json`), as chosen in the shell's dialog.
    pub policy: String,
}

/// A public key signatures are verified with.
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
    /// The certificate identity (an e-mail address, a workflow URI), or a pattern for it.
    pub identity: String,
    /// `identity` is a regular expression rather than the exact value.
    pub identity_regexp: bool,
    /// The OIDC issuer (`https://token.actions.githubusercontent.com`), or a pattern for it.
    pub issuer: String,
    /// `issuer` is a regular expression rather than the exact value.
    pub issuer_regexp: bool,
}

/// A Sigstore trusted root keyless signatures are checked against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrustedRootView {
    /// What verdicts call it: "Sigstore public good", or the file name it was added from.
    pub name: String,
    /// Shipped inside Stowage: always trusted, cannot be removed.
    pub shipped: bool,
}

/// Which list an entry to remove is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TrustEntry {
    /// A public key, by its place in `keys`.
    Key,
    /// A keyless signer, by its place in `identities`.
    Identity,
    /// An added trusted root, by its place in `roots` (the shipped ones cannot be removed).
    Root,
    /// Notation's trust store and policy, all of it (the index is not used).
    Notation,
}

impl TrustView {
    /// The dialog's view of `settings`; `problem` says why they are not in use, if they are not.
    pub fn new(settings: &TrustSettings, problem: Option<String>) -> TrustView {
        let keys = settings
            .keys
            .iter()
            // One row per saved key, one that no longer reads included: the rows' positions are
            // what `untrust` removes by, and such a key is the one a user wants to remove.
            .map(|pem| match PublicKey::from_pem(pem) {
                Ok(key) => TrustedKey {
                    id: key.id().to_string(),
                    algorithm: key.algorithm().to_string(),
                },
                Err(e) => TrustedKey {
                    id: format!("unreadable key ({e})"),
                    algorithm: "unknown".to_string(),
                },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_key_that_no_longer_reads_keeps_its_row() {
        let good = include_str!("../../../tests/fixtures/signature/keys/p256.pub.pem");
        let settings = TrustSettings {
            keys: vec!["-----BEGIN PUBLIC KEY-----\nbroken\n".into(), good.into()],
            ..TrustSettings::default()
        };
        let view = TrustView::new(&settings, None);
        // Rows by position, as `untrust` removes them: the second row is the second key.
        assert_eq!(view.keys.len(), 2);
        assert!(
            view.keys[0].id.starts_with("unreadable key"),
            "{:?}",
            view.keys[0]
        );
        assert_eq!(view.keys[1].algorithm, "ECDSA P-256");
    }
}
