//! Image references (`[registry/]repository[:tag][@digest]`), parsed and normalised the way docker does.

use std::fmt;
use std::str::FromStr;

use crate::digest::Digest;

/// The registry name docker uses for Docker Hub, and the host its API really lives on.
pub const DOCKER_HUB: &str = "docker.io";
/// The host Docker Hub's registry API is served from; references still say `docker.io`.
pub const DOCKER_HUB_API: &str = "registry-1.docker.io";

const MAX_NAME_LEN: usize = 255;
const MAX_TAG_LEN: usize = 128;

/// A parsed reference. `registry` is normalised (`index.docker.io` -> `docker.io`) and the
/// repository carries docker's `library/` prefix for one-component Docker Hub names.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The normalised registry host, with its port if any (`docker.io`, `ghcr.io`, `host:5000`).
    pub registry: String,
    /// The repository path within the registry (`library/alpine`, `org/app`).
    pub repository: String,
    /// The tag, if one was given; when a digest is given too, the digest is what gets fetched.
    pub tag: Option<String>,
    /// The manifest's digest, if one was given after `@`.
    pub digest: Option<Digest>,
}

/// A reference (or a tag given on its own) that does not parse or breaks docker's grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid reference {input:?}: {reason}")]
pub struct ReferenceError {
    /// The text that was refused, as given.
    pub input: String,
    /// What is wrong with it, in words for the user.
    pub reason: String,
}

impl Reference {
    /// A reference to `repository` on `registry` with neither tag nor digest.
    pub fn repository(registry: &str, repository: &str) -> Result<Reference, ReferenceError> {
        format!("{}/{}", normalize_registry(registry), repository).parse()
    }

    /// The same repository, pointing at `digest`.
    pub fn with_digest(&self, digest: Digest) -> Reference {
        Reference {
            tag: None,
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// The same repository, pointing at `tag`.
    pub fn with_tag(&self, tag: &str) -> Result<Reference, ReferenceError> {
        validate_tag(tag).map_err(|reason| ReferenceError {
            input: tag.to_string(),
            reason,
        })?;
        Ok(Reference {
            tag: Some(tag.to_string()),
            digest: None,
            ..self.clone()
        })
    }

    /// Host (and port) to send API requests to.
    pub fn api_host(&self) -> &str {
        api_host(&self.registry)
    }

    /// What to put in `/v2/<name>/manifests/<here>`: the digest when there is one, else the tag,
    /// else `latest`, as docker does.
    pub fn manifest_selector(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".to_string(),
        }
    }

    /// `registry/repository`, with no tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }
}

/// `index.docker.io` and `registry-1.docker.io` are spelled `docker.io`, and hosts are lowercased.
pub fn normalize_registry(registry: &str) -> String {
    let lower = registry.trim_end_matches('/').to_ascii_lowercase();
    let lower = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower)
        .trim_end_matches("/v1")
        .trim_end_matches("/v2")
        .trim_end_matches('/')
        .to_string();
    match lower.as_str() {
        "index.docker.io" | DOCKER_HUB_API => DOCKER_HUB.to_string(),
        _ => lower,
    }
}

/// The host to talk to for a normalised registry name.
pub fn api_host(registry: &str) -> &str {
    if registry == DOCKER_HUB {
        DOCKER_HUB_API
    } else {
        registry
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| ReferenceError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(err("empty reference"));
        }
        let (rest, digest) = match input.split_once('@') {
            Some((rest, d)) => (
                rest,
                Some(
                    d.parse::<Digest>()
                        .map_err(|e| err(&format!("bad digest: {}", e.reason)))?,
                ),
            ),
            None => (input, None),
        };
        // A colon after the last slash starts the tag; one before it belongs to a registry port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].find(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(tag) = tag {
            validate_tag(tag).map_err(|r| err(&r))?;
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (normalize_registry(first), rest.to_string())
            }
            _ => (DOCKER_HUB.to_string(), name.to_string()),
        };
        validate_registry(&registry).map_err(|r| err(&r))?;
        let repository = if registry == DOCKER_HUB && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        validate_repository(&repository).map_err(|r| err(&r))?;
        if registry.len() + 1 + repository.len() > MAX_NAME_LEN {
            return Err(err("name longer than 255 characters"));
        }
        Ok(Reference {
            registry,
            repository,
            tag: tag.map(str::to_string),
            digest,
        })
    }
}

/// Checks a tag against the distribution spec's grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn validate_tag(tag: &str) -> Result<(), String> {
    let mut bytes = tag.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !first_ok || tag.len() > MAX_TAG_LEN {
        return Err(format!(
            "tag {tag:?} must start with a letter, digit or _ and be at most {MAX_TAG_LEN} characters"
        ));
    }
    if !bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')) {
        return Err(format!(
            "tag {tag:?} may only hold letters, digits, '_', '.' and '-'"
        ));
    }
    Ok(())
}

/// docker's grammar for the registry part: a host (DNS labels of letters, digits and inner
/// dashes joined by dots, or an IPv6 address in brackets) and an optional numeric port. Without
/// it, `OCI:/x` would name the registry `oci:` and print as the layout location `oci:/x`.
fn validate_registry(registry: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "registry {registry:?} must be a host name or an IP address, with an optional numeric port"
        )
    };
    let (host_ok, port) = match registry.strip_prefix('[') {
        Some(rest) => {
            let (address, after) = rest.split_once(']').ok_or_else(bad)?;
            let ipv6 =
                !address.is_empty() && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
            let port = match after {
                "" => None,
                after => Some(after.strip_prefix(':').ok_or_else(bad)?),
            };
            (ipv6, port)
        }
        None => {
            let (host, port) = match registry.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (registry, None),
            };
            (!host.is_empty() && host.split('.').all(valid_label), port)
        }
    };
    let port_ok = port.is_none_or(|p| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok()
    });
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A DNS label as docker reads one: `[a-zA-Z0-9]` or `[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`.
fn valid_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
}

/// Path components: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, joined by `/`.
fn validate_repository(repository: &str) -> Result<(), String> {
    if repository.is_empty() {
        return Err("empty repository name".into());
    }
    for component in repository.split('/') {
        if !valid_component(component) {
            return Err(format!(
                "repository component {component:?} must be lowercase letters and digits, \
                 separated by '.', '_', '__' or dashes"
            ));
        }
    }
    Ok(())
}

fn valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reference({self})")
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    fn parse(s: &str) -> Reference {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn docker_hub_short_names_get_library() {
        let r = parse("alpine");
        assert_eq!(r.registry, "docker.io");
        assert_eq!(r.repository, "library/alpine");
        assert_eq!(r.api_host(), "registry-1.docker.io");
        assert_eq!(r.manifest_selector(), "latest");
        assert_eq!(r.to_string(), "docker.io/library/alpine");
    }

    #[test]
    fn docker_hub_aliases_are_normalised() {
        assert_eq!(parse("index.docker.io/foo/bar:1").registry, "docker.io");
        assert_eq!(parse("docker.io/ubuntu").repository, "library/ubuntu");
        assert_eq!(parse("user/app").repository, "user/app");
    }

    #[test]
    fn registry_needs_dot_colon_or_localhost() {
        let r = parse("localhost/app");
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("localhost", "app")
        );
        let r = parse("127.0.0.1:5000/a/b:v1");
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "a/b");
        assert_eq!(r.tag.as_deref(), Some("v1"));
        let r = parse("ghcr.io/org/img");
        assert_eq!(r.registry, "ghcr.io");
    }

    #[test]
    fn port_is_not_a_tag() {
        let r = parse("registry.example.com:443/team/app");
        assert_eq!(r.registry, "registry.example.com:443");
        assert_eq!(r.tag, None);
    }

    #[test]
    fn tag_and_digest_together() {
        let r = parse(&format!("ghcr.io/a/b:v1@{D}"));
        assert_eq!(r.tag.as_deref(), Some("v1"));
        assert_eq!(
            r.digest.as_ref().map(|d| d.to_string()),
            Some(D.to_string())
        );
        assert_eq!(r.manifest_selector(), D);
        assert_eq!(r.to_string(), format!("ghcr.io/a/b:v1@{D}"));
    }

    #[test]
    fn refuses_bad_references_with_reasons() {
        for bad in [
            "",
            "UPPER/case",
            "ghcr.io/a//b",
            "ghcr.io/a/b:",
            "ghcr.io/a/b:-tag",
            "ghcr.io/a/b@sha256:nothex",
            "a/-b",
            "a/b_",
            "a/b...c",
            "ghcr.io/a/b:tag with space",
        ] {
            let e = bad.parse::<Reference>().expect_err(bad);
            assert!(!e.reason.is_empty());
            assert!(e.to_string().contains("invalid reference"));
        }
        let long = format!("ghcr.io/{}", "a".repeat(260));
        assert!(long.parse::<Reference>().is_err());
    }

    /// Found by the `reference` fuzz target: `ocI:/x` parsed with the registry `oci:`, which
    /// printed as the layout location `oci:/x`.
    #[test]
    fn a_registry_is_a_host_with_an_optional_numeric_port() {
        for ok in [
            "ghcr.io/a",
            "localhost:5000/a",
            "127.0.0.1:5000/a",
            "[::1]:5000/a",
            "[fe80::1]/a",
            "my-registry.example.com:443/a",
            "REG.example/a",
        ] {
            parse(ok);
        }
        for bad in [
            "ocI:/x",
            "oci:/x",
            "reg.example:/a",
            "reg.example:port/a",
            "reg.example:99999/a",
            "reg.example:+5/a",
            "a..b/c",
            ".example/a",
            "-reg.example/a",
            "reg_1.example/a",
            "[::1/a",
            "[]:5000/a",
            "[::1]x/a",
            "[::g]/a",
            "a:b:c/d",
        ] {
            let e = bad.parse::<Reference>().expect_err(bad);
            assert!(e.reason.contains("registry"), "{bad}: {}", e.reason);
        }
    }

    #[test]
    fn separators_follow_the_spec() {
        for ok in ["a/b.c", "a/b_c", "a/b__c", "a/b---c", "a/b-c.d_e"] {
            parse(ok);
        }
    }

    #[test]
    fn normalises_registry_urls() {
        assert_eq!(
            normalize_registry("https://index.docker.io/v1/"),
            "docker.io"
        );
        assert_eq!(normalize_registry("GHCR.io"), "ghcr.io");
        assert_eq!(
            normalize_registry("http://127.0.0.1:5000"),
            "127.0.0.1:5000"
        );
    }
}
