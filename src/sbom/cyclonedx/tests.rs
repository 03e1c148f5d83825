//! The same BOMs written in JSON and in XML must read into the same model, for each shape the
//! versions gave their fields (1.2 tools, 1.5 tool components, 1.6 acknowledgements).

use super::{json, xml, MAX_DEPTH};
use crate::sbom::model::{Dependency, Document, Encoding, ExternalRef, Hash};

/// Both encodings, checked to agree; the JSON one is returned.
fn both(json_doc: &str, xml_doc: &str) -> Document {
    let from_json = json::parse(json_doc.as_bytes()).expect("JSON reads");
    let mut from_xml = xml::parse(xml_doc.as_bytes()).expect("XML reads");
    assert_eq!(from_json.encoding, Encoding::Json);
    assert_eq!(from_xml.encoding, Encoding::Xml);
    from_xml.encoding = Encoding::Json;
    assert_eq!(from_json, from_xml, "JSON and XML disagree");
    from_json
}

const V1_2_JSON: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.2", "serialNumber": "urn:uuid:5e1", "version": 1,
  "metadata": {
    "timestamp": "2020-01-02T03:04:05Z",
    "tools": [{"vendor": "CycloneDX", "name": "cyclonedx-maven-plugin", "version": "2.1.0"}],
    "authors": [{"name": "Ann", "email": "ann@example.org"}],
    "component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1.0"},
    "manufacture": {"name": "Maker Inc"},
    "supplier": {"name": "Example Ltd"}
  },
  "components": [
    {"type": "library", "bom-ref": "lib", "author": "Bob", "publisher": "Pub",
     "group": "org.example", "name": "lib", "version": "2.0", "description": "A lib",
     "hashes": [{"alg": "SHA-256", "content": "abc1"}],
     "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom Licence"}}],
     "copyright": "(c) Example", "cpe": "cpe:2.3:a:example:lib:2.0:*:*:*:*:*:*:*",
     "purl": "pkg:maven/org.example/lib@2.0",
     "externalReferences": [
       {"type": "website", "url": "https://example.org"},
       {"type": "distribution", "url": "https://dl.example.org/lib.jar"}]},
    {"type": "FILE", "name": "README"}
  ],
  "dependencies": [{"ref": "app", "dependsOn": ["lib", "svc"]}, {"ref": "lib"}]
}"#;

const V1_2_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.2" serialNumber="urn:uuid:5e1" version="1">
  <metadata>
    <timestamp>2020-01-02T03:04:05Z</timestamp>
    <tools><tool><vendor>CycloneDX</vendor><name>cyclonedx-maven-plugin</name>
      <version>2.1.0</version></tool></tools>
    <authors><author><name>Ann</name><email>ann@example.org</email></author></authors>
    <component type="application" bom-ref="app"><name>app</name><version>1.0</version></component>
    <manufacture><name>Maker Inc</name></manufacture>
    <supplier><name>Example Ltd</name></supplier>
  </metadata>
  <components>
    <component type="library" bom-ref="lib">
      <author>Bob</author><publisher>Pub</publisher><group>org.example</group>
      <name>lib</name><version>2.0</version><description>A lib</description>
      <hashes><hash alg="SHA-256">abc1</hash></hashes>
      <licenses><license><id>MIT</id></license><license><name>Custom Licence</name></license></licenses>
      <copyright>(c) Example</copyright><cpe>cpe:2.3:a:example:lib:2.0:*:*:*:*:*:*:*</cpe>
      <purl>pkg:maven/org.example/lib@2.0</purl>
      <externalReferences>
        <reference type="website"><url>https://example.org</url></reference>
        <reference type="distribution"><url>https://dl.example.org/lib.jar</url></reference>
      </externalReferences>
    </component>
    <component type="file"><name>README</name></component>
  </components>
  <dependencies>
    <dependency ref="app"><dependency ref="lib"/><dependency ref="svc"/></dependency>
    <dependency ref="lib"/>
  </dependencies>
</bom>"#;

#[test]
fn a_1_2_bom_with_legacy_tools_and_a_subject() {
    let doc = both(V1_2_JSON, V1_2_XML);
    assert_eq!(doc.spec_version, "1.2");
    assert_eq!(doc.namespace.as_deref(), Some("urn:uuid:5e1"));
    assert_eq!(doc.created.as_deref(), Some("2020-01-02T03:04:05Z"));
    assert_eq!(doc.tools, ["CycloneDX cyclonedx-maven-plugin 2.1.0"]);
    assert_eq!(doc.authors, ["Ann <ann@example.org>"]);
    assert_eq!(doc.name.as_deref(), Some("app"));
    let ids: Vec<_> = doc.packages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["app", "lib", "#2"]);
    let app = &doc.packages[0];
    assert!(app.subject);
    assert_eq!(app.supplier.as_deref(), Some("Example Ltd"));
    assert_eq!(app.originator.as_deref(), Some("Maker Inc"));
    let lib = &doc.packages[1];
    assert!(!lib.subject);
    assert_eq!(lib.kind.as_deref(), Some("library"));
    assert_eq!(lib.licenses, ["MIT", "Custom Licence"]);
    assert_eq!(
        lib.declared_license.as_deref(),
        Some("MIT AND Custom Licence")
    );
    assert_eq!(lib.concluded_license, None);
    assert_eq!(lib.originator.as_deref(), Some("Bob"));
    assert_eq!(lib.cpes, ["cpe:2.3:a:example:lib:2.0:*:*:*:*:*:*:*"]);
    assert_eq!(lib.purl.as_deref(), Some("pkg:maven/org.example/lib@2.0"));
    assert_eq!(
        lib.hashes,
        [Hash {
            algorithm: "SHA-256".into(),
            value: "abc1".into()
        }]
    );
    assert_eq!(lib.homepage.as_deref(), Some("https://example.org"));
    assert_eq!(
        lib.download_location.as_deref(),
        Some("https://dl.example.org/lib.jar")
    );
    assert_eq!(lib.external_refs.len(), 2);
    assert_eq!(lib.copyright.as_deref(), Some("(c) Example"));
    assert_eq!(lib.description.as_deref(), Some("A lib"));
    assert_eq!(doc.packages[2].kind.as_deref(), Some("file"), "lower case");
    assert_eq!(doc.files, 1);
    let dep = |from: &str, to: &str| Dependency {
        from: from.into(),
        to: to.into(),
        relationship: "dependsOn".into(),
    };
    // "svc" names no component (a service, say): kept, so the graph still shows it.
    assert_eq!(doc.dependencies, [dep("app", "lib"), dep("app", "svc")]);
}

/// Components before metadata, as cyclonedx-py writes its sorted keys.
const V1_5_JSON: &str = r#"{
  "components": [
    {"type": "library", "name": "outer", "version": "1",
     "licenses": [{"expression": "Apache-2.0 OR MIT"}],
     "components": [
       {"type": "library", "bom-ref": "inner", "name": "inner",
        "components": [{"type": "library", "name": "innermost"}]}]},
    {"type": "library", "bom-ref": "next", "name": "next"}
  ],
  "bomFormat": "CycloneDX", "specVersion": "1.5",
  "metadata": {
    "tools": {
      "components": [{"type": "application", "group": "@cyclonedx", "name": "cyclonedx-npm",
                      "version": "1.19.3"}],
      "services": [{"name": "scanner", "version": "4"}]},
    "component": {"type": "application", "name": "subject"}
  }
}"#;

const V1_5_XML: &str = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <metadata>
    <tools>
      <components><component type="application"><group>@cyclonedx</group>
        <name>cyclonedx-npm</name><version>1.19.3</version></component></components>
      <services><service><name>scanner</name><version>4</version></service></services>
    </tools>
    <component type="application"><name>subject</name></component>
  </metadata>
  <components>
    <component type="library"><name>outer</name><version>1</version>
      <licenses><expression>Apache-2.0 OR MIT</expression></licenses>
      <components>
        <component type="library" bom-ref="inner"><name>inner</name>
          <components><component type="library"><name>innermost</name></component></components>
        </component>
      </components>
    </component>
    <component type="library" bom-ref="next"><name>next</name></component>
  </components>
</bom>"#;

#[test]
fn a_1_5_bom_with_tool_components_and_nesting_flattened_depth_first() {
    let doc = both(V1_5_JSON, V1_5_XML);
    assert_eq!(doc.spec_version, "1.5");
    assert_eq!(doc.tools, ["@cyclonedx cyclonedx-npm 1.19.3", "scanner 4"]);
    let rows: Vec<_> = doc
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_deref(), p.parent.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("#0", Some("subject"), None),
            ("#1", Some("outer"), None),
            ("inner", Some("inner"), Some("#1")),
            ("#3", Some("innermost"), Some("inner")),
            ("next", Some("next"), None),
        ]
    );
    assert!(doc.packages[0].subject);
    let outer = &doc.packages[1];
    assert_eq!(outer.licenses, ["Apache-2.0 OR MIT"]);
    assert_eq!(outer.declared_license.as_deref(), Some("Apache-2.0 OR MIT"));
    assert_eq!(doc.files, 0);
}

const V1_6_JSON: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "metadata": {
    "tools": {"components": [{"type": "application", "name": "syft", "version": "1.0"}]},
    "authors": [{"email": "sec@example.org"}],
    "manufacturer": {"name": "Build Co"}
  },
  "components": [
    {"type": "library", "bom-ref": "a", "name": "a",
     "authors": [{"name": "Ann"}, {"name": "Bob"}], "manufacturer": {"name": "M"},
     "licenses": [
       {"license": {"id": "MIT", "acknowledgement": "declared"}},
       {"expression": "MIT OR GPL-2.0-only", "acknowledgement": "concluded"}]}
  ]
}"#;

const V1_6_XML: &str = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
  <metadata>
    <tools><components><component type="application"><name>syft</name><version>1.0</version>
    </component></components></tools>
    <authors><author><email>sec@example.org</email></author></authors>
    <manufacturer><name>Build Co</name></manufacturer>
  </metadata>
  <components>
    <component type="library" bom-ref="a">
      <authors><author><name>Ann</name></author><author><name>Bob</name></author></authors>
      <manufacturer><name>M</name></manufacturer>
      <name>a</name>
      <licenses>
        <license acknowledgement="declared"><id>MIT</id></license>
        <expression acknowledgement="concluded">MIT OR GPL-2.0-only</expression>
      </licenses>
    </component>
  </components>
</bom>"#;

#[test]
fn a_1_6_bom_with_acknowledged_licences_and_authors() {
    let doc = both(V1_6_JSON, V1_6_XML);
    assert_eq!(doc.spec_version, "1.6");
    assert_eq!(doc.tools, ["syft 1.0"]);
    assert_eq!(doc.authors, ["sec@example.org", "Build Co"]);
    assert_eq!(doc.name, None, "no metadata component");
    let a = &doc.packages[0];
    assert!(!a.subject);
    assert_eq!(a.originator.as_deref(), Some("Ann, Bob"));
    assert_eq!(a.declared_license.as_deref(), Some("MIT"));
    assert_eq!(a.concluded_license.as_deref(), Some("MIT OR GPL-2.0-only"));
    assert_eq!(a.licenses, ["MIT", "MIT OR GPL-2.0-only"]);
}

const V1_4_JSON: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.4",
  "metadata": {"tools": [{"name": "cyclonedx-npm", "version": "1.0"}]},
  "components": [
    {"type": "library", "name": "tom", "description": "Tom & Jerry <b>",
     "licenses": [{"license": {"name": "Apache License 2.0",
                               "text": {"content": "a long licence text"}}}],
     "externalReferences": [{"type": "vcs", "url": "git+https://example.org/tom.git"}],
     "hashes": [{"alg": "SHA-512", "content": "ff"}, {"alg": "MD5", "content": "00"}]}
  ]
}"#;

const V1_4_XML: &str = r#"<?xml version="1.0"?>
<!-- made by hand -->
<bom xmlns="http://cyclonedx.org/schema/bom/1.4" xmlns:ext="urn:example:ext">
  <metadata><tools><tool><name>cyclonedx-npm</name><version>1.0</version></tool></tools></metadata>
  <components>
    <component type="library">
      <name>tom</name>
      <description>Tom &amp; Jerry <![CDATA[<b>]]></description>
      <licenses><license><name>Apache License 2.0</name><text>a long licence text</text></license></licenses>
      <externalReferences><reference type="vcs"><url>git+https://example.org/tom.git</url>
      </reference></externalReferences>
      <hashes><hash alg="SHA-512">ff</hash><hash alg="MD5">00</hash></hashes>
      <ext:component><ext:name>not CycloneDX's</ext:name></ext:component>
    </component>
    <ext:component type="library"><ext:name>an extension's, skipped</ext:name></ext:component>
  </components>
</bom>"#;

#[test]
fn a_1_4_bom_with_entities_cdata_and_an_extension_namespace() {
    let doc = both(V1_4_JSON, V1_4_XML);
    assert_eq!(doc.tools, ["cyclonedx-npm 1.0"]);
    assert_eq!(
        doc.packages.len(),
        1,
        "extension elements are not components"
    );
    let tom = &doc.packages[0];
    assert_eq!(tom.description.as_deref(), Some("Tom & Jerry <b>"));
    assert_eq!(tom.licenses, ["Apache License 2.0"]);
    assert_eq!(tom.homepage, None);
    assert_eq!(
        tom.external_refs,
        [ExternalRef {
            kind: "vcs".into(),
            locator: "git+https://example.org/tom.git".into()
        }]
    );
    assert_eq!(tom.hashes.len(), 2);
}

#[test]
fn nesting_is_read_to_the_limit_and_refused_beyond_it_in_both_encodings() {
    let in_json = |depth: usize| {
        let open = r#"{"type":"library","name":"n","components":["#;
        let doc = format!(
            r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{}{}]}}"#,
            open.repeat(depth),
            "]}".repeat(depth)
        );
        json::parse(doc.as_bytes())
    };
    let in_xml = |depth: usize| {
        let open = "<component><name>n</name><components>";
        let close = "</components></component>";
        let doc = format!(
            r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>{}{}</components></bom>"#,
            open.repeat(depth),
            close.repeat(depth)
        );
        xml::parse(doc.as_bytes())
    };
    for read in [&in_json as &dyn Fn(usize) -> _, &in_xml] {
        let doc = read(MAX_DEPTH).expect("read to the limit");
        assert_eq!(doc.packages.len(), MAX_DEPTH);
        assert_eq!(doc.packages[31].parent.as_deref(), Some("#30"));
        let p = read(MAX_DEPTH + 1).expect_err("refused past it");
        assert!(p.detail.contains("nested more than 32 levels"), "{p:?}");
        assert!(p.at.is_some(), "{p:?}");
    }
    // Far past serde_json's own limit JSON is still refused, not overflowing the stack.
    assert!(in_json(10_000).is_err());
    // XML elements Stowage does not read are skipped by quick-xml, without recursion.
    let deep = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6">{}{}</bom>"#,
        "<x>".repeat(100_000),
        "</x>".repeat(100_000)
    );
    assert!(xml::parse(deep.as_bytes()).is_ok());
}
