//! User settings that are not secrets: per-registry transport options, what signatures are
//! verified against, and where Stowage keeps its files; and the caps on what a registry or a
//! layout can make unbounded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::signature::TrustSettings;

/// Caps on what a registry can make unbounded (manifest size, pages and entries of a listing),
/// applied to layouts too since their files come from anywhere.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest manifest (or page of a referrers answer) read, in bytes.
    pub max_manifest_bytes: u64,
    /// The most pages followed through `Link` headers in one tag, catalog or referrers listing.
    pub max_pages: usize,
    /// The most entries (tags, repositories or referrers) one listing may gather in all.
    pub max_listed: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: 4 * 1024 * 1024,
            max_pages: 10_000,
            max_listed: 1_000_000,
        }
    }
}

/// What the user told us about one registry. Secrets never live here; they are in the OS keyring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrySettings {
    /// Speak plain HTTP (only ever by the user's choice, or for loopback hosts).
    #[serde(default)]
    pub insecure: bool,
    /// A PEM file with extra CA certificates trusted for this registry only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// The account last signed in with, to show in lists without asking the keyring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// The contents of `settings.json`: per-registry options, and what signatures are verified
/// against. Secrets never live here; they are in the OS keyring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Options for each registry, keyed by its normalised name (`ghcr.io`, `host:5000`).
    #[serde(default)]
    pub registries: BTreeMap<String, RegistrySettings>,
    /// The keys, keyless identities and trusted roots signatures are verified against.
    #[serde(default)]
    pub trust: TrustSettings,
}

impl Settings {
    /// Reads `settings.json`; a missing file is empty settings, a malformed one is an error
    /// (silently dropping a user's CA or insecure flag would be worse).
    pub fn load(path: &Path) -> Result<Settings> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Config {
                path: path.to_path_buf(),
                detail: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Writes the whole file or nothing (see [`crate::atomic`]).
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::Invalid(e.to_string()))?;
        crate::atomic::write(path, &bytes)
    }

    /// The options for `registry`, or the defaults (HTTPS, system CAs) if none were saved.
    pub fn registry(&self, registry: &str) -> RegistrySettings {
        self.registries.get(registry).cloned().unwrap_or_default()
    }
}

/// Where Stowage keeps its files: the platform's config, cache and data folders, each overridable
/// by an environment variable (`STOWAGE_CONFIG_DIR`, `STOWAGE_CACHE_DIR`, `STOWAGE_DATA_DIR`) so
/// tests and portable setups never touch the user's real folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dirs {
    /// Holds the user's settings (`settings.json`) and the app's saved state.
    pub config: PathBuf,
    /// Holds what can be rebuilt or fetched again: caches, indexes and scratch files.
    pub cache: PathBuf,
    /// Holds the user's own content, which cannot be fetched again: the Local store.
    pub data: PathBuf,
}

impl Dirs {
    /// The folders from the `STOWAGE_*_DIR` variables, falling back to the platform's defaults;
    /// fails only when neither is available (no home folder).
    pub fn from_env() -> Result<Dirs> {
        let project = directories::ProjectDirs::from("dev", "Stowage", "stowage");
        let pick = |var: &str, default: Option<&Path>| -> Result<PathBuf> {
            match std::env::var_os(var) {
                Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
                _ => default
                    .map(Path::to_path_buf)
                    .ok_or_else(|| Error::Invalid(format!("no home folder found; set {var}"))),
            }
        };
        Ok(Dirs {
            config: pick(
                "STOWAGE_CONFIG_DIR",
                project.as_ref().map(|p| p.config_dir()),
            )?,
            cache: pick("STOWAGE_CACHE_DIR", project.as_ref().map(|p| p.cache_dir()))?,
            data: pick("STOWAGE_DATA_DIR", project.as_ref().map(|p| p.data_dir()))?,
        })
    }

    /// The user's settings (see [`Settings::load`]).
    pub fn settings_file(&self) -> PathBuf {
        self.config.join("settings.json")
    }

    /// The manifest cache's folder (see [`crate::cache::ManifestCache`]).
    pub fn manifest_cache(&self) -> PathBuf {
        self.cache.join("manifests")
    }

    /// Where blobs were seen and what local files hash to (see [`crate::known_blobs`]).
    pub fn known_blobs(&self) -> PathBuf {
        self.cache.join("known-blobs")
    }

    /// The Local store: one OCI layout per repository (see [`crate::local::LocalStore`]).
    pub fn local_store(&self) -> PathBuf {
        self.data.join("local")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_empty_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let mut s = Settings::default();
        s.registries.insert(
            "reg.example:5000".into(),
            RegistrySettings {
                insecure: true,
                ca_file: Some("/ca.pem".into()),
                username: Some("me".into()),
            },
        );
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), s);
        assert!(s.registry("reg.example:5000").insecure);
        assert!(!s.registry("other").insecure);
    }

    #[test]
    fn malformed_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{not json").unwrap();
        let err = Settings::load(&path).unwrap_err();
        assert!(err.to_string().contains("settings.json"), "{err}");
    }
}
