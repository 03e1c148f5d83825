//! Stowage's test kit, shared by the integration tests (tests/it), the end-to-end tests
//! (tests/e2e), the shell's command tests and the benchmarks (bench/): Debian's real
//! docker-registry started on a loopback port, and what no installable server does, each
//! following the spec and sitting in front of the real registry (a token issuer, the Referrers
//! API, injected faults); the peer tools (skopeo, umoci, oras-py); the app's driver
//! (WebDriver, real drag-and-drop) for the end-to-end tests; and, for the benchmarks, their big
//! artifact graph and the writer of the rows of data bench/report renders.

pub mod app;
pub mod bench_graph;
pub mod bench_rows;
mod collector;
pub mod drag;
mod fault_proxy;
mod forward;
pub mod lean_front;
mod peers;
mod pki;
mod push;
mod referrers_front;
mod registry;
mod token_issuer;
pub mod webdriver;

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
