//! The use cases: push, attach, pull, copy and delete artifacts, between any two stores.

pub mod copy;
pub mod delete;
pub mod fallback;
pub mod inspect;
pub mod pull;
pub mod push;
pub mod sign_in;
