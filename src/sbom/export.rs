//! SBOM packages as CSV (the CLI's `--output csv`, the app's "Export CSV"), and the text filter
//! both use.

use super::model::{Document, Package};
use crate::error::{Error, Result};

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

/// The CSV of `document`'s packages at `rows`, in that order (every package when `rows` is
/// `None`), header first: what the app's "Export CSV" saves of the table on screen. A row
/// past the packages is an error, and nothing is written.
pub fn csv_of_rows(
    document: &Document,
    rows: Option<&[u32]>,
    source: &str,
    platform: Option<&str>,
) -> Result<String> {
    let packages = &document.packages;
    let chosen: Vec<&Package> = match rows {
        None => packages.iter().collect(),
        Some(rows) => rows
            .iter()
            .map(|&i| {
                packages
                    .get(i as usize)
                    .ok_or_else(|| Error::Invalid(format!("the SBOM has no package {i}")))
            })
            .collect::<Result<_>>()?,
    };
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for p in chosen {
        csv_row(&mut out, p, source, platform);
    }
    Ok(out)
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
    fn csv_of_rows_has_the_rows_asked_for_in_that_order() {
        let d = doc((0..3)
            .map(|i| Package {
                name: Some(format!("pkg-{i}")),
                version: Some(format!("1.{i}")),
                licenses: vec!["MIT".into()],
                ..Default::default()
            })
            .collect());
        let out = csv_of_rows(&d, Some(&[2, 0]), "sha256:ab", Some("linux/amd64")).unwrap();
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[1], "pkg-2,1.2,MIT,,,,,,sha256:ab,linux/amd64");
        assert_eq!(lines[2], "pkg-0,1.0,MIT,,,,,,sha256:ab,linux/amd64");
        assert_eq!(lines[3], "");
        let all = csv_of_rows(&d, None, "x", None).unwrap();
        assert_eq!(all.matches("\r\n").count(), 4);
        assert!(all.ends_with("pkg-2,1.2,MIT,,,,,,x,\r\n"));
        let none = csv_of_rows(&d, Some(&[]), "x", None).unwrap();
        assert_eq!(none, format!("{CSV_HEADER}\r\n"));
        let e = csv_of_rows(&d, Some(&[0, 7]), "x", None).unwrap_err();
        assert_eq!(e.code(), "invalid");
        assert_eq!(e.to_string(), "the SBOM has no package 7");
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
