//! SPDX 3.0 JSON-LD's graph as serde reads it: each element into one small struct, sorted by
//! class as it is read; only relationships the model needs are kept.

use foldhash::{HashMap, HashSet};
use std::borrow::Cow;
use std::fmt;

use serde::de::{self, value::MapAccessDeserializer, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::Text;

#[derive(Deserialize)]
pub(super) struct RawRoot<'a> {
    #[serde(rename = "@context", borrow)]
    pub(super) context: Option<Context<'a>>,
    #[serde(rename = "@graph", borrow)]
    pub(super) graph: Option<Graph<'a>>,
}

/// One element of the graph, any class: the fields of the classes the model reads.
#[derive(Deserialize)]
pub(super) struct RawElement<'a> {
    #[serde(rename = "type", alias = "@type", borrow)]
    pub(super) class: Option<Text<'a>>,
    #[serde(rename = "spdxId", alias = "@id", borrow)]
    pub(super) id: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) name: Option<Text<'a>>,
    #[serde(rename = "creationInfo", borrow)]
    pub(super) creation_info: Option<InfoRef<'a>>,
    #[serde(rename = "specVersion", borrow)]
    pub(super) spec_version: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) created: Option<Text<'a>>,
    #[serde(rename = "createdBy", borrow)]
    pub(super) created_by: Option<Refs<'a>>,
    #[serde(rename = "createdUsing", borrow)]
    pub(super) created_using: Option<Refs<'a>>,
    #[serde(rename = "rootElement", borrow)]
    pub(super) root_element: Option<Refs<'a>>,
    #[serde(rename = "software_packageVersion", borrow)]
    pub(super) version: Option<Text<'a>>,
    #[serde(rename = "software_packageUrl", borrow)]
    pub(super) purl: Option<Text<'a>>,
    #[serde(rename = "software_downloadLocation", borrow)]
    pub(super) download_location: Option<Text<'a>>,
    #[serde(rename = "software_homePage", borrow)]
    pub(super) homepage: Option<Text<'a>>,
    #[serde(rename = "software_primaryPurpose", borrow)]
    pub(super) purpose: Option<Text<'a>>,
    #[serde(rename = "software_copyrightText", borrow)]
    pub(super) copyright: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) description: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) summary: Option<Text<'a>>,
    #[serde(rename = "suppliedBy", borrow)]
    pub(super) supplied_by: Option<Refs<'a>>,
    #[serde(rename = "originatedBy", borrow)]
    pub(super) originated_by: Option<Refs<'a>>,
    #[serde(rename = "verifiedUsing", borrow)]
    pub(super) verified_using: Option<Vec<RawIntegrity<'a>>>,
    #[serde(rename = "externalIdentifier", borrow)]
    pub(super) external_identifier: Option<Vec<RawIdentifier<'a>>>,
    #[serde(rename = "externalRef", borrow)]
    pub(super) external_ref: Option<Vec<RawExternalRef<'a>>>,
    #[serde(borrow)]
    pub(super) from: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) to: Option<Refs<'a>>,
    #[serde(rename = "relationshipType", borrow)]
    pub(super) relationship_type: Option<Text<'a>>,
    #[serde(rename = "simplelicensing_licenseExpression", borrow)]
    pub(super) license_expression: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawIntegrity<'a> {
    #[serde(rename = "type", alias = "@type", borrow)]
    pub(super) class: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) algorithm: Option<Text<'a>>,
    #[serde(rename = "hashValue", borrow)]
    pub(super) value: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawIdentifier<'a> {
    #[serde(rename = "externalIdentifierType", borrow)]
    pub(super) kind: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) identifier: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawExternalRef<'a> {
    #[serde(rename = "externalRefType", borrow)]
    pub(super) kind: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) locator: Option<Refs<'a>>,
}

/// A reference to another element: its id, or the element written inline (then its name is
/// at hand). JSON-LD writes one value or an array of them alike.
#[derive(Default)]
pub(super) struct Refs<'a>(pub(super) Vec<Node<'a>>);

pub(super) struct Node<'a> {
    pub(super) id: Option<Text<'a>>,
    pub(super) name: Option<Text<'a>>,
}

#[derive(Deserialize)]
pub(super) struct InlineNode<'a> {
    #[serde(rename = "spdxId", alias = "@id", borrow)]
    pub(super) id: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) name: Option<Text<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Refs<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RefsVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for RefsVisitor<'a> {
            type Value = Refs<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an element id, an element, or an array of them")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                let id = Some(Text(Cow::Borrowed(v)));
                Ok(Refs(vec![Node { id, name: None }]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let id = Some(Text(Cow::Owned(v.to_string())));
                Ok(Refs(vec![Node { id, name: None }]))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let node = InlineNode::deserialize(MapAccessDeserializer::new(map))?;
                Ok(Refs(vec![Node {
                    id: node.id,
                    name: node.name,
                }]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut nodes = Vec::new();
                while let Some(one) = seq.next_element::<Refs<'a>>()? {
                    nodes.extend(one.0);
                }
                Ok(Refs(nodes))
            }
        }
        deserializer.deserialize_any(RefsVisitor(std::marker::PhantomData))
    }
}

impl<'a> Refs<'a> {
    pub(super) fn ids(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter_map(|n| n.id.as_ref().map(Text::as_str))
    }
}

/// `creationInfo`: a blank node's id (`_:creationinfo`), or the CreationInfo inline.
pub(super) enum InfoRef<'a> {
    Id(Text<'a>),
    Inline(Box<RawElement<'a>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for InfoRef<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InfoVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for InfoVisitor<'a> {
            type Value = InfoRef<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a CreationInfo or its id")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(InfoRef::Id(Text(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(InfoRef::Id(Text(Cow::Owned(v.to_string()))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let info = RawElement::deserialize(MapAccessDeserializer::new(map))?;
                Ok(InfoRef::Inline(Box::new(info)))
            }
        }
        deserializer.deserialize_any(InfoVisitor(std::marker::PhantomData))
    }
}

/// `@context`: the first string of it, which names the version (`…/rdf/3.0.1/…`).
pub(super) struct Context<'a>(pub(super) Option<Text<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Context<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ContextVisitor<'a> {
            type Value = Context<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON-LD context")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Context(Some(Text(Cow::Owned(v.to_string())))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut first = None;
                while let Some(Context(one)) = seq.next_element::<Context<'a>>()? {
                    first = first.or(one);
                }
                Ok(Context(first))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Context(None))
            }
        }
        deserializer.deserialize_any(ContextVisitor(std::marker::PhantomData))
    }
}

/// What a kept relationship says.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Describes,
    Contains,
    /// `from` needs each `to`: dependsOn, hasPrerequisite. hasDynamicLink and hasStaticLink
    /// are not kept, as in SPDX 2 (their direction is written both ways by converters).
    DependsOn,
    DeclaredLicense,
    ConcludedLicense,
}

pub(super) struct Link<'a> {
    pub(super) from: Text<'a>,
    pub(super) to: Refs<'a>,
    pub(super) role: Role,
    pub(super) name: Text<'a>,
}

/// The graph's elements, sorted by what the model needs of them.
#[derive(Default)]
pub(super) struct Graph<'a> {
    pub(super) documents: Vec<RawElement<'a>>,
    /// Ids of the SpdxDocument, Sbom and Bom elements and the roots they name.
    pub(super) collections: HashSet<Cow<'a, str>>,
    pub(super) roots: Vec<Text<'a>>,
    pub(super) packages: Vec<RawElement<'a>>,
    pub(super) files: u64,
    pub(super) file_ids: HashSet<Cow<'a, str>>,
    pub(super) infos: HashMap<Cow<'a, str>, RawElement<'a>>,
    pub(super) agents: HashMap<Cow<'a, str>, Text<'a>>,
    pub(super) licenses: HashMap<Cow<'a, str>, Text<'a>>,
    pub(super) links: Vec<Link<'a>>,
}

impl<'a> Graph<'a> {
    fn add(&mut self, e: RawElement<'a>) -> Result<(), String> {
        let Some(class) = e.class.as_ref() else {
            return Err("no `type`: every element states its class".into());
        };
        // "software_Package", "ai_AIPackage", or the class's full IRI.
        let class = class.as_str().rsplit(['/', '#']).next().unwrap_or_default();
        let local = class.rsplit('_').next().unwrap_or(class);
        let id = e.id.as_ref().map(|t| t.0.clone());
        match local {
            "SpdxDocument" | "Sbom" | "Bom" => {
                self.collections.extend(id);
                self.roots.extend(
                    e.root_element
                        .iter()
                        .flat_map(|r| r.0.iter())
                        .filter_map(|n| n.id.clone()),
                );
                if local == "SpdxDocument" {
                    self.documents.push(e);
                }
            }
            "Package" | "AIPackage" | "DatasetPackage" => self.packages.push(e),
            "File" => {
                self.files += 1;
                self.file_ids.extend(id);
            }
            "CreationInfo" => {
                if let Some(id) = id {
                    self.infos.entry(id).or_insert(e);
                }
            }
            "Person" | "Organization" | "Tool" | "SoftwareAgent" | "Agent" => {
                if let (Some(id), Some(name)) = (id, e.name) {
                    self.agents.insert(id, name);
                }
            }
            "LicenseExpression" => {
                if let (Some(id), Some(expression)) = (id, e.license_expression) {
                    self.licenses.insert(id, expression);
                }
            }
            "Relationship" | "LifecycleScopedRelationship" => {
                let what = |field: &str| format!("{class} without `{field}`");
                let name = e
                    .relationship_type
                    .ok_or_else(|| what("relationshipType"))?;
                let role = match name.as_str() {
                    "describes" => Role::Describes,
                    "contains" => Role::Contains,
                    "dependsOn" | "hasPrerequisite" => Role::DependsOn,
                    "hasDeclaredLicense" => Role::DeclaredLicense,
                    "hasConcludedLicense" => Role::ConcludedLicense,
                    _ => return Ok(()),
                };
                let from = e.from.ok_or_else(|| what("from"))?;
                let to = e.to.ok_or_else(|| what("to"))?;
                self.links.push(Link {
                    from,
                    to,
                    role,
                    name,
                });
            }
            _ => {}
        }
        Ok(())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Graph<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct GraphVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for GraphVisitor<'a> {
            type Value = Graph<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of elements")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut graph = Graph::default();
                for at in 0.. {
                    // Name the element in the message; the parser adds where it stopped.
                    let element = seq.next_element::<RawElement<'a>>().map_err(|e| {
                        let text = e.to_string();
                        let text = text.rsplit_once(" at line ").map_or(&*text, |(t, _)| t);
                        de::Error::custom(format!("@graph[{at}]: {text}"))
                    })?;
                    let Some(element) = element else { break };
                    graph
                        .add(element)
                        .map_err(|e| de::Error::custom(format!("@graph[{at}]: {e}")))?;
                }
                Ok(graph)
            }
        }
        deserializer.deserialize_seq(GraphVisitor(std::marker::PhantomData))
    }
}
