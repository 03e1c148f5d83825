//! Helm charts: a packaged chart read for people (Chart.yaml, values.yaml, templates,
//! dependencies), and the config and annotations `helm push` gives its OCI manifest, so that
//! `helm pull oci://…` reads what Stowage pushed.
//!
//! The config is Chart.yaml's metadata as Helm serialises it: Go's `encoding/json` over Helm's
//! `Metadata` struct (fields in its order, empty ones left out, map keys sorted, `<`, `>` and
//! `&` escaped), after Helm's own clean-up of its strings.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};

/// The media type of a chart manifest's config blob: Chart.yaml's metadata as JSON.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// The media type of the chart layer: the `.tgz` that `helm package` writes.
pub const CHART_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// The media type of the provenance layer: the chart's signed `.prov` file, when pushed.
pub const PROV_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";

/// Helm refuses charts that expand past 100 MiB, and files past 5 MiB; so do we.
const MAX_CHART_BYTES: u64 = 100 << 20;
const MAX_FILE_BYTES: u64 = 5 << 20;
const MAX_ENTRIES: usize = 100_000;

/// Chart.yaml, in the order and with the names of Helm's `Metadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartMetadata {
    /// The chart's name; Helm requires it, and so does [`read_chart`].
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// The URL of the project's home page.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub home: String,
    /// URLs of the project's source; the first becomes the manifest's `source` annotation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The chart's SemVer 2 version, required; its tag when pushed ([`ChartMetadata::tag`]).
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub version: String,
    /// A one-sentence description of the chart.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub description: String,
    /// Words to find the chart by in a search.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The people who maintain the chart; they make the manifest's `authors` annotation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    /// The URL of an SVG or PNG image to show for the chart.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub icon: String,
    /// The chart API version: "v2" for Helm 3 charts, "v1" for older ones.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub api_version: String,
    /// The values path Helm checks to enable the chart, kept because Helm's `Metadata` has it.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub condition: String,
    /// The tags Helm checks to enable the chart, one string as in Helm's `Metadata`.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub tags: String,
    /// The version of the application the chart installs: free text, not necessarily SemVer.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub app_version: String,
    /// Whether the chart is marked deprecated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The chart's own annotations, copied to the manifest's (but for its title and version).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The SemVer range of Kubernetes versions the chart supports, e.g. ">=1.22.0-0".
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub kube_version: String,
    /// The charts this chart depends on (Helm 2 listed them in requirements.yaml).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    /// The chart's `type`: "application" or "library".
    #[serde(
        default,
        rename = "type",
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub kind: String,
}

/// A chart maintainer as Chart.yaml lists one (Helm's `Maintainer`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintainer {
    /// The maintainer's name: a person or an organisation.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// The maintainer's email address.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub email: String,
    /// A URL for the maintainer.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub url: String,
}

/// A dependency as Helm's `Dependency` has it: name and repository always written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// The name of the chart depended on.
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    /// The version or SemVer range of the chart depended on ("17.x", "~1.2.3").
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub version: String,
    /// Where the chart depended on comes from: a repository URL, `oci://…`, `file://…` or an
    /// `@alias`; empty when it is bundled under `charts/`.
    #[serde(default, deserialize_with = "text")]
    pub repository: String,
    /// A values path (or several, comma-separated) to a boolean that enables the dependency,
    /// e.g. "redis.enabled".
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub condition: String,
    /// Tags that enable or disable the dependency together with others that share them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Whether Helm loads the dependency; Helm sets it from the condition and tags.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enabled: bool,
    /// Chart.yaml's `import-values`: the dependency's values to import into the parent's, each
    /// a key or a child/parent pair, so kept as JSON.
    #[serde(
        default,
        rename = "import-values",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub import_values: Vec<serde_json::Value>,
    /// The name the chart knows the dependency by, in place of the dependency's own.
    #[serde(
        default,
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub alias: String,
}

/// YAML writes `version: 1.0` as a number; Helm reads such scalars as their text.
fn text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Int(i64),
        Float(f64),
        Bool(bool),
    }
    Ok(match Option::<Scalar>::deserialize(d)? {
        None => String::new(),
        Some(Scalar::Text(s)) => s,
        Some(Scalar::Int(n)) => n.to_string(),
        Some(Scalar::Float(f)) => f.to_string(),
        Some(Scalar::Bool(b)) => b.to_string(),
    })
}

/// A packaged chart, read for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Chart {
    /// Chart.yaml parsed, cleaned up as Helm does when it loads a chart.
    pub metadata: ChartMetadata,
    /// Chart.yaml as written.
    pub chart_yaml: String,
    /// values.yaml as written (the chart's default values), when the chart has one.
    pub values_yaml: Option<String>,
    /// README.md as written, when the chart has one.
    pub readme: Option<String>,
    /// Paths under `templates/`.
    pub templates: Vec<String>,
    /// Charts bundled under `charts/`.
    pub subcharts: Vec<String>,
    /// Every file, relative to the chart's folder.
    pub files: Vec<String>,
}

/// Reads a chart `.tgz` (as `helm package` writes it: one top folder holding Chart.yaml).
pub fn read_chart(tgz: impl Read) -> Result<Chart> {
    let gz = flate2::read::GzDecoder::new(tgz).take(MAX_CHART_BYTES + 1);
    let mut archive = tar::Archive::new(gz);
    let mut top: Option<String> = None;
    let (mut chart_yaml, mut values, mut readme) = (None, None, None);
    let mut files = Vec::new();
    let entries = archive.entries().map_err(not_a_chart)?;
    for entry in entries {
        let mut entry = entry.map_err(not_a_chart)?;
        if files.len() >= MAX_ENTRIES {
            return Err(Error::Invalid(format!(
                "the chart holds more than {MAX_ENTRIES} files"
            )));
        }
        if !matches!(
            entry.header().entry_type(),
            tar::EntryType::Regular | tar::EntryType::Continuous
        ) {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let parts: Vec<&str> = name
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if parts.contains(&"..") || parts.len() < 2 {
            return Err(Error::Invalid(format!(
                "the chart has a file outside its folder: {name:?}"
            )));
        }
        let first = parts[0].to_string();
        match &top {
            None => top = Some(first),
            Some(t) if *t != first => {
                return Err(Error::Invalid(format!(
                    "a chart holds one folder; this one also has {first:?}"
                )))
            }
            Some(_) => {}
        }
        let rel = parts[1..].join("/");
        let wanted = matches!(rel.as_str(), "Chart.yaml" | "values.yaml" | "README.md");
        if wanted {
            if entry.size() > MAX_FILE_BYTES {
                return Err(Error::Invalid(format!(
                    "{rel} in the chart is over {} MiB",
                    MAX_FILE_BYTES >> 20
                )));
            }
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(|e| {
                Error::Invalid(format!("{rel} in the chart is not UTF-8 text: {e}"))
            })?;
            match rel.as_str() {
                "Chart.yaml" => chart_yaml = Some(text),
                "values.yaml" => values = Some(text),
                _ => readme = Some(text),
            }
        }
        files.push(rel);
    }
    let chart_yaml = chart_yaml
        .ok_or_else(|| Error::Invalid("the archive has no Chart.yaml: not a Helm chart".into()))?;
    let mut metadata: ChartMetadata = serde_yaml_ng::from_str(&chart_yaml)
        .map_err(|e| Error::Invalid(format!("the chart's Chart.yaml does not parse: {e}")))?;
    metadata.clean();
    if metadata.name.is_empty() || metadata.version.is_empty() {
        return Err(Error::Invalid(
            "the chart's Chart.yaml lacks its name or version".into(),
        ));
    }
    let under = |dir: &str| -> Vec<String> {
        files
            .iter()
            .filter_map(|f| f.strip_prefix(dir).map(str::to_string))
            .collect()
    };
    let templates = under("templates/");
    let mut subcharts: Vec<String> = under("charts/")
        .into_iter()
        .filter_map(|f| f.split('/').next().map(str::to_string))
        .collect();
    subcharts.dedup();
    Ok(Chart {
        metadata,
        chart_yaml,
        values_yaml: values,
        readme,
        templates,
        subcharts,
        files,
    })
}

/// Reads the chart a pushed manifest (`selector`) holds: its chart layer, read whole (Helm caps
/// charts far below what that costs) and verified.
pub async fn read_pushed(store: &crate::store::Store, selector: &str) -> Result<Chart> {
    use crate::manifest::Manifest;
    let fetched = store.fetch_manifest(selector).await?;
    let Ok(Manifest::Image(m)) = Manifest::parse(&fetched.bytes, Some(&fetched.media_type)) else {
        return Err(Error::Invalid(format!(
            "{selector} is not a chart's manifest"
        )));
    };
    let layer = m
        .layers
        .iter()
        .find(|l| l.media_type == CHART_MEDIA_TYPE)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{selector} has no chart layer ({CHART_MEDIA_TYPE})"
            ))
        })?;
    let content = crate::ops::inspect::described(store, layer, MAX_CHART_BYTES as usize).await?;
    if content.truncated {
        return Err(Error::Invalid(format!(
            "the chart {} is over {} MiB: not read",
            layer.digest,
            MAX_CHART_BYTES >> 20
        )));
    }
    read_chart(&content.bytes[..])
}

fn not_a_chart(e: std::io::Error) -> Error {
    Error::Invalid(format!("not a readable chart archive (tar+gzip): {e}"))
}

impl ChartMetadata {
    /// Helm's clean-up when it loads a chart: white space becomes a space, what cannot be
    /// printed goes.
    fn clean(&mut self) {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = printable(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = printable(s);
        }
        for m in &mut self.maintainers {
            m.name = printable(&m.name);
            m.email = printable(&m.email);
            m.url = printable(&m.url);
        }
    }

    /// The config blob `helm push` writes.
    pub fn config_json(&self) -> Result<Vec<u8>> {
        let json = serde_json::to_string(self).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(go_escape(&json).into_bytes())
    }

    /// The manifest annotations `helm push` writes: what the chart says of itself, then its own
    /// annotations (which may not change its title or version).
    pub fn annotations(&self, created: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut add = |k: &str, v: &str| {
            if !v.trim().is_empty() {
                out.insert(format!("org.opencontainers.image.{k}"), v.to_string());
            }
        };
        add("description", &self.description);
        add("title", &self.name);
        add("version", &self.version);
        add("url", &self.home);
        add("created", created);
        if let Some(source) = self.sources.first() {
            add("source", source);
        }
        let authors: Vec<String> = self
            .maintainers
            .iter()
            .map(|m| match (m.name.is_empty(), m.email.is_empty()) {
                (_, true) => m.name.clone(),
                (true, false) => format!(" ({})", m.email),
                (false, false) => format!("{} ({})", m.name, m.email),
            })
            .collect();
        add("authors", &authors.join(", "));
        for (k, v) in &self.annotations {
            if k != "org.opencontainers.image.title" && k != "org.opencontainers.image.version" {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }

    /// The tag `helm push` gives: the version, `+` written `_` (tags cannot hold `+`).
    pub fn tag(&self) -> String {
        self.version.replace('+', "_")
    }
}

fn printable(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Go's `encoding/json` escapes these inside strings (they only occur inside strings in JSON).
fn go_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(files: &[(&str, &str)]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        {
            let mut tar = tar::Builder::new(&mut gz);
            for (name, text) in files {
                let mut h = tar::Header::new_gnu();
                h.set_size(text.len() as u64);
                h.set_mode(0o644);
                h.set_cksum();
                tar.append_data(&mut h, name, text.as_bytes()).unwrap();
            }
            tar.finish().unwrap();
        }
        gz.finish().unwrap()
    }

    const CHART_YAML: &str = "apiVersion: v2\nname: demo\nversion: 1.2.3+build.4\nappVersion: 1.16\n\
description: \"A <small>\\tdemo & more\"\nhome: https://example.com\nsources: [https://github.com/example/demo]\n\
maintainers:\n  - name: Ada\n    email: ada@example.com\n  - name: Bob\n\
annotations:\n  org.opencontainers.image.title: ignored\n  example.com/team: blue\n\
dependencies:\n  - name: redis\n    version: 17.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n    condition: redis.enabled\n\
type: application\n";

    #[test]
    fn a_chart_reads_and_its_config_is_what_helm_marshals() {
        let chart = read_chart(
            &tgz(&[
                ("demo/Chart.yaml", CHART_YAML),
                ("demo/values.yaml", "replicas: 2\n"),
                ("demo/templates/deployment.yaml", "kind: Deployment\n"),
                ("demo/templates/_helpers.tpl", "{{/* */}}\n"),
                ("demo/charts/redis/Chart.yaml", "name: redis\n"),
            ])[..],
        )
        .unwrap();
        assert_eq!(chart.templates, ["deployment.yaml", "_helpers.tpl"]);
        assert_eq!(chart.subcharts, ["redis"]);
        assert_eq!(chart.values_yaml.as_deref(), Some("replicas: 2\n"));
        let config = String::from_utf8(chart.metadata.config_json().unwrap()).unwrap();
        assert_eq!(
            config,
            concat!(
                r#"{"name":"demo","home":"https://example.com","sources":["https://github.com/example/demo"],"#,
                r#""version":"1.2.3+build.4","description":"A \u003csmall\u003e demo \u0026 more","#,
                r#""maintainers":[{"name":"Ada","email":"ada@example.com"},{"name":"Bob"}],"#,
                r#""apiVersion":"v2","appVersion":"1.16","#,
                r#""annotations":{"example.com/team":"blue","org.opencontainers.image.title":"ignored"},"#,
                r#""dependencies":[{"name":"redis","version":"17.x","repository":"oci://registry-1.docker.io/bitnamicharts","condition":"redis.enabled"}],"#,
                r#""type":"application"}"#
            )
        );
        let a = chart.metadata.annotations("2026-12-06T00:00:00Z");
        assert_eq!(a["org.opencontainers.image.title"], "demo");
        assert_eq!(a["org.opencontainers.image.version"], "1.2.3+build.4");
        assert_eq!(
            a["org.opencontainers.image.authors"],
            "Ada (ada@example.com), Bob"
        );
        assert_eq!(
            a["org.opencontainers.image.source"],
            "https://github.com/example/demo"
        );
        assert_eq!(a["example.com/team"], "blue");
        assert_eq!(chart.metadata.tag(), "1.2.3_build.4");
    }

    #[test]
    fn what_is_not_a_chart_says_why() {
        let no_chart = read_chart(&tgz(&[("demo/values.yaml", "a: 1\n")])[..]).unwrap_err();
        assert!(no_chart.to_string().contains("no Chart.yaml"), "{no_chart}");
        let two = read_chart(&tgz(&[("a/Chart.yaml", CHART_YAML), ("b/x", "")])[..]).unwrap_err();
        assert!(two.to_string().contains("one folder"), "{two}");
        assert!(read_chart(&b"not gzip"[..]).is_err());
    }
}
