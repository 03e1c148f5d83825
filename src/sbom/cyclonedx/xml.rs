//! CycloneDX XML (1.2-1.7) as a stream of quick-xml events, each component handed to the model
//! as its end tag is read: no DOM, and elements of other namespaces (extensions) are skipped.

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::XmlVersion;

use super::{contact, spec_version, tool_name, Bom, Component, License};
use crate::sbom::model::{stated, Encoding, ExternalRef, Hash};
use crate::sbom::{Document, Problem};

/// Every CycloneDX version's namespace starts so; the version follows.
const NAMESPACE: &str = "http://cyclonedx.org/schema/bom/";

pub fn parse(bytes: &[u8]) -> Result<Document, Problem> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
        Problem::at(
            place("", &before, e.valid_up_to()),
            "not UTF-8: Stowage reads CycloneDX XML encoded as UTF-8",
        )
    })?;
    let mut stream = Stream {
        xml: NsReader::from_str(text),
        text,
        namespace: String::new(),
        path: Vec::new(),
        bom: Bom::default(),
    };
    stream.document()?;
    stream.bom.finish(Encoding::Xml)
}

/// An element of the CycloneDX namespace, its start tag read.
struct Element<'i> {
    start: BytesStart<'i>,
    /// `<x/>`: there is nothing inside to read or skip.
    empty: bool,
}

impl Element<'_> {
    fn is(&self, local_name: &str) -> bool {
        self.start.local_name().as_ref() == local_name
    }
}

struct Stream<'i> {
    xml: NsReader<&'i [u8]>,
    text: &'i str,
    /// The root's namespace: elements in any other are not CycloneDX's and are skipped.
    namespace: String,
    /// The elements being read, for errors; components with their package index.
    path: Vec<(&'static str, Option<usize>)>,
    bom: Bom,
}

impl<'i> Stream<'i> {
    fn document(&mut self) -> Result<(), Problem> {
        let (start, empty) = loop {
            match self.xml.read_event().map_err(|e| self.broken(e))? {
                Event::Start(start) => break (start, false),
                Event::Empty(start) => break (start, true),
                Event::Eof => return Err(self.fail("the document has no elements")),
                _ => {}
            }
        };
        let ns = match self.xml.resolver().resolve_element(start.name()).0 {
            ResolveResult::Bound(ns) => ns.as_ref().to_string(),
            _ => String::new(),
        };
        let root = Element { start, empty };
        let version = ns.strip_prefix(NAMESPACE).filter(|_| root.is("bom"));
        let Some(version) = version else {
            return Err(self.fail(format!(
                "the root element is <{}> in namespace {:?}, where <bom> in \
                 http://cyclonedx.org/schema/bom/1.x was expected",
                root.start.local_name().as_ref(),
                ns,
            )));
        };
        let version = spec_version(version).map_err(|d| self.fail(d))?;
        self.bom.spec_version = Some(version);
        self.namespace = ns;
        self.bom.serial_number = self.attribute(&root, "serialNumber")?;
        self.path.push(("bom", None));
        if !root.empty {
            while let Some(el) = self.child()? {
                if el.is("metadata") {
                    self.metadata(&el)?;
                } else if el.is("components") {
                    self.components(&el, None, 1)?;
                } else if el.is("dependencies") {
                    self.dependencies(&el)?;
                } else {
                    self.skip(&el)?;
                }
            }
        }
        self.path.clear();
        loop {
            match self.xml.read_event().map_err(|e| self.broken(e))? {
                Event::Eof => return Ok(()),
                Event::Start(_) | Event::Empty(_) => {
                    return Err(self.fail("an element after </bom>, where the document should end"))
                }
                _ => {}
            }
        }
    }

    fn metadata(&mut self, el: &Element<'i>) -> Result<(), Problem> {
        self.path.push(("metadata", None));
        while let Some(child) = self.child_of(el)? {
            if child.is("timestamp") {
                self.bom.created = self.text(&child)?;
            } else if child.is("tools") {
                self.tools(&child)?;
            } else if child.is("authors") {
                self.path.push(("authors", None));
                while let Some(author) = self.child_of(&child)? {
                    let (name, email) = self.person(&author)?;
                    self.bom.authors.extend(contact(name, email));
                }
                self.path.pop();
            } else if child.is("component") {
                self.bom.begin_subject().map_err(|d| self.fail(d))?;
                self.component(&child, None, 1)?;
                self.bom.end_subject();
            } else if child.is("manufacture") {
                self.bom.subject_manufacturer = self.entity(&child)?;
            } else if child.is("manufacturer") {
                let maker = self.entity(&child)?;
                self.bom.authors.extend(maker);
            } else if child.is("supplier") {
                self.bom.subject_supplier = self.entity(&child)?;
            } else {
                self.skip(&child)?;
            }
        }
        self.path.pop();
        Ok(())
    }

    /// `<tools>`: `<tool>`s (1.2-1.4), or `<components>` and `<services>` (1.5+).
    fn tools(&mut self, el: &Element<'i>) -> Result<(), Problem> {
        self.path.push(("tools", None));
        while let Some(child) = self.child_of(el)? {
            if child.is("tool") {
                let [vendor, name, version] = self.fields(&child, ["vendor", "name", "version"])?;
                self.bom.tools.extend(tool_name([vendor, name, version]));
            } else if child.is("components") || child.is("services") {
                while let Some(tool) = self.child_of(&child)? {
                    let [group, name, version] =
                        self.fields(&tool, ["group", "name", "version"])?;
                    self.bom.tools.extend(tool_name([group, name, version]));
                }
            } else {
                self.skip(&child)?;
            }
        }
        self.path.pop();
        Ok(())
    }

    fn components(
        &mut self,
        el: &Element<'i>,
        parent: Option<usize>,
        depth: usize,
    ) -> Result<(), Problem> {
        self.path.push(("components", None));
        while let Some(child) = self.child_of(el)? {
            if child.is("component") {
                self.component(&child, parent, depth)?;
            } else {
                self.skip(&child)?;
            }
        }
        self.path.pop();
        Ok(())
    }

    fn component(
        &mut self,
        el: &Element<'i>,
        parent: Option<usize>,
        depth: usize,
    ) -> Result<(), Problem> {
        let slot = self.bom.open(parent, depth).map_err(|d| self.fail(d))?;
        self.path.push(("component", Some(slot)));
        let mut c = Component {
            bom_ref: self.attribute(el, "bom-ref")?,
            kind: self.attribute(el, "type")?,
            ..Component::default()
        };
        while let Some(child) = self.child_of(el)? {
            let name = child.start.local_name();
            match name.as_ref() {
                "name" => c.name = self.text(&child)?,
                "version" => c.version = self.text(&child)?,
                "purl" => c.purl = self.text(&child)?,
                "cpe" => c.cpe = self.text(&child)?,
                "author" => c.author = self.text(&child)?,
                "publisher" => c.publisher = self.text(&child)?,
                "copyright" => c.copyright = self.text(&child)?,
                "description" => c.description = self.text(&child)?,
                "supplier" => c.supplier = self.entity(&child)?,
                "manufacturer" => c.manufacturer = self.entity(&child)?,
                "authors" => {
                    while let Some(author) = self.child_of(&child)? {
                        c.authors.extend(self.person(&author)?.0);
                    }
                }
                "licenses" => c.licenses = self.licenses(&child)?,
                "hashes" => c.hashes = self.hashes(&child)?,
                "externalReferences" => c.external_refs = self.references(&child)?,
                "components" => self.components(&child, Some(slot), depth + 1)?,
                _ => self.skip(&child)?,
            }
        }
        self.bom.fill(slot, c);
        self.path.pop();
        Ok(())
    }

    /// `<license acknowledgement=…><id>|<name></license>` and `<expression>`, in order.
    fn licenses(&mut self, el: &Element<'i>) -> Result<Vec<License>, Problem> {
        self.path.push(("licenses", None));
        let mut licenses = Vec::new();
        while let Some(child) = self.child_of(el)? {
            let concluded =
                self.attribute(&child, "acknowledgement")?.as_deref() == Some("concluded");
            let (text, expression) = if child.is("expression") {
                (self.text(&child)?, true)
            } else if child.is("license") {
                let [id, name] = self.fields(&child, ["id", "name"])?;
                (id.or(name), false)
            } else {
                self.skip(&child)?;
                continue;
            };
            licenses.extend(text.map(|text| License {
                text,
                expression,
                concluded,
            }));
        }
        self.path.pop();
        Ok(licenses)
    }

    /// `<hash alg="SHA-256">…</hash>`s.
    fn hashes(&mut self, el: &Element<'i>) -> Result<Vec<Hash>, Problem> {
        let mut hashes = Vec::new();
        while let Some(child) = self.child_of(el)? {
            let algorithm = self.attribute(&child, "alg")?;
            let value = self.text(&child)?;
            if let (Some(algorithm), Some(value)) = (algorithm, value) {
                hashes.push(Hash { algorithm, value });
            }
        }
        Ok(hashes)
    }

    /// `<reference type="vcs"><url>…</url></reference>`s.
    fn references(&mut self, el: &Element<'i>) -> Result<Vec<ExternalRef>, Problem> {
        let mut refs = Vec::new();
        while let Some(child) = self.child_of(el)? {
            let kind = self.attribute(&child, "type")?;
            let [url] = self.fields(&child, ["url"])?;
            if let Some(locator) = url {
                let kind = kind.unwrap_or_else(|| "other".into());
                refs.push(ExternalRef { kind, locator });
            }
        }
        Ok(refs)
    }

    /// `<dependency ref="a"><dependency ref=""/></dependency>`s.
    fn dependencies(&mut self, el: &Element<'i>) -> Result<(), Problem> {
        self.path.push(("dependencies", None));
        while let Some(child) = self.child_of(el)? {
            let from = self.attribute(&child, "ref")?;
            let mut to = Vec::new();
            while let Some(target) = self.child_of(&child)? {
                if target.is("dependency") {
                    to.extend(self.attribute(&target, "ref")?);
                }
                self.skip(&target)?;
            }
            if let Some(from) = from {
                self.bom.depends(from, to);
            }
        }
        self.path.pop();
        Ok(())
    }

    /// An organizationalEntity's `<name>`.
    fn entity(&mut self, el: &Element<'i>) -> Result<Option<String>, Problem> {
        let [name] = self.fields(el, ["name"])?;
        Ok(name)
    }

    /// An organizationalContact's `<name>` and `<email>`.
    fn person(&mut self, el: &Element<'i>) -> Result<(Option<String>, Option<String>), Problem> {
        let [name, email] = self.fields(el, ["name", "email"])?;
        Ok((name, email))
    }

    /// The text of the children named, the others skipped.
    fn fields<const N: usize>(
        &mut self,
        el: &Element<'i>,
        names: [&str; N],
    ) -> Result<[Option<String>; N], Problem> {
        let mut values = [const { None }; N];
        while let Some(child) = self.child_of(el)? {
            let local = child.start.local_name();
            match names.iter().position(|n| *n == local.as_ref()) {
                Some(i) => values[i] = self.text(&child)?,
                None => self.skip(&child)?,
            }
        }
        Ok(values)
    }

    /// The next child of `el` in the CycloneDX namespace, or `None` at its end tag.
    fn child_of(&mut self, el: &Element<'i>) -> Result<Option<Element<'i>>, Problem> {
        if el.empty {
            return Ok(None);
        }
        self.child()
    }

    /// The next element in the CycloneDX namespace, or `None` at the end tag of the element
    /// being read. Text between elements and other namespaces' elements are passed over.
    fn child(&mut self) -> Result<Option<Element<'i>>, Problem> {
        loop {
            let (ns, event) = match self.xml.read_resolved_event() {
                Ok(read) => read,
                Err(e) => return Err(self.broken(e)),
            };
            let ours = matches!(ns, ResolveResult::Bound(ns) if ns.as_ref() == self.namespace);
            match event {
                Event::Start(start) if ours => {
                    return Ok(Some(Element {
                        start,
                        empty: false,
                    }))
                }
                Event::Empty(start) if ours => return Ok(Some(Element { start, empty: true })),
                Event::Start(start) => {
                    self.xml
                        .read_to_end(start.name())
                        .map_err(|e| self.broken(e))?;
                }
                Event::End(_) => return Ok(None),
                Event::Eof => return Err(self.fail("the document ends inside an element")),
                _ => {}
            }
        }
    }

    fn skip(&mut self, el: &Element<'i>) -> Result<(), Problem> {
        if !el.empty {
            self.xml
                .read_to_end(el.start.name())
                .map_err(|e| self.broken(e))?;
        }
        Ok(())
    }

    /// An element's text, entities and CDATA resolved; child elements (not in the schema for
    /// text) are skipped.
    fn text(&mut self, el: &Element<'i>) -> Result<Option<String>, Problem> {
        if el.empty {
            return Ok(None);
        }
        let mut value: Cow<'i, str> = Cow::Borrowed("");
        let mut push = |piece: Cow<'i, str>| {
            if value.is_empty() {
                value = piece;
            } else {
                value.to_mut().push_str(&piece);
            }
        };
        loop {
            match self.xml.read_event().map_err(|e| self.broken(e))? {
                Event::Text(text) => push(text.xml10_content()),
                Event::CData(cdata) => push(cdata.xml10_content()),
                Event::GeneralRef(entity) => {
                    let ch = entity.resolve_char_ref().map_err(|e| self.broken(e))?;
                    match ch {
                        Some(ch) => push(Cow::Owned(ch.to_string())),
                        None => match resolve_predefined_entity(&entity) {
                            Some(s) => push(Cow::Borrowed(s)),
                            None => {
                                return Err(self.fail(format!(
                                    "the entity &{}; in <{}>, where only XML's own (&amp; &lt; \
                                     &gt; &apos; &quot;) and character references are read",
                                    &*entity,
                                    el.start.local_name().as_ref(),
                                )))
                            }
                        },
                    }
                }
                Event::Start(inner) => {
                    self.xml
                        .read_to_end(inner.name())
                        .map_err(|e| self.broken(e))?;
                }
                Event::End(_) => break,
                Event::Eof => return Err(self.fail("the document ends inside an element")),
                _ => {}
            }
        }
        Ok(stated(value.into_owned()))
    }

    fn attribute(&self, el: &Element<'i>, name: &str) -> Result<Option<String>, Problem> {
        let attr = el.start.try_get_attribute(name).map_err(|e| {
            self.fail(format!(
                "a broken attribute in <{}>: {e}",
                el.start.local_name().as_ref()
            ))
        })?;
        match attr {
            None => Ok(None),
            Some(attr) => {
                let value = attr
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| self.broken(e))?;
                Ok(stated(value.into_owned()))
            }
        }
    }

    /// A problem at the reader's position, inside the elements being read.
    fn fail(&self, detail: impl Into<String>) -> Problem {
        self.problem_at(self.xml.buffer_position(), detail.into())
    }

    /// XML that is not well-formed, at the place the reader found it.
    fn broken(&self, error: impl std::fmt::Display) -> Problem {
        let detail = format!("not well-formed XML: {error}");
        self.problem_at(self.xml.error_position(), detail)
    }

    fn problem_at(&self, position: u64, detail: String) -> Problem {
        // Deep nesting would repeat components/component for lines: the outermost two
        // elements and the innermost six say where.
        let mut path = String::new();
        let skipped = self.path.len().saturating_sub(8);
        for (i, (name, index)) in self.path.iter().enumerate() {
            if (2..2 + skipped).contains(&i) {
                if i == 2 {
                    path.push_str("/…");
                }
                continue;
            }
            path.push('/');
            path.push_str(name);
            if let Some(index) = index {
                path.push_str(&format!("(#{index})"));
            }
        }
        let position = usize::try_from(position).unwrap_or(usize::MAX);
        Problem::at(place(&path, self.text, position), detail)
    }
}

/// "/bom/components/component(#3), line 12, column 5 (byte 301)".
fn place(path: &str, text: &str, position: usize) -> String {
    let position = position.min(text.len());
    let before = &text.as_bytes()[..position];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = position
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    let place = format!("line {line}, column {column} (byte {position})");
    if path.is_empty() {
        place
    } else {
        format!("{path}, {place}")
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

    const OPEN: &str = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6">"#;

    #[test]
    fn other_roots_and_namespaces_are_refused() {
        let p = problem(r#"<bom xmlns="http://example.org/bom"/>"#);
        assert!(p.detail.contains("where <bom> in"), "{p:?}");
        let p = problem(r#"<sbom xmlns="http://cyclonedx.org/schema/bom/1.5"/>"#);
        assert!(p.detail.contains("<sbom>"), "{p:?}");
        let p = problem(r#"<bom xmlns="http://cyclonedx.org/schema/bom/2.0"/>"#);
        assert!(p.detail.contains("1.x"), "{p:?}");
    }

    #[test]
    fn errors_name_the_element_path_and_the_line() {
        let p = problem(&format!(
            "{OPEN}\n<components>\n<component><name>a</name></component>\n\
             <component><licenses><license><id>MIT</name></license></licenses>"
        ));
        let at = p.at.unwrap_or_default();
        assert!(
            at.starts_with("/bom/components/component(#1)/licenses, line 4"),
            "{at}"
        );
        assert!(p.detail.contains("not well-formed"), "{}", p.detail);
        let p = problem(&format!(
            "{OPEN}<components><component><name>a &nbsp; b</name>"
        ));
        assert!(p.detail.contains("&nbsp;"), "{p:?}");
        let p = problem(&format!("{OPEN}<components><component>"));
        assert!(p.detail.contains("ends inside"), "{p:?}");
        let p = problem("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>\n<bom/>");
        assert!(p.detail.contains("after </bom>"), "{p:?}");
        let mut latin1 = OPEN.as_bytes().to_vec();
        latin1.extend(b"\n<components><component><name>caf\xe9</name>");
        let p = parse(&latin1).expect_err("not UTF-8");
        assert_eq!(p.at.as_deref(), Some("line 2, column 33 (byte 82)"));
    }
}
