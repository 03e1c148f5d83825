//! Parsing of `WWW-Authenticate` headers (RFC 7235) into challenges.
//!
//! Registries are loose with the grammar (unquoted URLs, missing spaces, odd casing), so the parser
//! is lenient: it keeps whatever it can read and never fails or panics.

use std::collections::BTreeMap;

/// One WWW-Authenticate challenge: scheme (lowercased: "basic", "bearer") and its auth-params.
///
/// Parameter names are lowercased; values are kept as sent, with quoting and escapes removed.
/// A token68 value (as in `Negotiate abc==`) is not kept: no registry scheme uses one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The auth scheme, lowercased: `basic`, `bearer`, …
    pub scheme: String,
    /// The auth-params by lowercased name; where a name repeats, the first value wins.
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    /// The value of the auth-param `name` (give it lowercased), if the challenge has one.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The `realm`: the token endpoint's URL for Bearer, a protection space's name for Basic.
    pub fn realm(&self) -> Option<&str> {
        self.param("realm")
    }

    /// The `service` a token request names, as the registry sent it.
    pub fn service(&self) -> Option<&str> {
        self.param("service")
    }

    /// The token `scope` the registry says the refused request needs.
    pub fn scope(&self) -> Option<&str> {
        self.param("scope")
    }

    /// The registry's error code, such as `insufficient_scope`, when it gives one.
    pub fn error(&self) -> Option<&str> {
        self.param("error")
    }
}

/// Parses a WWW-Authenticate header value: several challenges possibly, quoted strings with
/// escapes, commas inside quotes (`scope="repository:a:pull,push"`), token68 values,
/// case-insensitive scheme and param names. Garbage gives an empty or partial list.
pub fn parse_challenges(header: &str) -> Vec<Challenge> {
    let mut parser = Parser {
        chars: header.chars().collect(),
        pos: 0,
    };
    let mut challenges = Vec::new();
    loop {
        parser.skip(|c| c == ',' || c.is_whitespace());
        if parser.at_end() {
            break;
        }
        let scheme = parser.token();
        if scheme.is_empty() {
            // Not a token: skip the offending character and look for the next challenge.
            parser.pos += 1;
            continue;
        }
        let mut challenge = Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params: BTreeMap::new(),
        };
        parser.skip_token68();
        while let Some((name, value)) = parser.param() {
            challenge
                .params
                .entry(name.to_ascii_lowercase())
                .or_insert(value);
        }
        challenges.push(challenge);
    }
    challenges
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

/// RFC 7230 `tchar`.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn is_token68_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~+/".contains(c)
}

impl Parser {
    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip(&mut self, pred: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
    }

    fn take_while(&mut self, pred: impl Fn(char) -> bool) -> String {
        let start = self.pos;
        self.skip(pred);
        self.chars[start..self.pos].iter().collect()
    }

    fn token(&mut self) -> String {
        self.take_while(is_tchar)
    }

    /// Skips a token68 right after a scheme. It is one only when it is followed by the end of the
    /// challenge: `realm=x` starts with the same characters but continues with a value.
    fn skip_token68(&mut self) {
        let start = self.pos;
        self.skip(|c| c == ' ' || c == '\t');
        let after_space = self.pos;
        self.skip(is_token68_char);
        if self.pos == after_space {
            self.pos = start;
            return;
        }
        self.skip(|c| c == '=');
        self.skip(|c| c == ' ' || c == '\t');
        if !(self.at_end() || self.peek() == Some(',')) {
            self.pos = start;
        }
    }

    /// Reads the next `name=value` of the current challenge, or returns None (leaving the position
    /// at the start of the next challenge's scheme) when what follows is not a parameter.
    fn param(&mut self) -> Option<(String, String)> {
        let start = self.pos;
        self.skip(|c| c == ',' || c.is_whitespace());
        let name = self.token();
        self.skip(|c| c == ' ' || c == '\t');
        if name.is_empty() || self.peek() != Some('=') {
            self.pos = start;
            return None;
        }
        self.pos += 1;
        self.skip(|c| c == ' ' || c == '\t');
        let value = if self.peek() == Some('"') {
            self.pos += 1;
            self.quoted()
        } else {
            // Lenient: many servers send unquoted URLs, which are not tokens.
            self.take_while(|c| c != ',' && !c.is_whitespace())
        };
        Some((name, value))
    }

    /// The rest of a quoted-string whose opening quote was consumed. An unterminated string runs
    /// to the end of the header.
    fn quoted(&mut self) -> String {
        let mut value = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                '"' => break,
                '\\' => {
                    if let Some(escaped) = self.peek() {
                        value.push(escaped);
                        self.pos += 1;
                    }
                }
                _ => value.push(c),
            }
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(header: &str) -> Challenge {
        let mut all = parse_challenges(header);
        assert_eq!(all.len(), 1, "{header:?} gave {all:?}");
        all.remove(0)
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn docker_hub() {
        let c = one(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
        );
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.realm(), Some("https://auth.docker.io/token"));
        assert_eq!(c.service(), Some("registry.docker.io"));
        assert_eq!(c.scope(), Some("repository:library/alpine:pull"));
        assert_eq!(c.error(), None);
    }

    #[test]
    fn ghcr() {
        let c = one(
            r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull""#,
        );
        assert_eq!(c.realm(), Some("https://ghcr.io/token"));
        assert_eq!(c.service(), Some("ghcr.io"));
    }

    #[test]
    fn harbor_with_comma_inside_quotes() {
        let c = one(
            r#"Bearer realm="https://harbor.example.com/service/token",service="harbor-registry",scope="repository:library/nginx:pull,push""#,
        );
        assert_eq!(c.scope(), Some("repository:library/nginx:pull,push"));
        assert_eq!(c.service(), Some("harbor-registry"));
    }

    #[test]
    fn basic_realm() {
        let c = one(r#"Basic realm="Registry Realm""#);
        assert_eq!(c.scheme, "basic");
        assert_eq!(c.params, params(&[("realm", "Registry Realm")]));
    }

    #[test]
    fn bare_scheme() {
        assert_eq!(one("Basic").params, BTreeMap::new());
        assert_eq!(one("  basic  ").scheme, "basic");
    }

    #[test]
    fn insufficient_scope_error() {
        let c = one(
            r#"Bearer realm="https://r/token",service="r",scope="repository:a/b:pull,push",error="insufficient_scope""#,
        );
        assert_eq!(c.error(), Some("insufficient_scope"));
        assert_eq!(c.scope(), Some("repository:a/b:pull,push"));
    }

    #[test]
    fn case_insensitive_scheme_and_names() {
        let c = one(r#"BEARER Realm="https://r/token", SERVICE="Svc""#);
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.realm(), Some("https://r/token"));
        assert_eq!(c.service(), Some("Svc"), "values keep their case");
    }

    #[test]
    fn escapes_in_quoted_strings() {
        let c = one(r#"Bearer realm="a\"b\\c",error_description="say \"hi\", then go""#);
        assert_eq!(c.realm(), Some(r#"a"b\c"#));
        assert_eq!(c.param("error_description"), Some(r#"say "hi", then go"#));
    }

    #[test]
    fn unquoted_values_and_spaces_around_equals() {
        let c = one(
            "Bearer realm = https://r.example/token , service=r.example,scope=registry:catalog:*",
        );
        assert_eq!(c.realm(), Some("https://r.example/token"));
        assert_eq!(c.service(), Some("r.example"));
        assert_eq!(c.scope(), Some("registry:catalog:*"));
    }

    #[test]
    fn several_challenges() {
        let all = parse_challenges(
            r#"Basic realm="basic realm", Bearer realm="https://r/token",service="r", Negotiate"#,
        );
        let schemes: Vec<_> = all.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["basic", "bearer", "negotiate"]);
        assert_eq!(all[0].realm(), Some("basic realm"));
        assert_eq!(all[1].service(), Some("r"));
    }

    #[test]
    fn token68_is_skipped_without_eating_the_next_challenge() {
        let all = parse_challenges(r#"Negotiate abc+/==, Basic realm="x""#);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].scheme, "negotiate");
        assert!(all[0].params.is_empty());
        assert_eq!(all[1].realm(), Some("x"));
        assert_eq!(one("Negotiate abc").scheme, "negotiate");
    }

    #[test]
    fn first_value_wins_for_repeated_params() {
        assert_eq!(one(r#"Bearer realm="a", realm="b""#).realm(), Some("a"));
    }

    #[test]
    fn empty_and_garbage_never_panic() {
        assert!(parse_challenges("").is_empty());
        assert!(parse_challenges("   ,, ,").is_empty());
        assert!(parse_challenges("\"\"\"").is_empty());
        for garbage in [
            "=",
            "===",
            "Bearer =",
            "Bearer realm=",
            "Bearer realm=\"unterminated",
            "Bearer realm=\"ends in backslash\\",
            "@@@ Basic",
            "Bearer ,,, realm=\"x\"",
            "ünïcödé realm=\"é\"",
            "Bearer realm=\"x\" garbage here, service=\"y\"",
        ] {
            let _ = parse_challenges(garbage);
        }
        assert_eq!(
            one("Bearer realm=\"unterminated").realm(),
            Some("unterminated")
        );
        // A lone `name=` is a valid token68, so it is not a parameter.
        assert_eq!(one("Bearer realm=").params, BTreeMap::new());
        assert_eq!(one("Bearer realm=, service=x").service(), Some("x"));
        let all = parse_challenges("@@@ Basic");
        assert_eq!(all.last().map(|c| c.scheme.as_str()), Some("basic"));
    }
}
