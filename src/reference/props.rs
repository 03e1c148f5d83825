//! Property tests: every valid reference (registry with or without a port, nested repository
//! paths, tags, digests) parses to what it says, prints as something that parses back to the
//! same reference, and prints the same again; layout locations likewise.

use proptest::prelude::*;

use super::*;
use crate::location::Location;

/// A repository path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn component() -> impl Strategy<Value = String> {
    let alnum = "[a-z0-9]{1,6}";
    let separator = prop_oneof![
        Just(".".to_string()),
        Just("_".to_string()),
        Just("__".to_string()),
        "-{1,3}"
    ];
    (alnum, proptest::collection::vec((separator, alnum), 0..3)).prop_map(|(first, rest)| {
        let mut c = first;
        for (sep, part) in rest {
            c.push_str(&sep);
            c.push_str(&part);
        }
        c
    })
}

fn repository() -> impl Strategy<Value = String> {
    proptest::collection::vec(component(), 1..5).prop_map(|parts| parts.join("/"))
}

/// A registry as a user writes it (None: Docker Hub, implied), and how it is normalised.
fn registry() -> impl Strategy<Value = Option<(String, String)>> {
    let host = prop_oneof![
        "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?){1,3}",
        Just("localhost".to_string()),
        "(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}",
        Just("[::1]".to_string()),
    ];
    let port = proptest::option::of(1u16..);
    let written = prop_oneof![
        (host, port).prop_map(|(h, p)| match p {
            Some(p) => format!("{h}:{p}"),
            None => h,
        }),
        Just("docker.io".to_string()),
        Just("index.docker.io".to_string()),
        Just("registry-1.docker.io".to_string()),
        Just("GHCR.io".to_string()),
    ];
    proptest::option::of(written.prop_map(|w| {
        let normalised = match w.as_str() {
            "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
            other => other.to_ascii_lowercase(),
        };
        (w, normalised)
    }))
}

fn tag() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
}

fn digest() -> impl Strategy<Value = Digest> {
    prop_oneof![
        any::<Vec<u8>>().prop_map(|b| Digest::sha256_of(&b)),
        any::<Vec<u8>>().prop_map(|b| {
            let mut h = crate::digest::Hasher::new(crate::digest::Algorithm::Sha512);
            h.update(&b);
            h.finish()
        }),
    ]
}

/// A valid reference as written, with the reference it must parse to.
fn written_reference() -> impl Strategy<Value = (String, Reference)> {
    (
        registry(),
        repository(),
        proptest::option::of(tag()),
        proptest::option::of(digest()),
    )
        .prop_filter(
            "names are at most 255 characters",
            |(registry, repository, _, _)| {
                let r = registry.as_ref().map_or(DOCKER_HUB, |(_, n)| n.as_str());
                r.len() + repository.len() + "/library/".len() <= MAX_NAME_LEN
            },
        )
        .prop_filter(
            "without a registry, the first component is not one (docker's rule)",
            |(registry, repository, _, _)| {
                let first = repository.split('/').next().unwrap_or_default();
                registry.is_some()
                    || !repository.contains('/')
                    || !(first.contains('.') || first == "localhost")
            },
        )
        .prop_map(|(registry, repository, tag, digest)| {
            let mut written = match &registry {
                Some((w, _)) => format!("{w}/{repository}"),
                None => repository.clone(),
            };
            if let Some(t) = &tag {
                written.push(':');
                written.push_str(t);
            }
            if let Some(d) = &digest {
                written.push('@');
                written.push_str(&d.to_string());
            }
            let registry = registry.map_or(DOCKER_HUB.to_string(), |(_, n)| n);
            let repository = if registry == DOCKER_HUB && !repository.contains('/') {
                format!("library/{repository}")
            } else {
                repository
            };
            let expected = Reference {
                registry,
                repository,
                tag,
                digest,
            };
            (written, expected)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_valid_reference_parses_to_what_it_says((written, expected) in written_reference()) {
        let parsed: Reference = written.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(parsed, expected);
    }

    #[test]
    fn a_printed_reference_parses_back_and_prints_the_same((written, _) in written_reference()) {
        let parsed: Reference = written.parse().unwrap();
        let printed = parsed.to_string();
        let again: Reference = printed.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(&again, &parsed);
        prop_assert_eq!(again.to_string(), printed);
        // A reference's name and its digest/tag forms are references too.
        let name: Reference = parsed.name().parse().unwrap();
        prop_assert_eq!((&name.registry, &name.repository), (&parsed.registry, &parsed.repository));
        if let Some(d) = &parsed.digest {
            let by_digest: Reference = parsed.with_digest(d.clone()).to_string().parse().unwrap();
            prop_assert_eq!(by_digest.digest.as_ref(), Some(d));
        }
    }

    #[test]
    fn a_remote_location_round_trips((written, expected) in written_reference()) {
        let location: Location = written.parse().unwrap();
        prop_assert_eq!(&location, &Location::Remote(expected));
        let again: Location = location.to_string().parse().unwrap();
        prop_assert_eq!(again, location);
    }

    #[test]
    fn a_layout_location_round_trips(
        path in "[^:@\\x00]{1,40}",
        tag in proptest::option::of(tag()),
        digest in proptest::option::of(digest()),
    ) {
        let mut written = format!("oci:{path}");
        if let Some(t) = &tag {
            written.push(':');
            written.push_str(t);
        }
        if let Some(d) = &digest {
            written.push('@');
            written.push_str(&d.to_string());
        }
        let location: Location = written.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(
            &location,
            &Location::Layout { path: path.into(), tag, digest }
        );
        prop_assert_eq!(location.to_string(), written);
    }
}
