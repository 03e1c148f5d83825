//! Content digests (`algorithm:hex`): parsing, validation, and hashing while bytes stream past.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256, Sha512};

/// A validated content digest such as `sha256:9f86…`.
///
/// Only the algorithms registered in the image spec are accepted (sha256, sha512), because a
/// digest we cannot verify is worse than none: it would let a registry serve anything.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

/// A digest algorithm registered in the OCI image spec; no others are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-256, written as 64 hex characters.
    Sha256,
    /// SHA-512, written as 128 hex characters.
    Sha512,
}

impl Algorithm {
    /// The name as written before the `:` of a digest (`sha256`, `sha512`).
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

/// Text that is not a valid `algorithm:hex` digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid digest {input:?}: {reason}")]
pub struct DigestError {
    /// The text that was refused, as given.
    pub input: String,
    /// What is wrong with it (unsupported algorithm, wrong length, not lowercase hex...).
    pub reason: &'static str,
}

impl Digest {
    /// The sha256 digest of `bytes`.
    pub fn sha256_of(bytes: &[u8]) -> Digest {
        Digest {
            algorithm: Algorithm::Sha256,
            hex: hex::encode(Sha256::digest(bytes)),
        }
    }

    /// The digest of `bytes` under this digest's algorithm, for verification.
    pub fn recompute(&self, bytes: &[u8]) -> Digest {
        let mut hasher = Hasher::new(self.algorithm);
        hasher.update(bytes);
        hasher.finish()
    }

    /// The algorithm named before the `:`.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The hash after the `:`, in lowercase hex; validated, so safe to use in a file path.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// A short form for people: `sha256:9f86d081884c`.
    pub fn short(&self) -> String {
        format!("{}:{}", self.algorithm.as_str(), &self.hex[..12])
    }

    /// The referrers fallback tag of this digest (`<alg>-<hex>`, cut to 128 characters as the
    /// distribution spec's tag grammar requires).
    pub fn fallback_tag(&self) -> String {
        let mut tag = format!("{}-{}", self.algorithm.as_str(), self.hex);
        tag.truncate(128);
        tag
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason| DigestError {
            input: input.to_string(),
            reason,
        };
        let (alg, hex) = input
            .split_once(':')
            .ok_or_else(|| err("expected algorithm:hex"))?;
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => return Err(err("unsupported algorithm (sha256 or sha512 expected)")),
        };
        if hex.len() != algorithm.hex_len() {
            return Err(err("wrong length for the algorithm"));
        }
        if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(err("hex part must be lowercase hexadecimal"));
        }
        Ok(Digest {
            algorithm,
            hex: hex.to_string(),
        })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.as_str(), self.hex)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Hashes bytes as they stream past, in the algorithm of the digest being verified.
#[derive(Clone)]
pub enum Hasher {
    /// Hashing for a sha256 digest.
    Sha256(Sha256),
    /// Hashing for a sha512 digest.
    Sha512(Sha512),
}

impl Hasher {
    /// A hasher for `algorithm` that has seen no bytes yet.
    pub fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    /// Feeds the next bytes of the content, in order.
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    /// The digest of all the bytes fed so far, to compare with the expected one.
    pub fn finish(self) -> Digest {
        match self {
            Hasher::Sha256(h) => Digest {
                algorithm: Algorithm::Sha256,
                hex: hex::encode(h.finalize()),
            },
            Hasher::Sha512(h) => Digest {
                algorithm: Algorithm::Sha512,
                hex: hex::encode(h.finalize()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_JSON: &str =
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[test]
    fn hashes_the_empty_descriptor_content() {
        assert_eq!(Digest::sha256_of(b"{}").to_string(), EMPTY_JSON);
    }

    #[test]
    fn parses_and_prints_round_trip() {
        let d: Digest = EMPTY_JSON.parse().unwrap();
        assert_eq!(d.to_string(), EMPTY_JSON);
        assert_eq!(d.short(), "sha256:44136fa355b3");
        assert_eq!(d.fallback_tag(), EMPTY_JSON.replace(':', "-"));
    }

    #[test]
    fn refuses_malformed_digests() {
        for bad in [
            "sha256",
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            "sha256:abc",
            &EMPTY_JSON.to_uppercase().replace("SHA256", "sha256"),
            "sha256:../../../../etc/passwd/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(bad.parse::<Digest>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn sha512_fallback_tag_is_cut_to_128() {
        let mut hasher = Hasher::new(Algorithm::Sha512);
        hasher.update(b"x");
        let d = hasher.finish();
        assert_eq!(d.algorithm(), Algorithm::Sha512);
        assert_eq!(d.fallback_tag().len(), 128);
        assert!(d.fallback_tag().starts_with("sha512-"));
    }
}
