//! SBOM packages as CSV (the CLI's `--output csv`, the app's "Export CSV"), and the text filter
//! both use.

use super::model::{Document, Package};

/// The CSV's columns, one row per package.
pub const CSV_HEADER: &str =
    "name,version,licenses,ecosystem,purl,supplier,type,cpes,document,platform";

impl Package {
    /// Whether `needle` (lower case) is in the name, version, purl, a licence or the supplier.
    pub fn matches(&self, needle: &str) -> bool {
        if needle.is_empty() {
            return true;
        }
        let hit = |s: &str| s.to_lowercase().contains(needle);
        [&self.name, &self.version, &self.purl, &self.supplier]
            .into_iter()
            .flatten()
            .any(|s| hit(s))
            || self.licenses.iter().any(|l| hit(l))
    }
}

/// Appends one CSV row per package of `document` that matches `filter` (lower case), naming
/// the document (its digest or path) and the platform it describes in each row.
pub fn csv_rows(
    out: &mut String,
    document: &Document,
    filter: &str,
    source: &str,
    platform: Option<&str>,
) {
    for p in document.packages.iter().filter(|p| p.matches(filter)) {
        csv_row(out, p, source, platform);
    }
}

/// Appends the CSV row of one package (the columns of [`CSV_HEADER`]).
pub fn csv_row(out: &mut String, p: &Package, source: &str, platform: Option<&str>) {
    let cells = [
        p.name.as_deref().unwrap_or(""),
        p.version.as_deref().unwrap_or(""),
        &p.licenses.join(" | "),
        p.ecosystem().unwrap_or(""),
        p.purl.as_deref().unwrap_or(""),
        p.supplier.as_deref().unwrap_or(""),
        p.kind.as_deref().unwrap_or(""),
        &p.cpes.join(" "),
        source,
        platform.unwrap_or(""),
    ];
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// RFC 4180 quoting; and a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
/// CR at its start) gets a leading `'`: SBOM text comes from whoever made the SBOM.
fn push_cell(out: &mut String, cell: &str) {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || cell.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::model::{Encoding, Format};

    fn doc(packages: Vec<Package>) -> Document {
        Document {
            format: Format::Spdx,
            spec_version: "2.3".into(),
            encoding: Encoding::Json,
            name: None,
            namespace: None,
            created: None,
            tools: vec![],
            authors: vec![],
            packages,
            dependencies: vec![],
            files: 0,
        }
    }

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let p = Package {
            name: Some("=HYPERLINK(\"http://x\")".into()),
            version: Some("1,2".into()),
            licenses: vec!["MIT".into(), "Apache-2.0".into()],
            purl: Some("pkg:npm/a@1".into()),
            ..Default::default()
        };
        let mut out = String::new();
        csv_rows(
            &mut out,
            &doc(vec![p]),
            "",
            "sha256:ab",
            Some("linux/amd64"),
        );
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"http://x\"\")\",\"1,2\",MIT | Apache-2.0,npm,pkg:npm/a@1,,,,sha256:ab,linux/amd64\r\n"
        );
    }

    #[test]
    fn the_filter_looks_at_name_version_purl_licences_and_supplier() {
        let p = Package {
            name: Some("left-pad".into()),
            licenses: vec!["WTFPL".into()],
            supplier: Some("Acme".into()),
            ..Default::default()
        };
        assert!(p.matches("pad"));
        assert!(p.matches("wtf"));
        assert!(p.matches("acme"));
        assert!(!p.matches("right"));
        let mut out = String::new();
        csv_rows(&mut out, &doc(vec![p]), "right", "x", None);
        assert!(out.is_empty());
    }
}
