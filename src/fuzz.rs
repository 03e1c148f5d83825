//! The fuzz targets' entry points (`fuzz/fuzz_targets/*.rs` call one each): every parser that a
//! registry or a user's file feeds, with the properties it must keep checked as assertions, so
//! that a broken property is a crash the fuzzer reports like a panic.
//!
//! Compiled only under `cfg(fuzzing)`, which cargo-fuzz sets: the items reached here that are
//! `pub(crate)` stay out of the public API. fuzz/README.md tells how to run the targets and how
//! a crash becomes a regression test.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use crate::auth::{parse_challenges, AuthFile, Challenge};
use crate::digest::Digest;
use crate::layout::Layout;
use crate::location::Location;
use crate::manifest::{media_type, Manifest};
use crate::reference::{normalize_registry, validate_tag, Reference};

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// WWW-Authenticate: schemes and parameter names are non-empty lowercase tokens, and the
/// challenges read, written back as a well-formed header, read the same.
pub fn challenges(data: &[u8]) {
    let Some(header) = text(data) else { return };
    let parsed = parse_challenges(header);
    for c in &parsed {
        assert!(is_token(&c.scheme), "scheme {:?} of {header:?}", c.scheme);
        assert_eq!(c.scheme, c.scheme.to_ascii_lowercase());
        for name in c.params.keys() {
            assert!(is_token(name), "parameter {name:?} of {header:?}");
            assert_eq!(*name, name.to_ascii_lowercase());
        }
    }
    let written = write_challenges(&parsed);
    assert_eq!(
        parse_challenges(&written),
        parsed,
        "{header:?} written back as {written:?}"
    );
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Challenges as a well-formed header: `scheme name="value", name="value", scheme …`.
pub fn write_challenges(challenges: &[Challenge]) -> String {
    challenges
        .iter()
        .map(|c| {
            let params: Vec<String> = c
                .params
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            if params.is_empty() {
                c.scheme.clone()
            } else {
                format!("{} {}", c.scheme, params.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// References, digests and locations: what parses prints as something that parses back to the
/// same value and prints the same again.
pub fn names(data: &[u8]) {
    let Some(input) = text(data) else { return };
    if let Ok(d) = input.parse::<Digest>() {
        // Digests have one spelling: printing gives the input back.
        assert_eq!(d.to_string(), input);
        let json = serde_json::to_string(&d).expect("a digest serialises");
        assert_eq!(
            serde_json::from_str::<Digest>(&json).expect("reads back"),
            d
        );
        assert!(d.short().len() < input.len());
        assert!(validate_tag(&d.fallback_tag()).is_ok(), "{input:?}");
    }
    if let Ok(r) = input.parse::<Reference>() {
        let printed = r.to_string();
        let again: Reference = printed
            .parse()
            .unwrap_or_else(|e| panic!("{input:?} printed as {printed:?}, which fails: {e}"));
        assert_eq!(again, r, "{input:?} printed as {printed:?}");
        assert_eq!(again.to_string(), printed);
        let name: Reference = r.name().parse().expect("the name of a reference parses");
        let _ = (r.api_host(), r.manifest_selector());
        assert_eq!((name.registry, name.repository), (r.registry, r.repository));
    }
    if let Ok(l) = input.parse::<Location>() {
        let printed = l.to_string();
        let again: Location = printed
            .parse()
            .unwrap_or_else(|e| panic!("{input:?} printed as {printed:?}, which fails: {e}"));
        assert_eq!(again, l, "{input:?} printed as {printed:?}");
        assert_eq!(again.to_string(), printed);
    }
    let _ = normalize_registry(input);
}

/// Manifests and indexes, with the first byte choosing the type the registry said it served:
/// parsing never panics, and what parses, serialised and parsed again, serialises the same.
pub fn manifest(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let served = [
        None,
        Some(media_type::OCI_MANIFEST),
        Some(media_type::OCI_INDEX),
        Some(media_type::DOCKER_MANIFEST),
        Some(media_type::DOCKER_MANIFEST_LIST),
        Some("application/json"),
    ][selector as usize % 6];
    let Ok(m) = Manifest::parse(bytes, served) else {
        return;
    };
    let _ = (m.subject(), m.annotations(), m.artifact_type());
    let json = manifest_json(&m);
    let again = Manifest::parse(&json, served).expect("a serialised manifest parses");
    assert_eq!(
        String::from_utf8_lossy(&manifest_json(&again)),
        String::from_utf8_lossy(&json)
    );
}

fn manifest_json(m: &Manifest) -> Vec<u8> {
    match m {
        Manifest::Image(i) => serde_json::to_vec(i),
        Manifest::Index(i) => serde_json::to_vec(i),
    }
    .expect("a parsed manifest serialises")
}

/// Link headers: the first byte chooses the URL of the page they came with. A next page is an
/// absolute URL of that page's origin, never of another.
pub fn link(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some(header) = text(rest) else { return };
    let current = [
        "http://127.0.0.1:5000/v2/_catalog?n=100",
        "https://registry.example/v2/team/app/tags/list",
        "https://ghcr.io/v2/org/img/referrers/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        "http://[::1]:8080/v2/a/tags/list?last=x&n=2",
    ][selector as usize % 4];
    if let Ok(Some(next)) = crate::registry::next_link(current, header) {
        let next = url::Url::parse(&next).expect("a next link is an absolute URL");
        let base = url::Url::parse(current).expect("the page's URL");
        assert_eq!(next.origin(), base.origin(), "{header:?} left {current}");
    }
}

/// The `Range` header of an upload's status: how many bytes the registry holds.
pub fn range(data: &[u8]) {
    let Some(value) = text(data) else { return };
    let _ = crate::registry::fuzz_parse_range(value);
}

/// Docker's config.json and podman's auth.json: parsing, then everything a login or a request
/// asks of the file, for each registry it names.
pub fn auth_file(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(file) = AuthFile::parse(Path::new("/fuzz/config.json"), text) else {
        return;
    };
    let _ = file.creds_store();
    let mut registries = file.registries();
    registries.extend(["docker.io".to_string(), "ghcr.io".to_string()]);
    for registry in &registries {
        let _ = file.helper_for(registry);
        let _ = file.credential_for(registry);
    }
}

/// The folder the tar targets work in: a parent holding the destination beside sentinels that
/// nothing may change. tmpfs when there is one: unpacking syncs every file it writes.
struct Arena {
    parent: tempfile::TempDir,
}

const SENTINEL_FILE: &str = "sentinel";
const SENTINEL_DIR: &str = "sentinel.d";
const SENTINEL_CONTENT: &[u8] = b"outside the destination; must not change\n";

impl Arena {
    fn get() -> &'static Arena {
        static ARENA: OnceLock<Arena> = OnceLock::new();
        ARENA.get_or_init(|| {
            // libFuzzer ends the process without dropping this: fuzz/run names a folder it
            // removes afterwards.
            let base = match std::env::var_os("STOWAGE_FUZZ_DIR") {
                Some(dir) => PathBuf::from(dir),
                None if Path::new("/dev/shm").is_dir() => PathBuf::from("/dev/shm"),
                None => std::env::temp_dir(),
            };
            let parent = tempfile::Builder::new()
                .prefix("stowage-fuzz")
                .tempdir_in(base)
                .expect("a temp folder");
            fs::write(parent.path().join(SENTINEL_FILE), SENTINEL_CONTENT).expect("sentinel");
            fs::create_dir(parent.path().join(SENTINEL_DIR)).expect("sentinel folder");
            fs::write(
                parent.path().join(SENTINEL_DIR).join(SENTINEL_FILE),
                SENTINEL_CONTENT,
            )
            .expect("sentinel in its folder");
            Arena { parent }
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.parent.path().join(name)
    }

    /// After a run that used `used` (names inside the parent), whatever its result: the
    /// sentinels are as they were and nothing but `used` appeared beside them.
    fn check(&self, used: &[&str]) {
        let parent = self.parent.path();
        let names: Vec<String> = fs::read_dir(parent)
            .expect("the parent folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        for name in &names {
            assert!(
                [SENTINEL_FILE, SENTINEL_DIR].contains(&name.as_str())
                    || used.contains(&name.as_str()),
                "{name:?} was written beside the destination"
            );
        }
        for file in [
            parent.join(SENTINEL_FILE),
            parent.join(SENTINEL_DIR).join(SENTINEL_FILE),
        ] {
            let meta = fs::symlink_metadata(&file).expect("the sentinel is still there");
            assert!(meta.is_file(), "{} is no longer a file", file.display());
            assert_eq!(fs::read(&file).expect("sentinel"), SENTINEL_CONTENT);
        }
        let dir = fs::symlink_metadata(parent.join(SENTINEL_DIR)).expect("sentinel folder");
        assert!(dir.is_dir());
        assert_eq!(
            fs::read_dir(parent.join(SENTINEL_DIR))
                .expect("sentinel folder")
                .count(),
            1,
            "something was written into the sentinel folder"
        );
    }
}

/// Every symbolic link under `root` leads to a place inside `root` (or nowhere that exists, and
/// lexically inside).
fn links_stay_inside(root: &Path) {
    let canonical_root = fs::canonicalize(root).expect("the destination");
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.file_type().is_symlink() {
                match fs::canonicalize(&path) {
                    Ok(resolved) => assert!(
                        resolved.starts_with(&canonical_root),
                        "{} resolves to {}, outside {}",
                        path.display(),
                        resolved.display(),
                        root.display()
                    ),
                    Err(_) => {
                        let target = fs::read_link(&path).expect("a link's target");
                        let rel = path.strip_prefix(root).expect("under root");
                        let mut depth: i64 = rel.components().count() as i64 - 1;
                        for c in target.components() {
                            match c {
                                Component::ParentDir => depth -= 1,
                                Component::Normal(_) => depth += 1,
                                Component::CurDir => {}
                                Component::RootDir | Component::Prefix(_) => depth = -1,
                            }
                            assert!(
                                depth >= 0,
                                "{} -> {} leads outside {}",
                                path.display(),
                                target.display(),
                                root.display()
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The archive bytes a fuzz input stands for: gzip data as it is, anything else taken as a tar
/// stream and gzipped, so the fuzzer can work on tar headers without breaking a checksum.
fn gzipped(data: &[u8]) -> Vec<u8> {
    if data.starts_with(&[0x1f, 0x8b]) {
        return data.to_vec();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("in memory");
    gz.finish().expect("in memory")
}

/// Folder layers, tar+gzip: whatever unpack returns, no file outside the destination changes,
/// nothing appears beside it, and no link under it resolves outside it.
pub fn unpack(data: &[u8]) {
    let arena = Arena::get();
    let dest = arena.path("dest");
    let _ = crate::pack::unpack(&gzipped(data)[..], &dest);
    arena.check(&["dest"]);
    if dest.exists() {
        links_stay_inside(&dest);
        fs::remove_dir_all(&dest).expect("the destination is removed");
    }
}

/// Layout archives (`.tar`, or gzipped): unpacked into a scratch folder with the same property
/// as [`unpack`]; an archive that opens is then read as a layout is (tags, index entries,
/// manifests, referrers).
pub fn layout_archive(data: &[u8]) {
    let arena = Arena::get();
    let archive = arena.path("layout.tar");
    let scratch = arena.path("scratch");
    fs::write(&archive, data).expect("the archive");
    if let Ok(layout) = Layout::open_tar(&archive, &scratch) {
        let _ = layout.tags();
        if let Ok(tags) = layout.tags() {
            for tag in tags {
                let _ = layout.resolve(&tag);
            }
        }
        if let Ok(descriptors) = layout.manifests() {
            for d in descriptors {
                if let Ok(m) = layout.fetch_manifest(&d.digest) {
                    let _ = m.parse();
                }
                let _ = layout.resolve(&d.digest.to_string());
                let _ = layout.referrers(&d.digest, None);
            }
        }
    }
    arena.check(&["layout.tar", "scratch"]);
    if scratch.exists() {
        links_stay_inside(&scratch);
        fs::remove_dir_all(&scratch).expect("the scratch folder is removed");
    }
    fs::remove_file(&archive).expect("the archive is removed");
}

/// An SBOM parser on its own: whatever it reads has a version, ids for every package and
/// serialises as `stowage sbom --output json` does; what it refuses is an unreadable-SBOM error
/// naming the parser's format.
pub fn sbom_parser(data: &[u8], kind: crate::sbom::Kind) {
    match crate::sbom::parse_as(data, kind) {
        Ok(document) => check_document(&document),
        Err(crate::Error::Sbom { format, .. }) => assert_eq!(format, kind.name()),
        Err(e) => panic!("{kind:?} failed with another error than an SBOM one: {e}"),
    }
}

/// The whole reader, wrappers (gzip, zstd, DSSE, in-toto) and format detection included.
pub fn sbom_read(data: &[u8]) {
    let media_type = match data.first() {
        Some(b) if b % 4 == 0 => Some("application/spdx+json"),
        Some(b) if b % 4 == 1 => Some("application/vnd.cyclonedx+xml"),
        Some(b) if b % 4 == 2 => Some("text/spdx"),
        _ => None,
    };
    match crate::sbom::read(data, media_type, "fuzz input") {
        Ok(sbom) => {
            assert!(sbom.wrappers.len() <= 4, "{:?}", sbom.wrappers);
            check_document(&sbom.document);
        }
        Err(crate::Error::Sbom { .. } | crate::Error::TooLarge { .. }) => {}
        Err(e) => panic!("the SBOM reader failed with another error than an SBOM one: {e}"),
    }
}

fn check_document(document: &crate::sbom::Document) {
    assert!(!document.spec_version.is_empty(), "no spec version");
    for p in &document.packages {
        assert!(!p.id.is_empty(), "a package without an id: {p:?}");
        for stated in [&p.name, &p.version, &p.purl, &p.supplier]
            .into_iter()
            .flatten()
        {
            assert!(
                !stated.trim().is_empty() && !stated.eq_ignore_ascii_case("NOASSERTION"),
                "{stated:?} kept as a value: {p:?}"
            );
        }
    }
    serde_json::to_vec(document).expect("a document serialises");
}

/// What a decoded certificate promises: no blank identity, issuer or claim reads as stated, and
/// its validity dates read back as the instants they name.
fn certificate_holds(c: &crate::signature::Certificate) {
    use crate::signature::DateTime;
    let stated = c.identities.iter().chain(&c.oidc_issuer);
    assert!(stated
        .chain(c.claims.iter().map(|(_, v)| v))
        .all(|v| !v.trim().is_empty()));
    for date in [&c.not_before, &c.not_after] {
        assert_eq!(DateTime::parse_rfc3339(&date.text).as_ref(), Some(date));
    }
}

/// `signature::decode`: the first byte picks the layer's media type; the rest, up to a NUL, is
/// the layer and, after it, cosign's bundle annotation (the Rekor entry), so both are fuzzed.
/// The rest is also read as a DER certificate, and a decoded signature's own certificate is.
pub fn signature(data: &[u8]) {
    use crate::signature::{self, media_type as mt, Signed};
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    if let Ok(c) = signature::Certificate::from_der(rest, "fuzz input") {
        certificate_holds(&c);
    }
    let media_type = match first % 6 {
        0 => mt::COSIGN_SIMPLE_SIGNING,
        1 => mt::DSSE_ENVELOPE,
        2 => mt::SIGSTORE_BUNDLE_V03,
        3 => "application/vnd.dev.sigstore.bundle+json;version=0.1",
        4 => mt::NOTATION_JWS,
        _ => mt::NOTATION_COSE,
    };
    let (layer, bundle) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let mut annotations = std::collections::BTreeMap::new();
    annotations.insert(
        signature::SIGNATURE_ANNOTATION.to_string(),
        "MEUCIQ==".into(),
    );
    if let Some(bundle) = text(bundle).filter(|b| !b.is_empty()) {
        annotations.insert(signature::BUNDLE_ANNOTATION.to_string(), bundle.to_string());
    }
    let Ok(signed) = signature::decode(media_type, &annotations, layer) else {
        return;
    };
    let expected = match first % 6 {
        0 => "cosign",
        1 => "dsse",
        2 | 3 => "sigstore-bundle",
        _ => "notation",
    };
    assert_eq!(signed.format(), expected);
    if let Some(Ok(c)) = signed.signer() {
        certificate_holds(&c);
    }
    if let Signed::Cosign(c) = &signed {
        // The signed digest prints as something that parses back to itself.
        let printed = c.simple_signing.signed_digest.to_string();
        assert_eq!(
            printed.parse::<Digest>().ok().as_ref(),
            Some(&c.simple_signing.signed_digest)
        );
    }
}
