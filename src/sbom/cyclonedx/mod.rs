//! CycloneDX 1.2-1.7 (JSON and XML) into the SBOM model, nested components flattened.

pub mod json;
pub mod xml;
