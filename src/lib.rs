//! Stowage's core: the OCI distribution protocol, credentials, and the artifact graph.
//!
//! Layers, each using only those above it: [`reference`](mod@reference) and [`digest`] (names),
//! [`transport`] (HTTP, TLS, retries), [`auth`] (challenges, tokens, credential stores),
//! [`registry`] (the distribution API), [`layout`] and [`local`] (OCI layouts, the app's Local
//! store), [`store`] (one interface over both), [`pack`], [`image`], [`helm`], [`sbom`],
//! [`signature`] and [`graph`] (what content is, for people), [`ops`] (the use cases: push, pull,
//! copy, delete). docs/architecture.md draws them. No Tauri here.

pub mod allocator;
pub mod atomic;
pub mod auth;
pub mod cache;
pub mod config;
pub mod digest;
pub mod error;
#[cfg(fuzzing)]
pub mod fuzz;
pub mod graph;
pub mod helm;
pub mod image;
pub mod known_blobs;
pub mod layout;
pub mod local;
pub mod location;
pub mod log;
pub mod manifest;
pub mod ops;
pub mod pack;
pub mod reference;
pub mod registry;
pub mod sbom;
pub mod signature;
pub mod store;
pub mod transfer;
pub mod transport;

pub use digest::Digest;
pub use error::{Error, ErrorCode, Result};
pub use reference::Reference;
