//! Integration tests of the core against Debian's real docker-registry and real peers.

mod harness;
mod graph;
mod harness_selftest;
mod read;
mod support;
