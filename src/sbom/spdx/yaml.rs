//! SPDX 2.2/2.3 YAML into the model: the JSON document's structure ([`super::v2`]) through
//! serde_yaml_ng.

use crate::sbom::{Document, Encoding, Problem};

use super::v2::RawDocument;
use super::v2_model::assemble;

pub fn parse(bytes: &[u8]) -> Result<Document, Problem> {
    let raw: RawDocument = serde_yaml_ng::from_slice(bytes).map_err(|e| problem(&e))?;
    assemble(raw.into(), Encoding::Yaml)
}

/// A serde_yaml_ng error, with its line and column apart as [`Problem::json`] has them.
fn problem(e: &serde_yaml_ng::Error) -> Problem {
    let text = e.to_string();
    let Some(place) = e.location() else {
        return Problem::new(text);
    };
    // The message ends " at line L column C" where the error has a place; keep that apart.
    let detail = match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    };
    Problem::at(
        format!("line {}, column {}", place.line(), place.column()),
        detail,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
# written by pyspdxtools
SPDXID: SPDXRef-DOCUMENT
spdxVersion: SPDX-2.3
name: app
documentNamespace: https://example.com/app-1
creationInfo:
  created: '2024-06-01T10:00:00Z'
  creators:
  - 'Tool: pyspdxtools-0.8.5'
  - 'Person: Jane Doe (jane@example.com)'
packages:
- SPDXID: SPDXRef-app
  name: app
  versionInfo: 1.0
  licenseDeclared: Apache-2.0
  externalRefs:
  - referenceCategory: PACKAGE_MANAGER
    referenceType: purl
    referenceLocator: pkg:pypi/app@1.0
- SPDXID: SPDXRef-lib
  name: '@scope/lib'
  versionInfo: '2'
files:
- SPDXID: SPDXRef-f
  fileName: ./a.py
relationships:
- spdxElementId: SPDXRef-DOCUMENT
  relatedSpdxElement: SPDXRef-app
  relationshipType: DESCRIBES
- spdxElementId: SPDXRef-lib
  relatedSpdxElement: SPDXRef-app
  relationshipType: DEPENDENCY_OF
- spdxElementId: SPDXRef-app
  relatedSpdxElement: SPDXRef-f
  relationshipType: CONTAINS
";

    #[test]
    fn reads_the_same_structure_as_json() {
        let doc = parse(DOC.as_bytes()).unwrap();
        assert_eq!(doc.encoding, Encoding::Yaml);
        assert_eq!(doc.spec_version, "2.3");
        assert_eq!(doc.tools, ["pyspdxtools-0.8.5"]);
        assert_eq!(doc.authors, ["Jane Doe (jane@example.com)"]);
        assert_eq!(doc.files, 1);
        let app = &doc.packages[0];
        assert!(app.subject, "DESCRIBES from the document");
        assert_eq!(
            app.version.as_deref(),
            Some("1.0"),
            "an unquoted number, as written"
        );
        assert_eq!(app.purl.as_deref(), Some("pkg:pypi/app@1.0"));
        assert_eq!(app.files, 1);
        assert_eq!(doc.packages[1].name.as_deref(), Some("@scope/lib"));
        assert_eq!(doc.dependencies.len(), 1);
        assert_eq!(doc.dependencies[0].from, "SPDXRef-app");
        assert_eq!(doc.dependencies[0].to, "SPDXRef-lib");
        assert_eq!(doc.dependencies[0].relationship, "DEPENDENCY_OF");
    }

    /// Found by the sbom_spdx_yaml fuzz target: an empty `referenceLocator` became the purl "".
    #[test]
    fn a_reference_that_locates_nothing_is_not_kept() {
        let doc = parse(
            b"spdxVersion: SPDX-2.3\npackages:\n- name: lib\n  externalRefs:\n  \
              - referenceCategory: PACKAGE-MANAGER\n    referenceType: purl\n    referenceLocator:\n  \
              - referenceType: cpe23Type\n    referenceLocator: NOASSERTION\n  \
              - referenceType: purl\n    referenceLocator: ' pkg:npm/lib@1 '\n",
        )
        .unwrap();
        let lib = &doc.packages[0];
        assert_eq!(lib.purl.as_deref(), Some("pkg:npm/lib@1"), "{lib:?}");
        assert!(lib.cpes.is_empty(), "{lib:?}");
        assert_eq!(lib.external_refs.len(), 1, "{lib:?}");
    }

    #[test]
    fn bad_input_names_line_and_column() {
        let e = parse(b"spdxVersion: SPDX-2.3\npackages:\n- SPDXID: [1, 2]\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 3, column 11"), "{e:?}");
        assert!(e.detail.contains("expected a string"), "{e:?}");

        let e = parse(b"spdxVersion: SPDX-2.3\npackages: [\n").unwrap_err();
        assert!(e.at.is_some(), "{e:?}");

        let e = parse(b"name: x\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("spdxVersion"));
    }
}
