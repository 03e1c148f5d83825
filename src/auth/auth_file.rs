//! Reading Docker's config.json and podman's auth.json, which share the `auths` / `credHelpers`
//! layout, and turning their entries into credentials.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::Deserialize;

use crate::auth::secret::{Credential, Secret};
use crate::error::{Error, Result};
use crate::reference::normalize_registry;

/// Docker writes padded base64, other tools sometimes do not.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A parsed credential file. Not Debug: it holds secrets.
#[derive(Default)]
pub(crate) struct AuthFile {
    path: PathBuf,
    raw: RawFile,
}

#[derive(Default, Deserialize)]
struct RawFile {
    #[serde(default)]
    auths: Option<BTreeMap<String, Option<RawEntry>>>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: Option<BTreeMap<String, String>>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
}

#[derive(Default, Deserialize)]
struct RawEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    identitytoken: Option<String>,
    registrytoken: Option<String>,
}

impl AuthFile {
    /// Ok(None) when the file does not exist.
    pub(crate) fn read(path: &Path) -> Result<Option<AuthFile>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        AuthFile::parse(path, &text).map(Some)
    }

    pub(crate) fn parse(path: &Path, text: &str) -> Result<AuthFile> {
        // Docker treats an empty file as an empty config.
        if text.trim().is_empty() {
            return Ok(AuthFile {
                path: path.to_path_buf(),
                raw: RawFile::default(),
            });
        }
        let raw = serde_json::from_str(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            detail: json_error(&e),
        })?;
        Ok(AuthFile {
            path: path.to_path_buf(),
            raw,
        })
    }

    /// The credHelpers entry whose key names `registry`.
    pub(crate) fn helper_for(&self, registry: &str) -> Option<&str> {
        let helpers = self.raw.cred_helpers.as_ref()?;
        matching(helpers, registry)
            .into_iter()
            .map(|(_, name)| name.as_str())
            .find(|name| !name.is_empty())
    }

    pub(crate) fn creds_store(&self) -> Option<&str> {
        self.raw.creds_store.as_deref().filter(|s| !s.is_empty())
    }

    /// The credential of the first `auths` entry for `registry` that holds one (entries written
    /// alongside a credsStore are empty objects).
    pub(crate) fn credential_for(&self, registry: &str) -> Result<Option<Credential>> {
        let Some(auths) = &self.raw.auths else {
            return Ok(None);
        };
        for (key, entry) in matching(auths, registry) {
            if let Some(entry) = entry {
                if let Some(credential) = self.entry_credential(key, entry)? {
                    return Ok(Some(credential));
                }
            }
        }
        Ok(None)
    }

    fn entry_credential(&self, key: &str, entry: &RawEntry) -> Result<Option<Credential>> {
        let nonempty =
            |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(token) = nonempty(&entry.registrytoken) {
            return Ok(Some(Credential::RegistryToken(Secret::new(token))));
        }
        let (username, password) = match nonempty(&entry.auth) {
            Some(auth) => {
                let (u, p) = self.decode_auth(key, &auth)?;
                (Some(u).filter(|u| !u.is_empty()), Some(p))
            }
            None => (nonempty(&entry.username), nonempty(&entry.password)),
        };
        if let Some(token) = nonempty(&entry.identitytoken) {
            return Ok(Some(Credential::IdentityToken {
                username,
                token: Secret::new(token),
            }));
        }
        Ok(match (username, password) {
            (Some(username), Some(password)) => Some(Credential::Basic {
                username,
                password: Secret::new(password),
            }),
            _ => None,
        })
    }

    fn decode_auth(&self, key: &str, auth: &str) -> Result<(String, String)> {
        let bad = || Error::Config {
            path: self.path.clone(),
            detail: format!("auths.\"{key}\".auth is not the base64 of username:password"),
        };
        let bytes = BASE64.decode(auth.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (user, pass) = text.split_once(':').ok_or_else(bad)?;
        Ok((user.to_string(), pass.to_string()))
    }

    /// Registry names mentioned by `auths` and `credHelpers` keys, normalised, without the
    /// repository namespaces podman allows in keys (`quay.io/org`).
    pub(crate) fn registries(&self) -> Vec<String> {
        let auth_keys = self.raw.auths.iter().flat_map(|m| m.keys());
        let helper_keys = self.raw.cred_helpers.iter().flat_map(|m| m.keys());
        auth_keys
            .chain(helper_keys)
            .map(|key| host_of(&normalize_registry(key)).to_string())
            .filter(|name| !name.is_empty())
            .collect()
    }
}

fn host_of(normalised: &str) -> &str {
    normalised.split('/').next().unwrap_or(normalised)
}

/// Entries whose key normalises to `registry`, an exact key first.
fn matching<'m, V>(map: &'m BTreeMap<String, V>, registry: &str) -> Vec<(&'m str, &'m V)> {
    let exact = map.get_key_value(registry);
    let normalised = map
        .iter()
        .filter(|(k, _)| k.as_str() != registry && normalize_registry(k) == registry);
    exact
        .into_iter()
        .chain(normalised)
        .map(|(k, v)| (k.as_str(), v))
        .collect()
}

/// serde_json's data errors quote the offending value, which may be a secret: keep only where.
fn json_error(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => format!(
            "unexpected JSON structure at line {} column {}",
            e.line(),
            e.column()
        ),
        _ => format!("not valid JSON: {e}"),
    }
}
