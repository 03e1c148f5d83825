//! The use cases: push, attach, pull, copy and delete artifacts, between any two stores.
