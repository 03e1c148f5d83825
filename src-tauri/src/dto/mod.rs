//! Every type that crosses IPC, in one place. `ui/src/ipc/bindings.ts` is generated from these
//! (see `bindings::tests`), so the UI and the shell cannot drift apart silently.

mod browse;
mod files;
mod graph;
mod image;
mod push;
mod sbom;
mod signature;
mod transfer;
mod trust;

pub use browse::*;
pub use files::*;
pub use graph::*;
pub use image::*;
pub use push::*;
pub use sbom::*;
pub use signature::*;
pub use transfer::*;
pub use trust::*;

use serde::{Deserialize, Serialize};
use stowage::ErrorCode;
use ts_rs::TS;

/// What every failed command rejects with: the core's error code (`forbidden` when the webview
/// asked for a path the user never gave Stowage, see `grants`) and the message to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppError {
    /// The stable code the UI branches on, e.g. `not_found` or `unauthorized`.
    pub code: ErrorCode,
    /// The human-readable reason, shown to the user as it is.
    pub message: String,
}

impl From<stowage::Error> for AppError {
    fn from(e: stowage::Error) -> Self {
        AppError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl AppError {
    /// A request the shell refuses as asked (bad input, a refused trust change), code `invalid`.
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError {
            code: ErrorCode::Invalid,
            message: message.into(),
        }
    }

    /// A failure of the shell's own (a task that panicked), not of what the user asked.
    pub fn internal(message: impl Into<String>) -> AppError {
        AppError {
            code: ErrorCode::Internal,
            message: message.into(),
        }
    }

    /// A path the webview named that the user never gave Stowage (see `grants`).
    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError {
            code: ErrorCode::Forbidden,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;
    use stowage::graph;

    use super::*;

    #[test]
    fn graph_events_are_tagged_and_camel_cased_as_the_bindings_say() {
        let node = GraphNode::from(graph::Node {
            id: "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
                .parse()
                .unwrap(),
            kind: graph::NodeKind::HelmChart,
            format: None,
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            artifact_type: Some("application/vnd.cncf.helm.config.v1+json".into()),
            size: 1 << 40,
            annotations: BTreeMap::new(),
            platform: Some(stowage::manifest::Platform {
                architecture: "arm64".into(),
                os: "linux".into(),
                os_version: None,
                variant: Some("v8".into()),
            }),
            tags: vec!["v1".into()],
            error: None,
        });
        let event = GraphEvent::Nodes {
            nodes: vec![node],
            edges: vec![],
        };
        let value = serde_json::to_value(&event).unwrap();
        assert_eq!(value["type"], "nodes");
        let node = &value["nodes"][0];
        assert_eq!(node["kind"], "helm-chart");
        assert_eq!(node["platform"], "linux/arm64/v8");
        assert_eq!(node["size"], json!(1u64 << 40));
        assert_eq!(
            node["artifactType"],
            "application/vnd.cncf.helm.config.v1+json"
        );
        assert!(
            node["format"].is_null(),
            "absent fields are null, as the bindings declare"
        );
        let warning = serde_json::to_value(GraphEvent::Warning {
            message: "m".into(),
        })
        .unwrap();
        assert_eq!(warning, json!({"type": "warning", "message": "m"}));
    }

    #[test]
    fn core_errors_keep_their_code_and_message() {
        let e = stowage::Error::Unauthorized {
            registry: "r.example".into(),
            username: Some("ann".into()),
            detail: "bad password".into(),
        };
        let message = e.to_string();
        let value = serde_json::to_value(AppError::from(e)).unwrap();
        assert_eq!(value, json!({"code": "unauthorized", "message": message}));
    }
}
