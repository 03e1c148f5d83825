//! The artifact manifest a push sends, built by one function for the preview and the push alike, so the bytes shown are the bytes sent.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::Serialize;

use super::{Plan, PushRequest, CREATED_ANNOTATION};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::helm::CONFIG_MEDIA_TYPE;
use crate::manifest::media_type::{OCI_EMPTY, OCI_MANIFEST};
use crate::manifest::Descriptor;
use crate::signature::DateTime;

/// The config of every pushed artifact: the empty descriptor's content.
pub(super) const EMPTY_CONFIG: &[u8] = b"{}";

/// The artifact manifest, serialised once: these are the bytes hashed and sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactManifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    /// None for a Helm chart, which is typed by its config as `helm push` types it.
    #[serde(skip_serializing_if = "Option::is_none")]
    artifact_type: Option<&'a str>,
    config: Descriptor,
    layers: Vec<Descriptor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a Descriptor>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

/// The manifest bytes for `plan`'s layers, whose digests and sizes are `blobs` (in order).
pub(super) fn artifact_manifest(
    request: &PushRequest,
    plan: &Plan,
    blobs: &[(Digest, u64)],
) -> Result<Bytes> {
    if blobs.len() != plan.layers.len() {
        return Err(Error::Internal(format!(
            "the manifest needs {} layer digests, {} were given",
            plan.layers.len(),
            blobs.len()
        )));
    }
    let layers = plan
        .layers
        .iter()
        .zip(blobs)
        .map(|(layer, (digest, size))| {
            let mut d = Descriptor::new(&layer.media_type, digest.clone(), *size);
            d.annotations = layer.annotations.clone();
            d
        })
        .collect();
    let mut annotations = plan
        .chart
        .as_ref()
        .map(|c| c.annotations.clone())
        .unwrap_or_default();
    annotations.extend(request.annotations.clone());
    if request.created && !annotations.contains_key(CREATED_ANNOTATION) {
        // The plan's time, so that a preview and its push agree; a plan made for a request
        // without `created` has none, and then it is now.
        let created = plan.created.clone().unwrap_or_else(|| DateTime::now().text);
        annotations.insert(CREATED_ANNOTATION.into(), created);
    }
    let manifest = ArtifactManifest {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        artifact_type: plan.chart.is_none().then_some(plan.artifact_type.as_str()),
        config: config_descriptor(plan),
        layers,
        subject: request.subject.as_ref(),
        annotations,
    };
    let bytes = serde_json::to_vec(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Bytes::from(bytes))
}

/// The config blob's bytes: the empty descriptor's `{}`, or a chart's metadata.
pub(super) fn config_bytes(plan: &Plan) -> Bytes {
    match &plan.chart {
        Some(chart) => chart.config.clone(),
        None => Bytes::from_static(EMPTY_CONFIG),
    }
}

fn config_descriptor(plan: &Plan) -> Descriptor {
    let bytes = config_bytes(plan);
    let media_type = if plan.chart.is_some() {
        CONFIG_MEDIA_TYPE
    } else {
        OCI_EMPTY
    };
    Descriptor::new(media_type, Digest::sha256_of(&bytes), bytes.len() as u64)
}
