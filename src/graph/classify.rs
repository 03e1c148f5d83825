//! What a node is, for people: index, image, signature, SBOM, attestation, helm chart, wasm, …

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::manifest::{media_type, Manifest};

/// What a node of the graph is, for people: the label and badge a view gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// An image index (or Docker manifest list) whose artifactType says nothing more.
    Index,
    /// A container image: an image config, and no artifactType.
    Image,
    /// A signature: cosign, notation, or a sigstore bundle.
    Signature,
    /// A software bill of materials (SPDX, CycloneDX, syft, …).
    Sbom,
    /// An in-toto attestation, such as SLSA provenance.
    Attestation,
    /// A Helm chart, as `helm push` stores it.
    HelmChart,
    /// A WebAssembly module.
    Wasm,
    /// Any other manifest: an artifact of another kind (Homebrew bottle, Tekton bundle, Flux, SIF)
    /// or of an unknown one.
    Artifact,
    /// A manifest's config blob.
    Config,
    /// A manifest's layer, or any other blob that is not a manifest.
    Layer,
}

/// A kind and, where known, the format within it (`cosign`, `notation`, `sigstore-bundle`,
/// `spdx`, `cyclonedx`, `in-toto`, `slsa-provenance`; for artifacts `homebrew`, `tekton`,
/// `flux`, `sif`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// What the node is.
    pub kind: NodeKind,
    /// The format within the kind, where one is known.
    pub format: Option<&'static str>,
}

const fn class(kind: NodeKind, format: Option<&'static str>) -> Classification {
    Classification { kind, format }
}

pub const BUILDX_REFERENCE_TYPE: &str = "vnd.docker.reference.type";
pub const BUILDX_REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";
const IN_TOTO_PREDICATE: &str = "in-toto.io/predicate-type";

/// Classifies by one type string (an artifactType, config or layer media type).
pub fn classify_type(t: &str) -> Option<Classification> {
    use NodeKind::*;
    let t = t.split(';').next().unwrap_or(t).trim().to_ascii_lowercase();
    let c = match t.as_str() {
        "application/vnd.dev.cosign.artifact.sig.v1+json"
        | "application/vnd.dev.cosign.simplesigning.v1+json" => class(Signature, Some("cosign")),
        "application/vnd.cncf.notary.signature" => class(Signature, Some("notation")),
        s if s.starts_with("application/vnd.dev.sigstore.bundle") => {
            class(Signature, Some("sigstore-bundle"))
        }
        "application/spdx+json" | "text/spdx" | "text/spdx+json" | "application/spdx" => {
            class(Sbom, Some("spdx"))
        }
        s if s.starts_with("application/vnd.cyclonedx") => class(Sbom, Some("cyclonedx")),
        "application/vnd.syft+json" => class(Sbom, Some("syft")),
        "application/vnd.dev.cosign.artifact.sbom.v1+json" => class(Sbom, None),
        "application/vnd.in-toto+json" | "application/vnd.dsse.envelope.v1+json" => {
            class(Attestation, Some("in-toto"))
        }
        "application/vnd.dev.cosign.artifact.att.v1+json" => class(Attestation, Some("in-toto")),
        s if s.contains("slsa") => class(Attestation, Some("slsa-provenance")),
        "application/vnd.cncf.helm.config.v1+json"
        | "application/vnd.cncf.helm.chart.content.v1.tar+gzip" => class(HelmChart, None),
        "application/vnd.cncf.flux.config.v1+json"
        | "application/vnd.cncf.flux.content.v1.tar+gzip" => class(Artifact, Some("flux")),
        "application/vnd.sylabs.sif.config.v1+json" | "application/vnd.sylabs.sif.layer.v1.sif" => {
            class(Artifact, Some("sif"))
        }
        "application/wasm"
        | "application/vnd.wasm.config.v0+json"
        | "application/vnd.module.wasm.config.v1+json"
        | "application/vnd.wasm.content.layer.v1+wasm" => class(Wasm, None),
        _ => return None,
    };
    Some(c)
}

/// Classifies a parsed manifest: its artifact type first, then its config, then its layers.
pub fn classify_manifest(manifest: &Manifest) -> Classification {
    use NodeKind::*;
    match manifest {
        Manifest::Index(index) => index
            .artifact_type
            .as_deref()
            .and_then(classify_type)
            .unwrap_or(class(Index, None)),
        Manifest::Image(m) => {
            if m.annotations.get(BUILDX_REFERENCE_TYPE).map(String::as_str)
                == Some("attestation-manifest")
                || m.layers
                    .iter()
                    .any(|l| l.annotations.contains_key(IN_TOTO_PREDICATE))
            {
                return classify_buildx_attestation(&m.layers);
            }
            if let Some(c) = m.artifact_type.as_deref().and_then(classify_type) {
                return c;
            }
            // Homebrew bottles are images by their config; their annotations say otherwise.
            if m.annotations.keys().any(|k| k.starts_with("sh.brew.")) {
                return class(Artifact, Some("homebrew"));
            }
            if m.layers
                .iter()
                .any(|l| l.annotations.contains_key("dev.tekton.image.kind"))
            {
                return class(Artifact, Some("tekton"));
            }
            if let Some(c) = classify_type(&m.config.media_type) {
                return c;
            }
            // cosign writes an image config with signature layers, so layers speak before it.
            if let Some(c) = m.layers.iter().find_map(|l| classify_type(&l.media_type)) {
                return c;
            }
            let is_image_config = m.config.media_type == media_type::OCI_CONFIG
                || m.config.media_type == media_type::DOCKER_CONFIG;
            if is_image_config && m.artifact_type.is_none() {
                class(Image, None)
            } else {
                class(Artifact, None)
            }
        }
    }
}

/// in-toto predicate types of SBOMs: `https://spdx.dev/Document[/vX]`,
/// `https://cyclonedx.org/bom[/vX]`, and the short forms older cosign writes.
pub fn is_sbom_predicate(predicate_type: &str) -> bool {
    let t = predicate_type.to_ascii_lowercase();
    t.contains("spdx") || t.contains("cyclonedx")
}

/// buildx attestation manifests carry in-toto statements whose predicate type says what they are.
fn classify_buildx_attestation(layers: &[crate::manifest::Descriptor]) -> Classification {
    let predicates: Vec<&str> = layers
        .iter()
        .filter_map(|l| l.annotations.get(IN_TOTO_PREDICATE).map(String::as_str))
        .collect();
    let format = if predicates.iter().any(|p| p.contains("slsa.dev/provenance")) {
        "slsa-provenance"
    } else if predicates.iter().any(|p| p.contains("spdx")) {
        "spdx"
    } else if predicates.iter().any(|p| p.contains("cyclonedx")) {
        "cyclonedx"
    } else {
        "in-toto"
    };
    class(NodeKind::Attestation, Some(format))
}

/// Classifies what only a descriptor tells (before or without fetching the manifest).
pub fn classify_descriptor(
    media: &str,
    artifact_type: Option<&str>,
    annotations: &BTreeMap<String, String>,
) -> Classification {
    if annotations.get(BUILDX_REFERENCE_TYPE).map(String::as_str) == Some("attestation-manifest") {
        return class(NodeKind::Attestation, Some("in-toto"));
    }
    if let Some(c) = artifact_type.and_then(classify_type) {
        return c;
    }
    if media_type::is_index(media) {
        class(NodeKind::Index, None)
    } else if media_type::is_manifest(media) {
        class(NodeKind::Artifact, None)
    } else {
        class(NodeKind::Layer, None)
    }
}

/// cosign's tag suffixes say what the tag holds.
pub fn classify_cosign_suffix(suffix: &str) -> Classification {
    match suffix {
        "sig" => class(NodeKind::Signature, Some("cosign")),
        "att" => class(NodeKind::Attestation, Some("in-toto")),
        _ => class(NodeKind::Sbom, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::EMPTY_JSON_DIGEST;

    fn image(
        artifact_type: Option<&str>,
        config: &str,
        layers: &[(&str, &[(&str, &str)])],
    ) -> Manifest {
        let layers: Vec<serde_json::Value> = layers
            .iter()
            .map(|(t, ann)| {
                let ann: serde_json::Map<String, serde_json::Value> =
                    ann.iter().map(|(k, v)| (k.to_string(), (*v).into())).collect();
                serde_json::json!({"mediaType": t, "digest": EMPTY_JSON_DIGEST, "size": 2, "annotations": ann})
            })
            .collect();
        let mut v = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media_type::OCI_MANIFEST,
            "config": {"mediaType": config, "digest": EMPTY_JSON_DIGEST, "size": 2},
            "layers": layers,
        });
        if let Some(t) = artifact_type {
            v["artifactType"] = t.into();
        }
        Manifest::parse(&serde_json::to_vec(&v).unwrap(), None).unwrap()
    }

    #[test]
    fn images_and_artifacts() {
        let m = image(
            None,
            media_type::OCI_CONFIG,
            &[("application/vnd.oci.image.layer.v1.tar+gzip", &[])],
        );
        assert_eq!(classify_manifest(&m).kind, NodeKind::Image);
        let m = image(
            Some("application/vnd.example+type"),
            media_type::OCI_EMPTY,
            &[],
        );
        assert_eq!(classify_manifest(&m).kind, NodeKind::Artifact);
    }

    #[test]
    fn signatures_sboms_attestations() {
        let cases = [
            (
                "application/vnd.cncf.notary.signature",
                NodeKind::Signature,
                Some("notation"),
            ),
            (
                "application/vnd.dev.sigstore.bundle.v0.3+json",
                NodeKind::Signature,
                Some("sigstore-bundle"),
            ),
            ("application/spdx+json", NodeKind::Sbom, Some("spdx")),
            (
                "application/vnd.cyclonedx+json",
                NodeKind::Sbom,
                Some("cyclonedx"),
            ),
            (
                "application/vnd.in-toto+json",
                NodeKind::Attestation,
                Some("in-toto"),
            ),
        ];
        for (t, kind, format) in cases {
            let c = classify_manifest(&image(Some(t), media_type::OCI_EMPTY, &[]));
            assert_eq!((c.kind, c.format), (kind, format), "{t}");
        }
    }

    #[test]
    fn cosign_by_config_and_layer() {
        let m = image(
            None,
            "application/vnd.oci.image.config.v1+json",
            &[("application/vnd.dev.cosign.simplesigning.v1+json", &[])],
        );
        // cosign writes an image config with a simple-signing layer: still a signature.
        assert_eq!(classify_manifest(&m).kind, NodeKind::Signature);
        let m = image(None, "application/vnd.dev.cosign.artifact.sig.v1+json", &[]);
        assert_eq!(classify_manifest(&m).format, Some("cosign"));
    }

    #[test]
    fn artifacts_of_the_field_say_what_they_are() {
        let flux = image(None, "application/vnd.cncf.flux.config.v1+json", &[]);
        assert_eq!(
            classify_manifest(&flux),
            class(NodeKind::Artifact, Some("flux"))
        );
        let sif = image(None, "application/vnd.sylabs.sif.config.v1+json", &[]);
        assert_eq!(
            classify_manifest(&sif),
            class(NodeKind::Artifact, Some("sif"))
        );
        let bottle: Manifest = Manifest::parse(
            br#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
                "layers":[],"annotations":{"sh.brew.bottle.digest":"abc","org.opencontainers.image.title":"wget 1.24.5"}}"#,
            None,
        )
        .unwrap();
        assert_eq!(
            classify_manifest(&bottle),
            class(NodeKind::Artifact, Some("homebrew"))
        );
        let tekton: Manifest = Manifest::parse(
            br#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.cdk8s.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
                "layers":[{"mediaType":"application/vnd.cdk8s.layer.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,
                "annotations":{"dev.tekton.image.kind":"task","dev.tekton.image.name":"git-clone"}}]}"#,
            None,
        )
        .unwrap();
        assert_eq!(
            classify_manifest(&tekton),
            class(NodeKind::Artifact, Some("tekton"))
        );
    }

    #[test]
    fn helm_and_wasm_by_config() {
        let m = image(None, "application/vnd.cncf.helm.config.v1+json", &[]);
        assert_eq!(classify_manifest(&m).kind, NodeKind::HelmChart);
        let m = image(
            None,
            "application/vnd.wasm.config.v0+json",
            &[("application/wasm", &[])],
        );
        assert_eq!(classify_manifest(&m).kind, NodeKind::Wasm);
    }

    #[test]
    fn buildx_provenance_by_predicate() {
        let m = image(
            None,
            media_type::OCI_CONFIG,
            &[(
                "application/vnd.in-toto+json",
                &[(IN_TOTO_PREDICATE, "https://slsa.dev/provenance/v0.2")],
            )],
        );
        let c = classify_manifest(&m);
        assert_eq!(
            (c.kind, c.format),
            (NodeKind::Attestation, Some("slsa-provenance"))
        );
    }
}
