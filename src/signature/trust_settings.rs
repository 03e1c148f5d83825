//! What the user trusts, as their settings keep it: public keys as PEM, keyless identities as the
//! text of their patterns, added trusted roots as their JSON; and how that becomes a [`Trust`].
//!
//! Everything is kept as text, not as a path: a key or root moved or deleted after it was added
//! must not silently stop verifying (or start failing) signatures. None of it is secret.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    pem_blocks, pem_encode, Identity, NotationTrust, Pattern, PublicKey, Trust, TrustError,
    TrustedRoot,
};

/// The trust part of `settings.json`. The roots Stowage ships are always trusted besides these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustSettings {
    /// `PUBLIC KEY` PEM blocks, one per key.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Keyless signers, as the text of their patterns.
    #[serde(default)]
    pub identities: Vec<IdentitySetting>,
    /// Trusted roots the user added, as their JSON.
    #[serde(default)]
    pub roots: Vec<RootSetting>,
    /// Notation's trust policy and stores, for notation signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notation: Option<NotationSetting>,
}

/// A notation trust policy (its JSON) and the certificates of each store it names (PEM), read
/// from a trust store folder when the user chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotationSetting {
    /// The trust policy, the text of its `trustpolicy.json`.
    pub policy: String,
    /// Each store the policy names (`ca:acme`) and its certificates, one PEM block each.
    pub stores: BTreeMap<String, Vec<String>>,
}

/// A keyless signer: identity and issuer, each exact or an (anchored) regular expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentitySetting {
    /// The certificate identity (an e-mail address, a workflow URI), or a pattern for it.
    pub identity: String,
    /// Whether `identity` is a regular expression rather than the exact value.
    #[serde(default)]
    pub identity_regexp: bool,
    /// The OIDC issuer (`https://token.actions.githubusercontent.com`), or a pattern for it.
    pub issuer: String,
    /// Whether `issuer` is a regular expression rather than the exact value.
    #[serde(default)]
    pub issuer_regexp: bool,
}

/// A `trusted_root.json` the user added, under the name it was added with (its file name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootSetting {
    /// The name it was added under, which verdicts call it by.
    pub name: String,
    /// The `trusted_root.json` text, as added.
    pub json: String,
}

impl TrustSettings {
    /// The trust these settings describe, with the shipped roots first. A hand-edited entry
    /// that no longer reads is an error naming it, never silently dropped.
    pub fn trust(&self) -> Result<Trust, TrustError> {
        let keys = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, pem)| read_key(pem).map_err(|e| e.at(format!("public key {}", i + 1))))
            .collect::<Result<_, _>>()?;
        let identities = self
            .identities
            .iter()
            .map(IdentitySetting::identity)
            .collect::<Result<_, _>>()?;
        let mut roots = TrustedRoot::shipped();
        for root in &self.roots {
            roots.push(read_root(&root.name, &root.json)?);
        }
        let notation = self
            .notation
            .as_ref()
            .map(NotationSetting::trust)
            .transpose()?;
        Ok(Trust {
            keys,
            identities,
            roots,
            notation,
        })
    }

    /// Adds a public key; the same key twice is kept once. Returns its id (`sha256:` of its DER).
    pub fn add_key(&mut self, pem: &str) -> Result<String, TrustError> {
        let key = read_key(pem).map_err(|e| e.at("the public key".to_string()))?;
        let id = key.id().to_string();
        let known = self
            .keys
            .iter()
            .any(|k| read_key(k).is_ok_and(|k| k.id() == id));
        if !known {
            self.keys.push(pem.trim().to_string() + "\n");
        }
        Ok(id)
    }

    /// Adds a keyless signer once; its patterns must compile.
    pub fn add_identity(&mut self, identity: IdentitySetting) -> Result<(), TrustError> {
        identity.identity()?;
        if !self.identities.contains(&identity) {
            self.identities.push(identity);
        }
        Ok(())
    }

    /// Adds a trusted root under `name`, replacing one of the same name.
    pub fn add_root(&mut self, name: &str, json: &str) -> Result<(), TrustError> {
        read_root(name, json)?;
        self.roots.retain(|r| r.name != name);
        self.roots.push(RootSetting {
            name: name.to_string(),
            json: json.to_string(),
        });
        Ok(())
    }
}

impl NotationSetting {
    /// Reads a trust store folder and a trust policy as `stowage verify --trust-store
    /// --trust-policy` does, keeping the certificates of the stores the policy names.
    pub fn read(store_dir: &Path, policy_json: &str) -> Result<NotationSetting, TrustError> {
        let trust = NotationTrust::read(store_dir, policy_json)?;
        let stores = trust
            .stores
            .iter()
            .map(|(name, ders)| {
                let pems = ders.iter().map(|d| pem_encode("CERTIFICATE", d)).collect();
                (name.clone(), pems)
            })
            .collect();
        Ok(NotationSetting {
            policy: policy_json.to_string(),
            stores,
        })
    }

    /// The notation trust these settings describe. A store whose PEM no longer reads, or a
    /// policy naming a store with no certificate, is an error naming it.
    pub fn trust(&self) -> Result<NotationTrust, TrustError> {
        let mut stores = BTreeMap::new();
        for (name, pems) in &self.stores {
            let mut ders = Vec::new();
            for pem in pems {
                ders.extend(pem_blocks(pem, "CERTIFICATE").map_err(|e| TrustError {
                    what: format!("trust store {name}"),
                    detail: e.to_string(),
                })?);
            }
            stores.insert(name.clone(), ders);
        }
        NotationTrust::new(&self.policy, stores)
    }
}

impl IdentitySetting {
    /// The identity to match certificates against; an error names the pattern that does not
    /// compile.
    pub fn identity(&self) -> Result<Identity, TrustError> {
        let pattern = |value: &str, regexp: bool, what: &str| {
            if value.trim().is_empty() {
                return Err(TrustError {
                    what: what.to_string(),
                    detail: "is empty".to_string(),
                });
            }
            if regexp {
                Pattern::regex(value).map_err(|detail| TrustError {
                    what: format!("{what} regular expression"),
                    detail,
                })
            } else {
                Ok(Pattern::Exact(value.to_string()))
            }
        };
        Ok(Identity {
            identity: pattern(&self.identity, self.identity_regexp, "the identity")?,
            issuer: pattern(&self.issuer, self.issuer_regexp, "the OIDC issuer")?,
        })
    }
}

fn read_key(pem: &str) -> Result<PublicKey, TrustError> {
    PublicKey::from_pem(pem).map_err(|e| TrustError {
        what: "the public key".to_string(),
        detail: e.to_string(),
    })
}

fn read_root(name: &str, json: &str) -> Result<TrustedRoot, TrustError> {
    TrustedRoot::from_json(name, json).map_err(|detail| TrustError {
        what: format!("trusted root {name}"),
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = include_str!("../../tests/fixtures/signature/keys/p256.pub.pem");

    fn signer(identity: &str, regexp: bool) -> IdentitySetting {
        IdentitySetting {
            identity: identity.to_string(),
            identity_regexp: regexp,
            issuer: "https://token.actions.githubusercontent.com".to_string(),
            issuer_regexp: false,
        }
    }

    #[test]
    fn entries_are_checked_when_added_and_kept_once() {
        let mut settings = TrustSettings::default();
        let id = settings.add_key(KEY).unwrap();
        assert!(id.starts_with("sha256:"), "{id}");
        assert_eq!(settings.add_key(&format!("\n{KEY}\n")).unwrap(), id);
        assert_eq!(settings.keys.len(), 1);
        let e = settings.add_key("not a key").unwrap_err();
        assert_eq!(e.what, "the public key");

        settings
            .add_identity(signer("https://github.com/org/.*", true))
            .unwrap();
        settings
            .add_identity(signer("https://github.com/org/.*", true))
            .unwrap();
        assert_eq!(settings.identities.len(), 1);
        let e = settings.add_identity(signer("(open", true)).unwrap_err();
        assert_eq!(e.what, "the identity regular expression");
        let e = settings.add_identity(signer("  ", false)).unwrap_err();
        assert_eq!(e.to_string(), "the identity: is empty");

        let e = settings.add_root("mine.json", "{}").unwrap_err();
        assert_eq!(e.what, "trusted root mine.json");
        assert!(settings.roots.is_empty());
    }

    #[test]
    fn the_trust_built_from_settings_has_the_shipped_roots_and_every_entry() {
        let mut settings = TrustSettings::default();
        settings.add_key(KEY).unwrap();
        settings
            .add_identity(signer("dev@example.com", false))
            .unwrap();
        let trust = settings.trust().unwrap();
        assert_eq!(trust.keys.len(), 1);
        assert!(trust.identities[0].matches(
            "dev@example.com",
            "https://token.actions.githubusercontent.com"
        ));
        let names: Vec<_> = trust.roots.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Sigstore public good", "GitHub's Sigstore"]);

        // A hand-edited file that breaks an entry names it.
        settings
            .keys
            .push("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".into());
        let e = settings.trust().err().expect("a broken key");
        assert_eq!(e.what, "public key 2");
    }

    #[test]
    fn settings_round_trip_through_json() {
        let mut settings = TrustSettings::default();
        settings.add_key(KEY).unwrap();
        settings.add_identity(signer("a@b.c", false)).unwrap();
        let text = serde_json::to_string(&settings).unwrap();
        assert!(text.contains("\"identityRegexp\":false"), "{text}");
        let back: TrustSettings = serde_json::from_str(&text).unwrap();
        assert_eq!(back, settings);
        let empty: TrustSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, TrustSettings::default());
    }
}
