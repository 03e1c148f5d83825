//! CycloneDX JSON (1.2-1.7): one pass of serde over the bytes, each component handed to the
//! model as it is met, so neither a JSON tree nor a tree of components is ever built.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::{contact, spec_version, tool_name, Bom, Component, License};
use crate::sbom::model::{stated, Encoding, ExternalRef, Hash};
use crate::sbom::{Document, Problem};

pub fn parse(bytes: &[u8]) -> Result<Document, Problem> {
    let mut bom = Bom::default();
    // Checked as UTF-8 once, so serde_json does not check each string again (as
    // `sbom::from_json`); bytes that are not UTF-8 go to the byte reader, whose error says where.
    match std::str::from_utf8(bytes) {
        Ok(text) => read(serde_json::Deserializer::from_str(text), &mut bom),
        Err(_) => read(serde_json::Deserializer::from_slice(bytes), &mut bom),
    }
    .map_err(|e| Problem::json(&e))?;
    bom.finish(Encoding::Json)
}

fn read<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    bom: &mut Bom,
) -> serde_json::Result<()> {
    de.deserialize_map(TopLevel { bom })?;
    de.end()
}

/// Each seed reads one shape of JSON into the BOM it holds.
macro_rules! seed {
    ($($seed:ident: $shape:ident),*) => {$(
        impl<'de> DeserializeSeed<'de> for $seed<'_> {
            type Value = ();

            fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                deserializer.$shape(self)
            }
        }
    )*};
}

seed!(MetadataSeed: deserialize_map, Tools: deserialize_any, Components: deserialize_seq, ComponentSeed: deserialize_map, Dependencies: deserialize_seq);

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum TopKey {
    BomFormat,
    SpecVersion,
    SerialNumber,
    Metadata,
    Components,
    Dependencies,
    #[serde(other)]
    Other,
}

struct TopLevel<'b> {
    bom: &'b mut Bom,
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CycloneDX BOM (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut format_stated = false;
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::BomFormat => {
                    let format: String = map.next_value()?;
                    if format != "CycloneDX" {
                        return Err(de::Error::custom(format!(
                            "bomFormat is {format:?} where \"CycloneDX\" was expected"
                        )));
                    }
                    format_stated = true;
                }
                TopKey::SpecVersion => {
                    let version: String = map.next_value()?;
                    self.bom.spec_version =
                        Some(spec_version(&version).map_err(de::Error::custom)?);
                }
                TopKey::SerialNumber => {
                    self.bom.serial_number = map.next_value::<Option<String>>()?.and_then(stated)
                }
                TopKey::Metadata => map.next_value_seed(MetadataSeed { bom: self.bom })?,
                TopKey::Components => map.next_value_seed(Components {
                    bom: self.bom,
                    parent: None,
                    depth: 1,
                })?,
                TopKey::Dependencies => map.next_value_seed(Dependencies { bom: self.bom })?,
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !format_stated {
            return Err(de::Error::custom(
                "no bomFormat: a CycloneDX document states \"bomFormat\": \"CycloneDX\"",
            ));
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum MetadataKey {
    Timestamp,
    Tools,
    Authors,
    Component,
    Manufacture,
    Manufacturer,
    Supplier,
    #[serde(other)]
    Other,
}

struct MetadataSeed<'b> {
    bom: &'b mut Bom,
}

impl<'de> Visitor<'de> for MetadataSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("metadata as an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let bom = self.bom;
        while let Some(key) = map.next_key::<MetadataKey>()? {
            match key {
                MetadataKey::Timestamp => {
                    bom.created = map.next_value::<Option<String>>()?.and_then(stated)
                }
                MetadataKey::Tools => map.next_value_seed(Tools { bom: &mut *bom })?,
                MetadataKey::Authors => {
                    let authors = map.next_value::<Option<Vec<Contact>>>()?;
                    for person in authors.into_iter().flatten() {
                        bom.authors.extend(contact(person.name, person.email));
                    }
                }
                MetadataKey::Component => {
                    bom.begin_subject().map_err(de::Error::custom)?;
                    map.next_value_seed(ComponentSeed {
                        bom: &mut *bom,
                        parent: None,
                        depth: 1,
                    })?;
                    bom.end_subject();
                }
                MetadataKey::Manufacture => bom.subject_manufacturer = entity(&mut map)?,
                MetadataKey::Manufacturer => bom.authors.extend(entity(&mut map)?),
                MetadataKey::Supplier => bom.subject_supplier = entity(&mut map)?,
                MetadataKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An organizationalEntity's name.
fn entity<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<String>, A::Error> {
    Ok(map
        .next_value::<Option<Entity>>()?
        .and_then(|e| e.name)
        .and_then(stated))
}

#[derive(Deserialize)]
struct Entity {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Contact {
    name: Option<String>,
    email: Option<String>,
}

/// A 1.2-1.4 tool, or a 1.5+ tool component or service.
#[derive(Deserialize)]
struct Tool {
    vendor: Option<String>,
    group: Option<String>,
    name: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
struct ToolLists {
    #[serde(default)]
    components: Option<Vec<Tool>>,
    #[serde(default)]
    services: Option<Vec<Tool>>,
}

/// `tools`: an array of tools (1.2-1.4), or an object of components and services (1.5+).
struct Tools<'b> {
    bom: &'b mut Bom,
}

impl<'de> Visitor<'de> for Tools<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("tools as an array (1.2-1.4) or an object of components and services (1.5+)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(tool) = seq.next_element::<Tool>()? {
            let name = tool_name([tool.vendor, tool.name, tool.version]);
            self.bom.tools.extend(name);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let lists = ToolLists::deserialize(de::value::MapAccessDeserializer::new(map))?;
        let tools = lists.components.into_iter().chain(lists.services).flatten();
        for tool in tools {
            self.bom
                .tools
                .extend(tool_name([tool.group, tool.name, tool.version]));
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A `components` array, each one read into the model as it is met.
struct Components<'b> {
    bom: &'b mut Bom,
    parent: Option<usize>,
    depth: usize,
}

impl<'de> Visitor<'de> for Components<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("components as an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let seed = ComponentSeed {
                bom: &mut *self.bom,
                parent: self.parent,
                depth: self.depth,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ComponentKey {
    #[serde(rename = "bom-ref")]
    BomRef,
    Type,
    Name,
    Version,
    Purl,
    Cpe,
    Licenses,
    Supplier,
    Manufacturer,
    Author,
    Authors,
    Publisher,
    Hashes,
    ExternalReferences,
    Copyright,
    Description,
    Components,
    #[serde(other)]
    Other,
}

struct ComponentSeed<'b> {
    bom: &'b mut Bom,
    parent: Option<usize>,
    depth: usize,
}

impl<'de> Visitor<'de> for ComponentSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a component (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let bom = self.bom;
        let slot = bom
            .open(self.parent, self.depth)
            .map_err(de::Error::custom)?;
        let mut c = Component::default();
        while let Some(key) = map.next_key::<ComponentKey>()? {
            let text = |map: &mut A| {
                Ok::<_, A::Error>(map.next_value::<Option<String>>()?.and_then(stated))
            };
            match key {
                ComponentKey::BomRef => c.bom_ref = text(&mut map)?,
                ComponentKey::Type => c.kind = text(&mut map)?,
                ComponentKey::Name => c.name = text(&mut map)?,
                ComponentKey::Version => c.version = text(&mut map)?,
                ComponentKey::Purl => c.purl = text(&mut map)?,
                ComponentKey::Cpe => c.cpe = text(&mut map)?,
                ComponentKey::Author => c.author = text(&mut map)?,
                ComponentKey::Publisher => c.publisher = text(&mut map)?,
                ComponentKey::Copyright => c.copyright = text(&mut map)?,
                ComponentKey::Description => c.description = text(&mut map)?,
                ComponentKey::Supplier => c.supplier = entity(&mut map)?,
                ComponentKey::Manufacturer => c.manufacturer = entity(&mut map)?,
                ComponentKey::Authors => {
                    let authors = map.next_value::<Option<Vec<Contact>>>()?;
                    c.authors = authors
                        .into_iter()
                        .flatten()
                        .filter_map(|a| a.name.and_then(stated))
                        .collect();
                }
                ComponentKey::Licenses => {
                    let licenses = map.next_value::<Option<Vec<LicenseChoice>>>()?;
                    c.licenses = licenses
                        .into_iter()
                        .flatten()
                        .filter_map(License::from)
                        .collect();
                }
                ComponentKey::Hashes => {
                    let hashes = map.next_value::<Option<Vec<JsonHash>>>()?;
                    c.hashes = hashes
                        .into_iter()
                        .flatten()
                        .filter_map(|h| {
                            Some(Hash {
                                algorithm: stated(h.alg?)?,
                                value: stated(h.content?)?,
                            })
                        })
                        .collect();
                }
                ComponentKey::ExternalReferences => {
                    let refs = map.next_value::<Option<Vec<Reference>>>()?;
                    c.external_refs = refs
                        .into_iter()
                        .flatten()
                        .filter_map(|r| {
                            Some(ExternalRef {
                                kind: r.kind.and_then(stated).unwrap_or_else(|| "other".into()),
                                locator: stated(r.url?)?,
                            })
                        })
                        .collect();
                }
                ComponentKey::Components => map.next_value_seed(Components {
                    bom: &mut *bom,
                    parent: Some(slot),
                    depth: self.depth + 1,
                })?,
                ComponentKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        bom.fill(slot, c);
        Ok(())
    }
}

/// A `licenses` entry: `{"license": {"id"|"name": …}}` or `{"expression": …}`, each with an
/// optional 1.6 `acknowledgement`.
#[derive(Deserialize)]
struct LicenseChoice {
    license: Option<LicenseBody>,
    expression: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Deserialize)]
struct LicenseBody {
    id: Option<String>,
    name: Option<String>,
    acknowledgement: Option<String>,
}

impl License {
    fn from(choice: LicenseChoice) -> Option<License> {
        let concluded = |a: &Option<String>| a.as_deref() == Some("concluded");
        if let Some(expression) = choice.expression.and_then(stated) {
            return Some(License {
                text: expression,
                expression: true,
                concluded: concluded(&choice.acknowledgement),
            });
        }
        let body = choice.license?;
        Some(License {
            text: body.id.and_then(stated).or(body.name.and_then(stated))?,
            expression: false,
            concluded: concluded(&body.acknowledgement) || concluded(&choice.acknowledgement),
        })
    }
}

#[derive(Deserialize)]
struct JsonHash {
    alg: Option<String>,
    content: Option<String>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
}

/// `dependencies`: `{"ref": …, "dependsOn": […]}` entries, read one at a time.
struct Dependencies<'b> {
    bom: &'b mut Bom,
}

#[derive(Deserialize)]
struct DependencyEntry {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(rename = "dependsOn")]
    depends_on: Option<Vec<String>>,
}

impl<'de> Visitor<'de> for Dependencies<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("dependencies as an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<DependencyEntry>()? {
            let to = entry.depends_on.into_iter().flatten();
            self.bom.depends(entry.reference, to);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(doc: &str) -> Problem {
        let p = parse(doc.as_bytes()).expect_err("refused");
        eprintln!("{p:?}");
        p
    }

    #[test]
    fn errors_name_the_line_and_column_and_what_was_expected() {
        let p = problem("{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": \"1.5\",\n \"components\": [{\"name\": 5}]}");
        assert_eq!(p.at.as_deref(), Some("line 3, column 26"));
        assert!(p.detail.contains("expected a string"), "{p:?}");
        let p = problem("{\"bomFormat\": \"CycloneDX\", \"components\": [\n{\"name\": \"a\"}");
        assert!(p.at.as_deref().unwrap_or("").starts_with("line 2"), "{p:?}");
    }

    #[test]
    fn only_cyclonedx_1_x_is_read() {
        let p = problem(r#"{"bomFormat": "SPDX", "specVersion": "1.5"}"#);
        assert!(p.detail.contains("bomFormat is \"SPDX\""), "{p:?}");
        assert!(p.at.is_some());
        let p = problem(r#"{"specVersion": "1.5", "components": []}"#);
        assert!(p.detail.contains("no bomFormat"), "{p:?}");
        let p = problem(r#"{"bomFormat": "CycloneDX", "specVersion": "2.0"}"#);
        assert!(p.detail.contains("1.x"), "{p:?}");
        let p = problem(r#"{"bomFormat": "CycloneDX", "components": []}"#);
        assert_eq!(p.at.as_deref(), Some("specVersion"), "{p:?}");
    }

    #[test]
    fn nulls_and_unknown_fields_are_passed_over() {
        let doc = parse(
            br#"{"bomFormat": "CycloneDX", "specVersion": "1.7", "serialNumber": null,
                "metadata": {"tools": null, "lifecycles": [{"phase": "build"}]},
                "components": [{"name": "a", "licenses": null, "hashes": null,
                                "evidence": {"identity": [{"field": "purl"}]}}],
                "services": [{"name": "api"}], "vulnerabilities": [{"id": "CVE-1"}]}"#,
        )
        .expect("reads");
        assert_eq!(doc.spec_version, "1.7");
        assert_eq!(doc.packages.len(), 1);
        assert_eq!(doc.packages[0].id, "#0");
    }
}
