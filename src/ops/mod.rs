//! The use cases: push, attach, pull, copy and delete artifacts, between any two stores.

pub mod fallback;
pub mod push;
pub mod pull;
pub mod copy;
pub mod delete;
