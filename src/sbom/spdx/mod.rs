//! SPDX 2.2/2.3 (JSON, YAML, tag-value) and SPDX 3.0 (JSON-LD) into the SBOM model.

pub mod json;
pub mod tag_value;
pub mod v3;
pub mod yaml;

mod v2;
