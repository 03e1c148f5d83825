//! Where an artifact is: a registry reference, or an OCI layout on disk (`oci:PATH[:TAG|@DIGEST]`,
//! skopeo's spelling), accepted everywhere a registry reference is.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::digest::Digest;
use crate::error::Error;
use crate::reference::Reference;

/// Where an artifact is read or written: a registry repository, or an OCI layout on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A repository on a registry, with the tag or digest the reference gave.
    Remote(Reference),
    /// An OCI image layout on disk (`oci:PATH[:TAG|@DIGEST]`).
    Layout {
        /// The layout's folder, the one holding `oci-layout` and `index.json`.
        path: PathBuf,
        /// The tag, matched against `org.opencontainers.image.ref.name` in `index.json`.
        tag: Option<String>,
        /// The manifest's digest; when a tag is given too, the digest wins.
        digest: Option<Digest>,
    },
}

impl Location {
    /// The tag or digest the location names, if any (a digest wins).
    pub fn selector(&self) -> Option<String> {
        match self {
            Location::Remote(r) => r
                .digest
                .as_ref()
                .map(Digest::to_string)
                .or_else(|| r.tag.clone()),
            Location::Layout { tag, digest, .. } => digest
                .as_ref()
                .map(Digest::to_string)
                .or_else(|| tag.clone()),
        }
    }

    /// The tag the location names, if any, even when a digest is given too.
    pub fn tag(&self) -> Option<&str> {
        match self {
            Location::Remote(r) => r.tag.as_deref(),
            Location::Layout { tag, .. } => tag.as_deref(),
        }
    }

    /// The manifest digest the location names, if any.
    pub fn digest(&self) -> Option<&Digest> {
        match self {
            Location::Remote(r) => r.digest.as_ref(),
            Location::Layout { digest, .. } => digest.as_ref(),
        }
    }
}

impl FromStr for Location {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let Some(rest) = input.strip_prefix("oci:") else {
            // `OCI:5000/app` would be a registry named `oci` here and print as the layout
            // `oci:5000/app`: a transport spelled in another case is refused, not guessed at.
            if input
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("oci:"))
            {
                return Err(Error::Invalid(format!(
                    "{input}: an OCI layout is written `oci:PATH` in lowercase, and a registry \
                     named `oci` cannot be told from one"
                )));
            }
            return Ok(Location::Remote(input.parse()?));
        };
        // Like skopeo, the path ends at the first ':' or '@' after it; paths holding them can't be named.
        let (path, digest) = match rest.split_once('@') {
            Some((p, d)) => (p, Some(d.parse::<Digest>()?)),
            None => (rest, None),
        };
        let (path, tag) = match path.split_once(':') {
            Some((p, t)) => (p, Some(t.to_string())),
            None => (path, None),
        };
        if path.is_empty() {
            return Err(Error::Invalid(format!(
                "{input}: an OCI layout needs a path (oci:PATH[:TAG|@DIGEST])"
            )));
        }
        if let Some(t) = &tag {
            // Tags in a layout follow the registry's grammar, so the same names travel both ways.
            Reference::repository("localhost", "layout")?.with_tag(t)?;
        }
        Ok(Location::Layout {
            path: PathBuf::from(path),
            tag,
            digest,
        })
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Remote(r) => write!(f, "{r}"),
            Location::Layout { path, tag, digest } => {
                write!(f, "oci:{}", path.display())?;
                if let Some(t) = tag {
                    write!(f, ":{t}")?;
                }
                if let Some(d) = digest {
                    write!(f, "@{d}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[test]
    fn layouts_and_registries() {
        let l: Location = "oci:/tmp/store:v1".parse().unwrap();
        assert_eq!(
            l,
            Location::Layout {
                path: "/tmp/store".into(),
                tag: Some("v1".into()),
                digest: None
            }
        );
        assert_eq!(l.selector().as_deref(), Some("v1"));
        let l: Location = format!("oci:rel/dir@{D}").parse().unwrap();
        assert_eq!(l.selector().as_deref(), Some(D));
        assert_eq!(l.to_string(), format!("oci:rel/dir@{D}"));
        let r: Location = "ghcr.io/a/b:1".parse().unwrap();
        assert!(matches!(r, Location::Remote(_)));
        assert_eq!(r.tag(), Some("1"));
    }

    /// Found by the `reference` fuzz target: `ocI:/x` and `ocI:7/x` were registry references
    /// (registries `oci:` and `oci:7`) that printed as `oci:/x` and `oci:7/x`, layouts.
    #[test]
    fn a_remote_location_never_prints_as_a_layout() {
        for input in [
            "ocI:/x",
            "OCI:/tmp/a",
            "ocI:7/iiiiiiiiii/z",
            "Oci:5000/app:v1",
        ] {
            assert!(input.parse::<Location>().is_err(), "{input}");
        }
        let remote: Location = "OCI.example/x".parse().unwrap();
        assert_eq!(remote.to_string().parse::<Location>().unwrap(), remote);
    }

    #[test]
    fn bad_layout_references() {
        for bad in ["oci:", "oci::tag", "oci:/x:bad tag", "oci:/x@sha256:zz"] {
            assert!(bad.parse::<Location>().is_err(), "{bad}");
        }
    }
}
