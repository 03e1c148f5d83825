//! The OCI image config (and Docker's, which it grew from) read for people: the platform, how a
//! container runs (entrypoint, cmd, env, user, ports, volumes, labels) and the build history.
//!
//! Parsed leniently: every field may be missing or null, as real configs have them, but a field
//! of the wrong type is refused with what was wrong rather than silently shown empty.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The fields of `application/vnd.oci.image.config.v1+json` people look for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageConfig {
    /// The operating system the image runs on, as Go names it ("linux", "windows").
    pub os: Option<String>,
    /// The CPU architecture, as Go names it ("amd64", "arm64").
    pub architecture: Option<String>,
    /// The CPU variant, for architectures that have them ("v7", "v8").
    pub variant: Option<String>,
    /// The config's `os.version`: the OS version the image needs (Windows builds, in practice).
    pub os_version: Option<String>,
    /// When the image was made, as stated (RFC 3339).
    pub created: Option<String>,
    /// Who made the image, as stated.
    pub author: Option<String>,
    /// Who the container runs as (`user`, `uid`, `user:group`, `uid:gid`); None when empty.
    pub user: Option<String>,
    /// `Entrypoint`: the start of the command a container runs, before [`ImageConfig::cmd`].
    pub entrypoint: Vec<String>,
    /// `Cmd`: the default arguments after the entrypoint, or the whole command without one.
    pub cmd: Vec<String>,
    /// The environment variables set in the container, in the config's order.
    pub env: Vec<EnvVar>,
    /// The folder the container's process starts in; None when empty.
    pub working_dir: Option<String>,
    /// Ports the config exposes (`80/tcp`), sorted.
    pub exposed_ports: Vec<String>,
    /// Paths the config declares as volumes, sorted.
    pub volumes: Vec<String>,
    /// The image's labels (`org.opencontainers.image.*` and others); a null value reads as empty.
    pub labels: BTreeMap<String, String>,
    /// The signal that stops the container ("SIGTERM", "SIGQUIT"), as stated.
    pub stop_signal: Option<String>,
    /// The uncompressed digest of each layer, bottom first.
    pub diff_ids: Vec<String>,
    /// The build steps, oldest first, including those that made no layer.
    pub history: Vec<HistoryEntry>,
}

/// One environment variable, the config's `NAME=value` split at its first `=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvVar {
    /// The variable's name: everything before the first `=`.
    pub name: String,
    /// The value after the first `=`; empty when the entry has no `=`.
    pub value: String,
}

/// One build step as the config records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// When the step ran, as stated (RFC 3339).
    pub created: Option<String>,
    /// The command that made the step, as the builder recorded it (often a Dockerfile line).
    pub created_by: Option<String>,
    /// A note the builder left on the step.
    pub comment: Option<String>,
    /// The step made no layer (an ENV, a CMD).
    pub empty_layer: bool,
}

impl ImageConfig {
    /// `os/architecture[/variant]`, when the config says.
    pub fn platform(&self) -> Option<String> {
        let (os, arch) = (self.os.as_deref()?, self.architecture.as_deref()?);
        Some(match &self.variant {
            Some(v) => format!("{os}/{arch}/{v}"),
            None => format!("{os}/{arch}"),
        })
    }

    /// What a container runs by default: entrypoint then cmd, as the runtime joins them.
    pub fn command(&self) -> Vec<String> {
        self.entrypoint.iter().chain(&self.cmd).cloned().collect()
    }

    /// Reads a config blob's JSON. Missing and null fields read as empty; a field of the wrong
    /// type is refused.
    pub fn parse(bytes: &[u8]) -> Result<ImageConfig> {
        let raw: Raw = serde_json::from_slice(bytes)
            .map_err(|e| Error::Invalid(format!("the image config does not parse: {e}")))?;
        let run = raw.config.unwrap_or_default();
        Ok(ImageConfig {
            os: raw.os,
            architecture: raw.architecture,
            variant: raw.variant,
            os_version: raw.os_version,
            created: raw.created,
            author: raw.author,
            user: run.user.filter(|u| !u.is_empty()),
            entrypoint: run.entrypoint.unwrap_or_default(),
            cmd: run.cmd.unwrap_or_default(),
            env: run
                .env
                .unwrap_or_default()
                .into_iter()
                .map(|e| match e.split_once('=') {
                    Some((name, value)) => EnvVar {
                        name: name.into(),
                        value: value.into(),
                    },
                    None => EnvVar {
                        name: e,
                        value: String::new(),
                    },
                })
                .collect(),
            working_dir: run.working_dir.filter(|w| !w.is_empty()),
            exposed_ports: keys(run.exposed_ports),
            volumes: keys(run.volumes),
            labels: run
                .labels
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.unwrap_or_default()))
                .collect(),
            stop_signal: run.stop_signal,
            diff_ids: raw.rootfs.and_then(|r| r.diff_ids).unwrap_or_default(),
            history: raw
                .history
                .unwrap_or_default()
                .into_iter()
                .map(|h| HistoryEntry {
                    created: h.created,
                    created_by: h.created_by,
                    comment: h.comment,
                    empty_layer: h.empty_layer.unwrap_or(false),
                })
                .collect(),
        })
    }
}

/// Ports and volumes are JSON objects whose values are always `{}`.
fn keys(map: Option<BTreeMap<String, serde_json::Value>>) -> Vec<String> {
    map.unwrap_or_default().into_keys().collect()
}

#[derive(Deserialize)]
struct Raw {
    created: Option<String>,
    author: Option<String>,
    architecture: Option<String>,
    os: Option<String>,
    variant: Option<String>,
    #[serde(rename = "os.version")]
    os_version: Option<String>,
    config: Option<RawRun>,
    rootfs: Option<RawRootfs>,
    history: Option<Vec<RawHistory>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct RawRun {
    user: Option<String>,
    exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    env: Option<Vec<String>>,
    entrypoint: Option<Vec<String>>,
    cmd: Option<Vec<String>>,
    volumes: Option<BTreeMap<String, serde_json::Value>>,
    working_dir: Option<String>,
    labels: Option<BTreeMap<String, Option<String>>>,
    stop_signal: Option<String>,
}

#[derive(Deserialize)]
struct RawRootfs {
    diff_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawHistory {
    created: Option<String>,
    created_by: Option<String>,
    comment: Option<String>,
    empty_layer: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_docker_config_reads_with_nulls_and_env_split_once() {
        let config = ImageConfig::parse(
            br#"{"architecture":"arm64","variant":"v8","os":"linux","created":"2024-06-20T17:45:52Z",
            "config":{"User":"","Env":["PATH=/usr/bin:/bin","EMPTY=","A=b=c","BARE"],
              "Entrypoint":null,"Cmd":["/bin/sh"],"WorkingDir":"/app",
              "ExposedPorts":{"8080/tcp":{},"53/udp":{}},"Volumes":{"/data":{}},
              "Labels":{"org.opencontainers.image.source":"https://example.com/x","n":null}},
            "rootfs":{"type":"layers","diff_ids":["sha256:aa"]},
            "history":[{"created_by":"ADD file:1 in /"},{"created_by":"CMD [\"/bin/sh\"]","empty_layer":true}]}"#,
        )
        .unwrap();
        assert_eq!(config.platform().as_deref(), Some("linux/arm64/v8"));
        assert_eq!(config.user, None);
        assert_eq!(config.command(), ["/bin/sh"]);
        assert_eq!(config.working_dir.as_deref(), Some("/app"));
        let env: Vec<(&str, &str)> = config
            .env
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            env,
            [
                ("PATH", "/usr/bin:/bin"),
                ("EMPTY", ""),
                ("A", "b=c"),
                ("BARE", "")
            ]
        );
        assert_eq!(config.exposed_ports, ["53/udp", "8080/tcp"]);
        assert_eq!(config.volumes, ["/data"]);
        assert_eq!(config.labels["n"], "");
        assert_eq!(config.diff_ids, ["sha256:aa"]);
        assert!(config.history[1].empty_layer);
        assert!(!config.history[0].empty_layer);
    }

    #[test]
    fn an_empty_object_is_an_empty_config_and_wrong_types_are_refused() {
        assert_eq!(ImageConfig::parse(b"{}").unwrap(), ImageConfig::default());
        let err = ImageConfig::parse(br#"{"config":{"Env":"PATH=/bin"}}"#).unwrap_err();
        assert!(err.to_string().contains("does not parse"), "{err}");
        assert!(ImageConfig::parse(b"[]").is_err());
    }
}
