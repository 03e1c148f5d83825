//! Notation's own trust, as the Notary Project specifies it: a trust store of CA (and
//! signing-authority) certificates in named folders, and a trust policy saying, per registry
//! scope, which stores and which certificate subjects are trusted and how strictly. The check of
//! a notation signature against them is in [`verify`].

mod policy;
mod verify;

use std::collections::BTreeMap;
use std::path::Path;

use super::pem::pem_blocks;
use super::TrustError;

pub use policy::{Level, PolicyStatement, TrustPolicy};
pub(super) use verify::verify;

/// A trust store and a trust policy. Certificates are kept as DER, by store
/// (`ca:acme`, `signingAuthority:acme`), as the policy names them.
#[derive(Debug, Clone)]
pub struct NotationTrust {
    /// Each store's certificates, DER, under the name the policy gives the store.
    pub stores: BTreeMap<String, Vec<Vec<u8>>>,
    /// The trust policy: which stores and subjects each registry scope trusts, how strictly.
    pub policy: TrustPolicy,
}

impl NotationTrust {
    /// Reads a trust store folder laid out as notation's (`x509/ca/NAME/*.pem|crt|cer`, also
    /// without the `x509` level) and a `trustpolicy.json`. Every store the policy names must be
    /// there with at least one certificate: a policy that trusts an empty store trusts nothing,
    /// and saying so now beats every signature failing later.
    pub fn read(store_dir: &Path, policy_json: &str) -> Result<NotationTrust, TrustError> {
        let policy = TrustPolicy::parse(policy_json)?;
        let root = if store_dir.join("x509").is_dir() {
            store_dir.join("x509")
        } else {
            store_dir.to_path_buf()
        };
        let mut stores = BTreeMap::new();
        for store in policy.store_names()? {
            let (kind, name) = store.split_once(':').unwrap_or_default();
            let dir = root.join(kind).join(name);
            stores.insert(store, read_certificates(&dir)?);
        }
        NotationTrust::new(policy_json, stores)
    }

    /// A policy and the certificates (DER) of each store it names, as saved settings keep them.
    pub fn new(
        policy_json: &str,
        stores: BTreeMap<String, Vec<Vec<u8>>>,
    ) -> Result<NotationTrust, TrustError> {
        let policy = TrustPolicy::parse(policy_json)?;
        for store in policy.store_names()? {
            if stores.get(&store).is_none_or(Vec::is_empty) {
                return Err(problem(
                    format!("trust store {store}"),
                    "holds no certificate".to_string(),
                ));
            }
        }
        Ok(NotationTrust { stores, policy })
    }
}

/// Every certificate of the PEM (or DER) files in `dir`, in name order.
fn read_certificates(dir: &Path) -> Result<Vec<Vec<u8>>, TrustError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| problem(format!("trust store {}", dir.display()), e.to_string()))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut certificates = Vec::new();
    for file in files {
        let bytes =
            std::fs::read(&file).map_err(|e| problem(file.display().to_string(), e.to_string()))?;
        match std::str::from_utf8(&bytes) {
            Ok(text) if text.contains("-----BEGIN") => certificates.extend(
                pem_blocks(text, "CERTIFICATE")
                    .map_err(|e| problem(file.display().to_string(), e.to_string()))?,
            ),
            _ => certificates.push(bytes),
        }
    }
    Ok(certificates)
}

fn problem(what: String, detail: String) -> TrustError {
    TrustError { what, detail }
}
