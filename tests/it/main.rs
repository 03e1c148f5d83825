//! Integration tests of the core against Debian's real docker-registry and real peers.

// The test kit (tests/kit), known here as the harness these tests stand on.
use stowage_testkit as harness;

mod cli;
mod faults;
mod graph;
mod helm;
mod hostile;
mod image;
mod inspect;
mod keyring;
mod kit_selftest;
mod layout;
mod local;
mod ops;
mod preview;
mod read;
mod remount;
mod sbom_cyclonedx;
mod sbom_find;
mod sbom_spdx;
mod support;
mod upload;
mod verify;
mod verify_keyless;
mod verify_kinds;
mod verify_notation;
