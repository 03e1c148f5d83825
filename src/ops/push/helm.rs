//! A chart pushed as `helm push` lays it out: the chart's metadata as the config, the chart
//! and its provenance file as the layers (with no titles), the chart's annotations, and its
//! version as the tag; so `helm pull oci://…` reads it.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::{PlannedLayer, PushRequest};
use crate::error::{Error, Result};
use crate::helm::{self, CHART_MEDIA_TYPE, CONFIG_MEDIA_TYPE, PROV_MEDIA_TYPE};

/// What a chart push adds to a plan.
#[derive(Debug, Clone)]
pub struct ChartPlan {
    /// The config blob: Chart.yaml as Helm serialises it.
    pub config: Bytes,
    /// The manifest annotations Helm writes (its creation time is the plan's).
    pub annotations: BTreeMap<String, String>,
    /// The chart's version, as a tag.
    pub tag: String,
}

/// A chart plan when the request is a chart `.tgz` (with, optionally, its `.prov` file) and
/// asks for no other artifact type; the layers get Helm's media types and lose their titles.
pub(super) fn chart_plan(
    request: &PushRequest,
    layers: &mut [PlannedLayer],
) -> Result<Option<ChartPlan>> {
    let wants_chart = request
        .artifact_type
        .as_deref()
        .is_none_or(|t| t == CONFIG_MEDIA_TYPE);
    let chart_at = layers.iter().position(|l| l.media_type == CHART_MEDIA_TYPE);
    let (true, Some(chart_at), 1..=2) = (wants_chart, chart_at, layers.len()) else {
        return Ok(None);
    };
    let prov_at = (0..layers.len()).find(|&i| i != chart_at);
    if let Some(i) = prov_at {
        if !layers[i].title.ends_with(".prov") {
            return Ok(None);
        }
    }
    let file = std::fs::File::open(&layers[chart_at].path)
        .map_err(|e| Error::io(&layers[chart_at].path, e))?;
    let chart = helm::read_chart(std::io::BufReader::new(file))
        .map_err(|e| Error::Invalid(format!("{}: {e}", layers[chart_at].path.display())))?;
    // Helm puts the chart first, the provenance after; neither carries a title.
    if chart_at != 0 {
        layers.swap(0, chart_at);
    }
    for layer in layers.iter_mut() {
        layer.annotations.clear();
    }
    if let Some(prov) = layers.get_mut(1) {
        prov.media_type = PROV_MEDIA_TYPE.to_string();
    }
    Ok(Some(ChartPlan {
        config: Bytes::from(chart.metadata.config_json()?),
        annotations: chart.metadata.annotations(""),
        tag: chart.metadata.tag(),
    }))
}
