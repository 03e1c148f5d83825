//! What is inside an image: its config read for people, its layers beside the build steps that
//! made them, and (in `files`) the files the layers hold.

pub mod config;
pub mod files;

use serde::Serialize;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{media_type, Descriptor, ImageManifest, Manifest};
use crate::ops::inspect;
use crate::store::Store;

pub use config::{EnvVar, HistoryEntry, ImageConfig};

/// Configs are small (a few KiB; long histories reach a few hundred); this bounds a hostile one.
const MAX_CONFIG_BYTES: usize = 8 * 1024 * 1024;

const TITLE: &str = "org.opencontainers.image.title";

/// One image: which manifest, its config, and its layers with the step that made each.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageDescription {
    /// The image manifest described (a platform's, when an index was named).
    pub manifest: Digest,
    /// The index it was picked from, with every platform it offers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<Digest>,
    /// Every runnable platform that index offers (`os/arch[/variant]`); empty without one.
    pub platforms: Vec<String>,
    /// The digest of the image's config blob.
    pub config_digest: Digest,
    /// The image config, read for people.
    pub config: ImageConfig,
    /// The manifest's layers, bottom first.
    pub layers: Vec<ImageLayer>,
    /// The history, each step with the layer it made (None for steps that made none).
    pub steps: Vec<Step>,
    /// False when the history's non-empty steps do not line up one to one with the layers (a
    /// squashed or hand-made image): steps are then shown without layers.
    pub history_matches_layers: bool,
    /// The layers' compressed sizes, summed.
    pub compressed_size: u64,
}

/// One layer as the manifest lists it, with what the config says of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageLayer {
    /// The layer's blob digest (of the compressed bytes, for a compressed layer).
    pub digest: Digest,
    /// The layer's media type, as the manifest states it.
    pub media_type: String,
    /// The blob's size in bytes, as stored (compressed).
    pub size: u64,
    /// gzip, zstd, none (a plain tar) or unknown.
    pub compression: &'static str,
    /// The uncompressed digest the config lists for this layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff_id: Option<String>,
    /// The layer's `org.opencontainers.image.title` annotation: a file name, in artifacts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One entry of the config's history, with the layer it made.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The history entry as the config records it.
    #[serde(flatten)]
    pub entry: HistoryEntry,
    /// Index into the layers of the layer this step made.
    pub layer: Option<usize>,
}

/// The compression a layer media type says its bytes have.
pub fn compression_of(media: &str) -> &'static str {
    if media.ends_with("+gzip") || media.ends_with(".tar.gzip") || media == media_type::DOCKER_LAYER
    {
        "gzip"
    } else if media.ends_with("+zstd") {
        "zstd"
    } else if media.ends_with(".tar") || media.ends_with("rootfs.diff.tar") {
        "none"
    } else {
        "unknown"
    }
}

/// The image manifest `selector` names: itself, or from an index the one for `platform`
/// (`os/arch[/variant]`), else this machine's, else the first image it lists.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The digest of the image manifest chosen.
    pub digest: Digest,
    /// That manifest, parsed.
    pub manifest: ImageManifest,
    /// The index it was picked from, and every platform the index offers.
    pub index: Option<Digest>,
    /// Every runnable platform the index lists (`os/arch[/variant]`); empty without an index.
    pub platforms: Vec<String>,
}

/// Resolves `selector` in `store` to one image manifest (see [`Resolved`]). Attestation
/// manifests in an index (platform `unknown/unknown`) are never picked.
pub async fn resolve(store: &Store, selector: &str, platform: Option<&str>) -> Result<Resolved> {
    let fetched = store.fetch_manifest(selector).await?;
    let parsed = Manifest::parse(&fetched.bytes, Some(&fetched.media_type))
        .map_err(|e| Error::Invalid(format!("{selector}: the manifest does not parse: {e}")))?;
    match parsed {
        Manifest::Image(manifest) => Ok(Resolved {
            digest: fetched.digest,
            manifest,
            index: None,
            platforms: Vec::new(),
        }),
        Manifest::Index(ix) => {
            let images: Vec<&Descriptor> = ix
                .manifests
                .iter()
                .filter(|d| {
                    media_type::is_manifest(&d.media_type)
                        && !media_type::is_index(&d.media_type)
                        && is_runnable(d)
                })
                .collect();
            let platforms: Vec<String> = images
                .iter()
                .filter_map(|d| d.platform.as_ref().map(|p| p.to_string()))
                .collect();
            let chosen = pick_platform(&images, platform).ok_or_else(|| Error::NotFound {
                what: match platform {
                    Some(p) => format!(
                        "platform {p} in {selector} (it has {})",
                        platforms.join(", ")
                    ),
                    None => format!("an image in the index {selector}"),
                },
                url: store.name(),
            })?;
            let child = store.fetch_manifest(&chosen.digest.to_string()).await?;
            let parsed = Manifest::parse(&child.bytes, Some(&child.media_type)).map_err(|e| {
                Error::Invalid(format!(
                    "{}: the manifest does not parse: {e}",
                    child.digest
                ))
            })?;
            let Manifest::Image(manifest) = parsed else {
                return Err(Error::Invalid(format!(
                    "{}: an index inside an index is not an image",
                    child.digest
                )));
            };
            Ok(Resolved {
                digest: child.digest,
                manifest,
                index: Some(fetched.digest),
                platforms,
            })
        }
    }
}

/// Describes the image `selector` names in `store` (see [`resolve`] for indexes).
pub async fn describe(
    store: &Store,
    selector: &str,
    platform: Option<&str>,
) -> Result<ImageDescription> {
    let Resolved {
        digest,
        manifest: image,
        index,
        platforms,
    } = resolve(store, selector, platform).await?;
    if !media_type::is_image_config(&image.config.media_type) {
        return Err(Error::Invalid(format!(
            "{digest} is an artifact ({}), not an image: it has no image config",
            image
                .artifact_type
                .as_deref()
                .unwrap_or(&image.config.media_type)
        )));
    }
    let content = inspect::described(store, &image.config, MAX_CONFIG_BYTES).await?;
    if content.truncated {
        return Err(Error::Invalid(format!(
            "the config {} is over {} MiB: not read",
            image.config.digest,
            MAX_CONFIG_BYTES >> 20
        )));
    }
    let config = ImageConfig::parse(&content.bytes)?;
    Ok(assemble(
        digest,
        index,
        platforms,
        image.config.digest.clone(),
        config,
        &image.layers,
    ))
}

/// Attestation manifests in an index (BuildKit's `unknown/unknown`) are not images to run.
fn is_runnable(d: &Descriptor) -> bool {
    d.platform
        .as_ref()
        .is_none_or(|p| p.os != "unknown" && p.architecture != "unknown")
}

fn pick_platform<'a>(images: &[&'a Descriptor], wanted: Option<&str>) -> Option<&'a Descriptor> {
    let named = |p: &str| {
        images
            .iter()
            .find(|d| {
                d.platform.as_ref().is_some_and(|x| {
                    let s = x.to_string();
                    s == p || (x.variant.is_some() && format!("{}/{}", x.os, x.architecture) == p)
                })
            })
            .copied()
    };
    match wanted {
        Some(p) => named(p),
        None => named(&host_platform()).or_else(|| images.first().copied()),
    }
}

/// This machine's platform in OCI's words.
pub fn host_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    format!("linux/{arch}")
}

fn assemble(
    manifest: Digest,
    index: Option<Digest>,
    platforms: Vec<String>,
    config_digest: Digest,
    config: ImageConfig,
    layers: &[Descriptor],
) -> ImageDescription {
    let layers: Vec<ImageLayer> = layers
        .iter()
        .enumerate()
        .map(|(i, d)| ImageLayer {
            digest: d.digest.clone(),
            media_type: d.media_type.clone(),
            size: d.size,
            compression: compression_of(&d.media_type),
            diff_id: config.diff_ids.get(i).cloned(),
            title: d.annotations.get(TITLE).cloned(),
        })
        .collect();
    let made = config.history.iter().filter(|h| !h.empty_layer).count();
    let history_matches_layers = made == layers.len();
    let mut next = 0;
    let steps = config
        .history
        .iter()
        .map(|h| {
            let layer = (history_matches_layers && !h.empty_layer).then(|| {
                next += 1;
                next - 1
            });
            Step {
                entry: h.clone(),
                layer,
            }
        })
        .collect();
    ImageDescription {
        manifest,
        index,
        platforms,
        config_digest,
        compressed_size: layers.iter().map(|l| l.size).sum(),
        layers,
        steps,
        history_matches_layers,
        config,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(n: u8) -> Descriptor {
        Descriptor::new(
            media_type::OCI_LAYER_GZIP,
            Digest::sha256_of(&[n]),
            10 + n as u64,
        )
    }

    #[test]
    fn steps_get_the_layer_they_made_only_when_the_counts_line_up() {
        let config = ImageConfig::parse(
            br#"{"history":[{"created_by":"ADD a"},{"created_by":"ENV x","empty_layer":true},{"created_by":"RUN b"}],
                "rootfs":{"diff_ids":["sha256:11","sha256:22"]}}"#,
        )
        .unwrap();
        let d = Digest::sha256_of(b"m");
        let two = assemble(
            d.clone(),
            None,
            vec![],
            d.clone(),
            config.clone(),
            &[layer(1), layer(2)],
        );
        assert!(two.history_matches_layers);
        let made: Vec<Option<usize>> = two.steps.iter().map(|s| s.layer).collect();
        assert_eq!(made, [Some(0), None, Some(1)]);
        assert_eq!(two.layers[1].diff_id.as_deref(), Some("sha256:22"));
        assert_eq!(two.compressed_size, 23);
        assert_eq!(two.layers[0].compression, "gzip");

        let squashed = assemble(d.clone(), None, vec![], d, config, &[layer(1)]);
        assert!(!squashed.history_matches_layers);
        assert!(squashed.steps.iter().all(|s| s.layer.is_none()));
    }

    #[test]
    fn compression_follows_the_media_type() {
        assert_eq!(
            compression_of("application/vnd.oci.image.layer.v1.tar+zstd"),
            "zstd"
        );
        assert_eq!(
            compression_of("application/vnd.oci.image.layer.v1.tar"),
            "none"
        );
        assert_eq!(
            compression_of("application/vnd.docker.image.rootfs.diff.tar.gzip"),
            "gzip"
        );
        assert_eq!(compression_of("application/octet-stream"), "unknown");
    }
}
