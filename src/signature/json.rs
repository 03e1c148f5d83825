//! A reader over untrusted JSON that knows where it is: every accessor returns a
//! [`SignatureError`] naming the document and the path (`Payload.integratedTime`), so the
//! parsers never index, unwrap or lose the place where a registry's bytes went wrong.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::{Map, Value};

use super::SignatureError;

/// Which base64 a field is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Base64 {
    /// RFC 4648 section 4 (cosign annotations, x5c); padding optional, as Go writers differ.
    Standard,
    /// RFC 4648 section 5 without padding, as JWS (RFC 7515) requires.
    UrlNoPad,
    /// Either alphabet, padding optional: protobuf-JSON `bytes` and DSSE, whose readers
    /// (protojson, go-securesystemslib) accept both.
    Either,
}

const INDIFFERENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, INDIFFERENT);
const URL: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, INDIFFERENT);
const URL_NO_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

impl Base64 {
    pub(super) fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Base64::Standard => STANDARD.decode(text).ok(),
            Base64::UrlNoPad => URL_NO_PAD.decode(text).ok(),
            Base64::Either => STANDARD.decode(text).or_else(|_| URL.decode(text)).ok(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Base64::Standard => "base64",
            Base64::UrlNoPad => "unpadded base64url",
            Base64::Either => "base64",
        }
    }
}

/// Parses `bytes` as JSON; a syntax error names its line and column.
pub(super) fn parse(what: &'static str, bytes: &[u8]) -> Result<Value, SignatureError> {
    serde_json::from_slice(bytes).map_err(|e| syntax_error(what, &e))
}

/// A serde_json error as a [`SignatureError`], its place kept apart from its text.
pub(super) fn syntax_error(what: &'static str, e: &serde_json::Error) -> SignatureError {
    // serde_json's Display ends with " at line L column C"; the place goes into `at`.
    let text = e.to_string();
    let detail = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    SignatureError::Malformed {
        what,
        at: format!("line {}, column {}", e.line(), e.column()),
        detail: format!("not JSON: {detail}"),
    }
}

/// One value in a document, with the path that led to it.
#[derive(Debug, Clone)]
pub(super) struct Node<'a> {
    what: &'static str,
    path: String,
    value: &'a Value,
    /// Protobuf-JSON rules: snake_case names are accepted beside camelCase, `null` is absent,
    /// and 64-bit integers may be strings.
    proto: bool,
}

impl<'a> Node<'a> {
    pub(super) fn root(what: &'static str, value: &'a Value) -> Node<'a> {
        Node {
            what,
            path: String::new(),
            value,
            proto: false,
        }
    }

    /// A value found at `path` by other means (a member serde read apart from the rest).
    pub(super) fn at(what: &'static str, path: &str, value: &'a Value) -> Node<'a> {
        Node {
            what,
            path: path.to_string(),
            value,
            proto: false,
        }
    }

    /// The same value read under protobuf-JSON rules (sigstore bundles).
    pub(super) fn proto(self) -> Node<'a> {
        Node {
            proto: true,
            ..self
        }
    }

    pub(super) fn value(&self) -> &'a Value {
        self.value
    }

    pub(super) fn malformed(&self, detail: impl Into<String>) -> SignatureError {
        SignatureError::Malformed {
            what: self.what,
            at: self.path.clone(),
            detail: detail.into(),
        }
    }

    pub(super) fn unsupported(&self, detail: impl Into<String>) -> SignatureError {
        SignatureError::Unsupported {
            what: self.what,
            at: self.path.clone(),
            detail: detail.into(),
        }
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn child(&self, path: String, value: &'a Value) -> Node<'a> {
        Node {
            what: self.what,
            path,
            value,
            proto: self.proto,
        }
    }

    pub(super) fn object(&self) -> Result<&'a Map<String, Value>, SignatureError> {
        self.value.as_object().ok_or_else(|| {
            self.malformed(format!("expected an object, found {}", kind(self.value)))
        })
    }

    /// The member `key`, if present (and, under protobuf rules, not `null`).
    pub(super) fn get(&self, key: &str) -> Result<Option<Node<'a>>, SignatureError> {
        let map = self.object()?;
        let mut found = map.get(key);
        if found.is_none() && self.proto {
            found = map.get(&snake_case(key));
        }
        Ok(found
            .filter(|v| !(self.proto && v.is_null()))
            .map(|v| self.child(self.child_path(key), v)))
    }

    /// The member `key`, which must be present.
    pub(super) fn field(&self, key: &str) -> Result<Node<'a>, SignatureError> {
        self.get(key)?.ok_or_else(|| SignatureError::Malformed {
            what: self.what,
            at: self.child_path(key),
            detail: "missing".to_string(),
        })
    }

    pub(super) fn str(&self) -> Result<&'a str, SignatureError> {
        self.value
            .as_str()
            .ok_or_else(|| self.malformed(format!("expected a string, found {}", kind(self.value))))
    }

    /// A string that must not be empty.
    pub(super) fn non_empty_str(&self) -> Result<&'a str, SignatureError> {
        let s = self.str()?;
        if s.is_empty() {
            return Err(self.malformed("empty"));
        }
        Ok(s)
    }

    /// The items of an array, each with its index in the path.
    pub(super) fn items(&self) -> Result<Vec<Node<'a>>, SignatureError> {
        let items = self.value.as_array().ok_or_else(|| {
            self.malformed(format!("expected an array, found {}", kind(self.value)))
        })?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| self.child(format!("{}[{i}]", self.path), v))
            .collect())
    }

    /// A 64-bit integer: a JSON number, or under protobuf rules also a decimal string.
    pub(super) fn int(&self) -> Result<i64, SignatureError> {
        let parsed = match self.value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) if self.proto => parse_decimal(s),
            _ => None,
        };
        parsed.ok_or_else(|| self.malformed(self.expected_integer()))
    }

    /// A non-negative 64-bit integer (indices, sizes).
    pub(super) fn uint(&self) -> Result<u64, SignatureError> {
        let value = self.int()?;
        u64::try_from(value).map_err(|_| self.malformed(format!("{value} is negative")))
    }

    fn expected_integer(&self) -> String {
        let found = kind(self.value);
        if self.proto {
            format!("expected an integer (a number or a decimal string), found {found}")
        } else {
            format!("expected a number, found {found}")
        }
    }

    /// A string holding base64, decoded.
    pub(super) fn bytes(&self, encoding: Base64) -> Result<Vec<u8>, SignatureError> {
        encoding
            .decode(self.str()?)
            .ok_or_else(|| self.malformed(format!("not {}", encoding.name())))
    }

    /// Base64 bytes that must not be empty (signatures, certificates).
    pub(super) fn non_empty_bytes(&self, encoding: Base64) -> Result<Vec<u8>, SignatureError> {
        let bytes = self.bytes(encoding)?;
        if bytes.is_empty() {
            return Err(self.malformed("empty"));
        }
        Ok(bytes)
    }
}

/// A decimal integer as protobuf-JSON writes int64: optional minus, digits, nothing else.
fn parse_decimal(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `logIndex` -> `log_index`, the proto field name protojson also accepts.
fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What a value is, in words, for "expected X, found Y".
pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_name_members_and_items() {
        let v = json!({"a": {"b": [1, {"c": true}]}});
        let root = Node::root("doc", &v);
        let item = &root
            .field("a")
            .unwrap()
            .field("b")
            .unwrap()
            .items()
            .unwrap()[1];
        let e = item.field("c").unwrap().str().unwrap_err();
        assert_eq!(
            e.to_string(),
            "doc: a.b[1].c: expected a string, found a boolean"
        );
        let e = item.field("d").unwrap_err();
        assert_eq!(e.to_string(), "doc: a.b[1].d: missing");
    }

    #[test]
    fn integers_as_strings_only_under_protobuf_rules() {
        let v = json!({"n": "123", "m": 7, "neg": "-5", "bad": "12x", "f": 1.5});
        let plain = Node::root("doc", &v);
        assert_eq!(plain.field("m").unwrap().int().unwrap(), 7);
        let e = plain.field("n").unwrap().int().unwrap_err();
        assert_eq!(e.to_string(), "doc: n: expected a number, found a string");
        let proto = Node::root("doc", &v).proto();
        assert_eq!(proto.field("n").unwrap().uint().unwrap(), 123);
        assert_eq!(proto.field("neg").unwrap().int().unwrap(), -5);
        assert!(proto.field("neg").unwrap().uint().is_err());
        assert!(proto.field("bad").unwrap().int().is_err());
        assert!(proto.field("f").unwrap().int().is_err());
    }

    #[test]
    fn protobuf_rules_accept_snake_case_and_skip_null() {
        let v = json!({"log_index": "3", "rootHash": null});
        let proto = Node::root("doc", &v).proto();
        assert_eq!(proto.field("logIndex").unwrap().uint().unwrap(), 3);
        assert!(proto.get("rootHash").unwrap().is_none());
        assert!(Node::root("doc", &v).get("logIndex").unwrap().is_none());
    }

    #[test]
    fn base64_flavours() {
        assert_eq!(Base64::Standard.decode("/w==").unwrap(), [0xff]);
        assert_eq!(Base64::Standard.decode("/w").unwrap(), [0xff]);
        assert!(Base64::Standard.decode("_w").is_none());
        assert_eq!(Base64::UrlNoPad.decode("_w").unwrap(), [0xff]);
        assert!(Base64::UrlNoPad.decode("_w==").is_none());
        assert_eq!(Base64::Either.decode("_w==").unwrap(), [0xff]);
        assert_eq!(Base64::Either.decode("/w").unwrap(), [0xff]);
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = parse("doc", b"{\n  \"a\": }").unwrap_err();
        let SignatureError::Malformed { at, detail, .. } = e else {
            panic!("{e:?}");
        };
        assert_eq!(at, "line 2, column 8");
        assert!(detail.starts_with("not JSON"), "{detail}");
    }
}
