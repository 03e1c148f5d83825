//! SPDX 2.2/2.3 (JSON, YAML, tag-value) and SPDX 3.0 (JSON-LD) into the SBOM model.
//!
//! JSON and YAML share SPDX 2's serde structs ([`v2`]); those and tag-value share the assembly
//! of what was read into the model ([`v2_model`]). SPDX 3's graph is read by [`v3_graph`].

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::sbom::model::stated;

pub mod json;
pub mod tag_value;
pub mod v3;
pub mod yaml;

mod v2;
mod v2_model;
mod v2_package;
mod v3_graph;

/// A string borrowed from the bytes where the encoding allows (JSON without escapes, plain
/// YAML scalars), else owned. A YAML scalar is taken as written: `versionInfo: 1.0` unquoted
/// is "1.0", not the number 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn stated(self) -> Option<String> {
        stated(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}
