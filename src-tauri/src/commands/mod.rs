//! The IPC commands: each parses, calls the core (or `sources`), and converts. Nothing longer.

pub mod browse;
pub mod export;
pub mod files;
pub mod graph;
pub mod helm;
pub mod image;
pub mod manage;
pub mod pick;
pub mod push;
pub mod sbom;
pub mod signature;
pub mod sources;
pub mod transfer;
pub mod trust;

use crate::dto::AppError;

/// What every command returns: errors reach the UI as `{ code, message }`.
pub type Answer<T> = std::result::Result<T, AppError>;
