//! An image's config and layers as the details panel shows them.

use serde::{Deserialize, Serialize};
use stowage::{helm, image};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImageSummary {
    pub manifest: String,
    /// Every platform of the index it was picked from (empty for a lone image).
    pub platforms: Vec<String>,
    pub platform: Option<String>,
    pub config_digest: String,
    pub created: Option<String>,
    pub author: Option<String>,
    pub user: Option<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<KeyValue>,
    pub working_dir: Option<String>,
    pub exposed_ports: Vec<String>,
    pub volumes: Vec<String>,
    pub labels: Vec<KeyValue>,
    pub stop_signal: Option<String>,
    pub layers: Vec<ImageLayer>,
    pub steps: Vec<BuildStep>,
    pub history_matches_layers: bool,
    #[ts(type = "number")]
    pub compressed_size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImageLayer {
    pub digest: String,
    pub media_type: String,
    #[ts(type = "number")]
    pub size: u64,
    pub compression: String,
    pub diff_id: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BuildStep {
    pub created: Option<String>,
    pub created_by: Option<String>,
    pub comment: Option<String>,
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
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub home: Option<String>,
    pub maintainers: Vec<String>,
    pub dependencies: Vec<ChartDependency>,
    pub chart_yaml: String,
    pub values_yaml: Option<String>,
    pub readme: Option<String>,
    pub templates: Vec<String>,
    pub subcharts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChartDependency {
    pub name: String,
    pub version: String,
    pub repository: String,
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
