//! An image's config and layers as the details panel shows them.

use serde::{Deserialize, Serialize};
use stowage::{helm, image};
use ts_rs::TS;

/// One image as its details show it: which manifest, its config read for people, and its
/// layers with the build step that made each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImageSummary {
    /// The image manifest's digest (a platform's, when an index was opened).
    pub manifest: String,
    /// Every platform of the index it was picked from (empty for a lone image).
    pub platforms: Vec<String>,
    /// `os/architecture[/variant]` as the config states it; `None` when it does not.
    pub platform: Option<String>,
    /// The digest of the image's config blob.
    pub config_digest: String,
    /// When the image was made, as stated (RFC 3339).
    pub created: Option<String>,
    /// Who made the image, as stated.
    pub author: Option<String>,
    /// Who the container runs as (`user`, `uid`, `user:group`, `uid:gid`); `None` when unset.
    pub user: Option<String>,
    /// `Entrypoint`: the start of the command a container runs, before `cmd`.
    pub entrypoint: Vec<String>,
    /// `Cmd`: the default arguments after the entrypoint, or the whole command without one.
    pub cmd: Vec<String>,
    /// The environment variables set in the container, in the config's order.
    pub env: Vec<KeyValue>,
    /// The folder the container's process starts in; `None` when unset.
    pub working_dir: Option<String>,
    /// Ports the config exposes (`80/tcp`), sorted.
    pub exposed_ports: Vec<String>,
    /// Paths the config declares as volumes, sorted.
    pub volumes: Vec<String>,
    /// The image's labels (`org.opencontainers.image.*` and others), sorted by key.
    pub labels: Vec<KeyValue>,
    /// The signal that stops the container ("SIGTERM", "SIGQUIT"), as stated.
    pub stop_signal: Option<String>,
    /// The manifest's layers, bottom first.
    pub layers: Vec<ImageLayer>,
    /// The config's history, oldest first, including steps that made no layer.
    pub steps: Vec<BuildStep>,
    /// False when the history's non-empty steps do not line up one to one with the layers (a
    /// squashed or hand-made image): steps are then shown without layers.
    pub history_matches_layers: bool,
    /// The layers' compressed sizes summed, in bytes.
    #[ts(type = "number")]
    pub compressed_size: u64,
}

/// One environment variable or label of the config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyValue {
    /// The variable's or label's name (an environment entry's text before its first `=`).
    pub key: String,
    /// Its value; empty when an environment entry has no `=`.
    pub value: String,
}

/// One layer as the manifest lists it, with what the config says of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImageLayer {
    /// The layer's blob digest (of the compressed bytes, for a compressed layer).
    pub digest: String,
    /// The layer's media type, as the manifest states it.
    pub media_type: String,
    /// The blob's size in bytes, as stored (compressed).
    #[ts(type = "number")]
    pub size: u64,
    /// `gzip`, `zstd`, `none` (a plain tar) or `unknown`, as the media type says.
    pub compression: String,
    /// The uncompressed digest the config lists for this layer; `None` when it lists none.
    pub diff_id: Option<String>,
    /// The layer's `org.opencontainers.image.title` annotation: a file name, in artifacts.
    pub title: Option<String>,
}

/// One build step as the config's history records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BuildStep {
    /// When the step ran, as stated (RFC 3339).
    pub created: Option<String>,
    /// The command that made the step, as the builder recorded it (often a Dockerfile line).
    pub created_by: Option<String>,
    /// A note the builder left on the step.
    pub comment: Option<String>,
    /// The step made no layer (an ENV, a CMD).
    pub empty_layer: bool,
    /// Index into `layers` of the layer this step made.
    pub layer: Option<u32>,
}

impl From<image::ImageDescription> for ImageSummary {
    fn from(d: image::ImageDescription) -> Self {
        let c = d.config;
        ImageSummary {
            manifest: d.manifest.to_string(),
            platforms: d.platforms,
            platform: c.platform(),
            config_digest: d.config_digest.to_string(),
            created: c.created,
            author: c.author,
            user: c.user,
            entrypoint: c.entrypoint,
            cmd: c.cmd,
            env: c
                .env
                .into_iter()
                .map(|e| KeyValue {
                    key: e.name,
                    value: e.value,
                })
                .collect(),
            working_dir: c.working_dir,
            exposed_ports: c.exposed_ports,
            volumes: c.volumes,
            labels: c
                .labels
                .into_iter()
                .map(|(key, value)| KeyValue { key, value })
                .collect(),
            stop_signal: c.stop_signal,
            layers: d
                .layers
                .into_iter()
                .map(|l| ImageLayer {
                    digest: l.digest.to_string(),
                    media_type: l.media_type,
                    size: l.size,
                    compression: l.compression.into(),
                    diff_id: l.diff_id,
                    title: l.title,
                })
                .collect(),
            steps: d
                .steps
                .into_iter()
                .map(|s| BuildStep {
                    created: s.entry.created,
                    created_by: s.entry.created_by,
                    comment: s.entry.comment,
                    empty_layer: s.entry.empty_layer,
                    layer: s.layer.map(|n| n as u32),
                })
                .collect(),
            history_matches_layers: d.history_matches_layers,
            compressed_size: d.compressed_size,
        }
    }
}

/// A chart as its details show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HelmChart {
    /// The chart's name, from Chart.yaml.
    pub name: String,
    /// The chart's SemVer 2 version, from Chart.yaml.
    pub version: String,
    /// The version of the application the chart installs: free text, not necessarily SemVer.
    pub app_version: Option<String>,
    /// A one-sentence description of the chart.
    pub description: Option<String>,
    /// The chart's `type`: "application" or "library"; `None` when Chart.yaml leaves it out.
    pub kind: Option<String>,
    /// The URL of the project's home page.
    pub home: Option<String>,
    /// The chart's maintainers, each as `name` or `name <email>`.
    pub maintainers: Vec<String>,
    /// The charts this chart depends on.
    pub dependencies: Vec<ChartDependency>,
    /// Chart.yaml as written.
    pub chart_yaml: String,
    /// values.yaml as written (the chart's default values); `None` when the chart has none.
    pub values_yaml: Option<String>,
    /// README.md as written; `None` when the chart has none.
    pub readme: Option<String>,
    /// Paths under `templates/`.
    pub templates: Vec<String>,
    /// Charts bundled under `charts/`.
    pub subcharts: Vec<String>,
}

/// A chart this chart depends on, as Chart.yaml lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChartDependency {
    /// The name of the chart depended on.
    pub name: String,
    /// The version or SemVer range of the chart depended on ("17.x", "~1.2.3").
    pub version: String,
    /// Where it comes from: a repository URL, `oci://…`, `file://…` or an `@alias`; empty when
    /// it is bundled under `charts/`.
    pub repository: String,
    /// A values path to a boolean that enables the dependency, e.g. "redis.enabled".
    pub condition: Option<String>,
}

impl From<helm::Chart> for HelmChart {
    fn from(c: helm::Chart) -> Self {
        let m = c.metadata;
        let some = |s: String| (!s.is_empty()).then_some(s);
        HelmChart {
            name: m.name,
            version: m.version,
            app_version: some(m.app_version),
            description: some(m.description),
            kind: some(m.kind),
            home: some(m.home),
            maintainers: m
                .maintainers
                .into_iter()
                .map(|x| match x.email.is_empty() {
                    true => x.name,
                    false => format!("{} <{}>", x.name, x.email),
                })
                .collect(),
            dependencies: m
                .dependencies
                .into_iter()
                .map(|d| ChartDependency {
                    name: d.name,
                    version: d.version,
                    repository: d.repository,
                    condition: some(d.condition),
                })
                .collect(),
            chart_yaml: c.chart_yaml,
            values_yaml: c.values_yaml,
            readme: c.readme,
            templates: c.templates,
            subcharts: c.subcharts,
        }
    }
}
