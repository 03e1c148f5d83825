//! Integration-test harness: real registries, spec-faithful test servers, fault proxies and peer tools.
// Each test module uses a different part of the harness, so unused items are expected.
#![allow(dead_code, unused_imports)]

mod collector;
mod fault_proxy;
mod forward;
mod peers;
mod pki;
mod push;
mod referrers_front;
mod registry;
mod token_issuer;

pub use collector::{Collected, Collector};
pub use fault_proxy::{Fault, FaultProxy, SIGNED_QUERY_SECRET};
pub use forward::{RequestCounts, MANIFEST_ACCEPT};
pub use peers::{
    layout_ref, oras_pull, oras_push, peer, python, skopeo_copy_all, umoci_multiarch_layout,
    MULTIARCH_TAG,
};
pub use pki::Leaf;
pub use push::{push_blob, push_manifest, Desc, Pusher, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST};
pub use referrers_front::ReferrersFront;
pub use registry::{client_trusting, RegistryAuth, TestRegistry};
pub use token_issuer::TokenIssuer;
