//! One SPDX 2 package as the document states it, read by serde (JSON, YAML) or filled tag by
//! tag (tag-value), before the model ties it to the rest.

use serde::Deserialize;

use super::Text;

/// One package as SPDX 2 states it. Tag-value fills the same struct, tag by tag.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawPackage<'a> {
    #[serde(rename = "SPDXID", borrow)]
    pub spdx_id: Option<Text<'a>>,
    #[serde(borrow)]
    pub name: Option<Text<'a>>,
    #[serde(borrow)]
    pub version_info: Option<Text<'a>>,
    #[serde(borrow)]
    pub primary_package_purpose: Option<Text<'a>>,
    #[serde(borrow)]
    pub supplier: Option<Text<'a>>,
    #[serde(borrow)]
    pub originator: Option<Text<'a>>,
    #[serde(borrow)]
    pub download_location: Option<Text<'a>>,
    #[serde(borrow)]
    pub homepage: Option<Text<'a>>,
    #[serde(borrow)]
    pub license_concluded: Option<Text<'a>>,
    #[serde(borrow)]
    pub license_declared: Option<Text<'a>>,
    #[serde(borrow)]
    pub copyright_text: Option<Text<'a>>,
    #[serde(borrow)]
    pub description: Option<Text<'a>>,
    #[serde(borrow)]
    pub summary: Option<Text<'a>>,
    #[serde(borrow)]
    pub checksums: Option<Vec<RawChecksum<'a>>>,
    #[serde(borrow)]
    pub external_refs: Option<Vec<RawExternalRef<'a>>>,
    #[serde(borrow)]
    pub has_files: Option<Vec<Text<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawChecksum<'a> {
    #[serde(borrow)]
    pub algorithm: Text<'a>,
    #[serde(borrow)]
    pub checksum_value: Text<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawExternalRef<'a> {
    #[serde(borrow)]
    pub reference_category: Option<Text<'a>>,
    #[serde(borrow)]
    pub reference_type: Text<'a>,
    #[serde(borrow)]
    pub reference_locator: Text<'a>,
}
