//! Public keys the user gives for offline verification: PEM SubjectPublicKeyInfo for ECDSA
//! P-256 and P-384, Ed25519 and RSA, read into a [`PublicKey`] that checks signatures with
//! ring and names itself by the SHA-256 of its DER.

use std::fmt;

use ring::signature::{self as ring_sig, UnparsedPublicKey, VerificationAlgorithm};
use sha2::{Digest as _, Sha256};
use spki::der::asn1::UintRef;
use spki::der::{Decode, Reader, SliceReader};
use spki::ObjectIdentifier;

use super::{pem, SignatureError};

const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The RSA modulus sizes ring verifies; shorter keys are refused when read, not at each check.
const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// The signature schemes each key algorithm is checked with, in order.
///
/// ECDSA signatures are DER, as cosign and DSSE signers write them. P-384 takes SHA-384 (what
/// sigstore's defaults and most signers pair with it) or SHA-256 (cosign hashes with SHA-256
/// whatever the curve when signing with a key). RSA takes PKCS#1 v1.5 (cosign) or PSS, both
/// with SHA-256. Ed25519 is pure Ed25519 over the message.
static P256_SCHEMES: &[&dyn VerificationAlgorithm] = &[&ring_sig::ECDSA_P256_SHA256_ASN1];
static P384_SCHEMES: &[&dyn VerificationAlgorithm] = &[
    &ring_sig::ECDSA_P384_SHA384_ASN1,
    &ring_sig::ECDSA_P384_SHA256_ASN1,
];
static ED25519_SCHEMES: &[&dyn VerificationAlgorithm] = &[&ring_sig::ED25519];
static RSA_SCHEMES: &[&dyn VerificationAlgorithm] = &[
    &ring_sig::RSA_PKCS1_2048_8192_SHA256,
    &ring_sig::RSA_PSS_2048_8192_SHA256,
];

/// The kinds of key Stowage verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// ECDSA on the NIST P-256 curve (secp256r1), with SHA-256.
    EcdsaP256,
    /// ECDSA on the NIST P-384 curve (secp384r1), with SHA-384 or SHA-256.
    EcdsaP384,
    /// Ed25519, over the message itself (no pre-hash).
    Ed25519,
    /// RSA of 2048 to 8192 bits.
    Rsa,
}

impl KeyAlgorithm {
    /// The algorithm's name in messages: `ECDSA P-256`, `ECDSA P-384`, `Ed25519`, `RSA`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlgorithm::EcdsaP256 => "ECDSA P-256",
            KeyAlgorithm::EcdsaP384 => "ECDSA P-384",
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Rsa => "RSA",
        }
    }

    fn schemes(self) -> &'static [&'static dyn VerificationAlgorithm] {
        match self {
            KeyAlgorithm::EcdsaP256 => P256_SCHEMES,
            KeyAlgorithm::EcdsaP384 => P384_SCHEMES,
            KeyAlgorithm::Ed25519 => ED25519_SCHEMES,
            KeyAlgorithm::Rsa => RSA_SCHEMES,
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A public key read from the user's PEM, ready to check signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    algorithm: KeyAlgorithm,
    /// What ring verifies with: the SPKI's subjectPublicKey (an uncompressed EC point, the 32
    /// Ed25519 bytes, or PKCS#1 RSAPublicKey DER).
    key: Vec<u8>,
    /// `sha256:` + hex of the DER SubjectPublicKeyInfo.
    id: String,
    /// The DER SubjectPublicKeyInfo, for checks that take the key whole (sigstore bundles).
    spki: Vec<u8>,
}

/// Why a public key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The PEM itself is broken or holds another kind of block (a certificate, a private key).
    #[error("public key {0}")]
    Pem(SignatureError),

    /// The PEM holds more than one `PUBLIC KEY` block (none at all is a [`KeyError::Pem`]).
    #[error("public key PEM: {count} PUBLIC KEY blocks where one was expected")]
    NotOne {
        /// How many `PUBLIC KEY` blocks it holds.
        count: usize,
    },

    /// The DER breaks its structure: `at` names which (SubjectPublicKeyInfo, RSAPublicKey).
    #[error("public key: {at}: {detail}")]
    Malformed {
        /// The DER structure or field that breaks (`SubjectPublicKeyInfo.subjectPublicKey`).
        at: &'static str,
        /// What is wrong there, in the DER decoder's words or ours.
        detail: String,
    },

    /// Well formed, but an algorithm, curve or size Stowage does not verify with.
    #[error("public key: {what} is not supported (ECDSA P-256 and P-384, Ed25519 and RSA of 2048 to 8192 bits are)")]
    Unsupported {
        /// The algorithm, curve or size, in words (`an RSA key of 1024 bits`).
        what: String,
    },
}

impl PublicKey {
    /// Reads the one `PUBLIC KEY` block of `text` (as `cosign public-key` and
    /// `openssl pkey -pubout` write it).
    pub fn from_pem(text: &str) -> Result<PublicKey, KeyError> {
        let mut ders = pem::pem_blocks(text, "PUBLIC KEY").map_err(KeyError::Pem)?;
        match ders.pop() {
            Some(der) if ders.is_empty() => PublicKey::from_spki_der(&der),
            _ => Err(KeyError::NotOne {
                count: ders.len() + 1,
            }),
        }
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let spki = spki::SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| malformed("SubjectPublicKeyInfo", e))?;
        let (oid, parameter) = spki
            .algorithm
            .oids()
            .map_err(|e| malformed("SubjectPublicKeyInfo.algorithm.parameters", e))?;
        let key = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::Malformed {
                at: "SubjectPublicKeyInfo.subjectPublicKey",
                detail: "not a whole number of bytes".to_string(),
            })?;
        let algorithm = match (oid, parameter) {
            (EC_PUBLIC_KEY, Some(SECP256R1)) => ec_point(key, KeyAlgorithm::EcdsaP256, 65)?,
            (EC_PUBLIC_KEY, Some(SECP384R1)) => ec_point(key, KeyAlgorithm::EcdsaP384, 97)?,
            (EC_PUBLIC_KEY, Some(curve)) => {
                return Err(unsupported(format!("the elliptic curve {curve}")))
            }
            (EC_PUBLIC_KEY, None) => {
                return Err(KeyError::Malformed {
                    at: "SubjectPublicKeyInfo.algorithm.parameters",
                    detail: "an EC key without its named curve".to_string(),
                })
            }
            (ED25519, None) if key.len() == 32 => KeyAlgorithm::Ed25519,
            (ED25519, _) => {
                return Err(KeyError::Malformed {
                    at: "SubjectPublicKeyInfo",
                    detail: format!("an Ed25519 key of {} bytes, not 32", key.len()),
                })
            }
            (RSA_ENCRYPTION, None) => rsa_modulus_check(key)?,
            (RSASSA_PSS, _) => {
                return Err(unsupported(
                    "an RSASSA-PSS-restricted key (give it as rsaEncryption)".to_string(),
                ))
            }
            (other, _) => return Err(unsupported(format!("the key algorithm {other}"))),
        };
        Ok(PublicKey {
            algorithm,
            key: key.to_vec(),
            id: format!("sha256:{}", hex::encode(Sha256::digest(der))),
            spki: der.to_vec(),
        })
    }

    /// The key as a DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The kind of key, which decides the signature schemes it is checked with.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// `sha256:` + hex of the SHA-256 of the key's DER SubjectPublicKeyInfo.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id cut to twelve hex digits, for messages listing several keys.
    pub fn short_id(&self) -> &str {
        let end = "sha256:".len() + 12;
        self.id.get(..end).unwrap_or(&self.id)
    }

    /// Whether `signature` is this key's over `message`, under any scheme the algorithm takes.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.algorithm.schemes().iter().any(|scheme| {
            UnparsedPublicKey::new(*scheme, &self.key)
                .verify(message, signature)
                .is_ok()
        })
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm)
            .field("id", &self.id)
            .finish()
    }
}

fn malformed(at: &'static str, e: impl fmt::Display) -> KeyError {
    KeyError::Malformed {
        at,
        detail: e.to_string(),
    }
}

fn unsupported(what: String) -> KeyError {
    KeyError::Unsupported { what }
}

/// ring takes uncompressed points only (`04 || x || y`); it checks the point is on the curve
/// when verifying.
fn ec_point(key: &[u8], algorithm: KeyAlgorithm, len: usize) -> Result<KeyAlgorithm, KeyError> {
    match key.first() {
        Some(0x04) if key.len() == len => Ok(algorithm),
        Some(0x02 | 0x03) => Err(unsupported(format!("a compressed {algorithm} point"))),
        _ => Err(KeyError::Malformed {
            at: "SubjectPublicKeyInfo.subjectPublicKey",
            detail: format!(
                "not an uncompressed {algorithm} point ({} bytes)",
                key.len()
            ),
        }),
    }
}

/// Reads PKCS#1 RSAPublicKey (`SEQUENCE { modulus, publicExponent }`) far enough to refuse a
/// modulus ring would not verify with, so a short key is named when given, not at each check.
fn rsa_modulus_check(key: &[u8]) -> Result<KeyAlgorithm, KeyError> {
    const AT: &str = "RSAPublicKey";
    let mut reader = SliceReader::new(key).map_err(|e| malformed(AT, e))?;
    let modulus = reader
        .sequence(|r| {
            let modulus = UintRef::decode(r)?;
            UintRef::decode(r)?;
            Ok(modulus)
        })
        .map_err(|e| malformed(AT, e))?;
    reader.finish(()).map_err(|e| malformed(AT, e))?;
    let bytes = modulus.as_bytes();
    let bits = match bytes.first() {
        Some(&top) => bytes.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    };
    if RSA_BITS.contains(&bits) {
        Ok(KeyAlgorithm::Rsa)
    } else {
        Err(unsupported(format!("an RSA key of {bits} bits")))
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest as _, Sha256};

    use super::*;

    /// Public keys made by Python's `cryptography` (tests/fixtures/signature/keys/).
    macro_rules! pem {
        ($name:literal) => {
            include_str!(concat!(
                "../../tests/fixtures/signature/keys/",
                $name,
                ".pub.pem"
            ))
        };
    }

    const KEYS: [(&str, KeyAlgorithm); 4] = [
        (pem!("p256"), KeyAlgorithm::EcdsaP256),
        (pem!("p384"), KeyAlgorithm::EcdsaP384),
        (pem!("ed25519"), KeyAlgorithm::Ed25519),
        (pem!("rsa2048"), KeyAlgorithm::Rsa),
    ];

    #[test]
    fn keys_read_with_their_algorithm_and_id() {
        for (text, algorithm) in KEYS {
            let key = PublicKey::from_pem(text).unwrap();
            assert_eq!(key.algorithm(), algorithm);
            let der = pem::pem_blocks(text, "PUBLIC KEY").unwrap().remove(0);
            let id = format!("sha256:{}", hex::encode(Sha256::digest(&der)));
            assert_eq!(key.id(), id, "{algorithm}");
            assert_eq!(key.short_id(), &id[..19], "{algorithm}");
            assert!(format!("{key:?}").contains(&id), "{algorithm}");
        }
    }

    #[test]
    fn unsupported_keys_are_named() {
        let e = PublicKey::from_pem(pem!("p521")).unwrap_err();
        assert_eq!(
            e,
            KeyError::Unsupported {
                what: "the elliptic curve 1.3.132.0.35".to_string()
            }
        );
        assert!(
            e.to_string()
                .starts_with("public key: the elliptic curve 1.3.132.0.35 is not supported"),
            "{e}"
        );
        assert_eq!(
            PublicKey::from_pem(pem!("rsa1024")).unwrap_err(),
            KeyError::Unsupported {
                what: "an RSA key of 1024 bits".to_string()
            }
        );
    }

    #[test]
    fn broken_pem_and_der_say_what() {
        let two = format!("{}{}", KEYS[0].0, KEYS[1].0);
        assert_eq!(
            PublicKey::from_pem(&two).unwrap_err(),
            KeyError::NotOne { count: 2 }
        );

        let cert = "-----BEGIN CERTIFICATE-----\nMAIFAA==\n-----END CERTIFICATE-----\n";
        let e = PublicKey::from_pem(cert).unwrap_err();
        assert!(matches!(e, KeyError::Pem(_)), "{e:?}");
        assert!(e.to_string().starts_with("public key PEM: line 1: "), "{e}");

        // Cut DER, and DER with a byte after it: the SPKI parser refuses, never panics.
        let der = pem::pem_blocks(KEYS[0].0, "PUBLIC KEY").unwrap().remove(0);
        for len in [0, 1, 10, der.len() - 1] {
            let e = PublicKey::from_spki_der(&der[..len]).unwrap_err();
            assert!(matches!(e, KeyError::Malformed { .. }), "{len}: {e:?}");
        }
        let mut longer = der.clone();
        longer.push(0);
        assert!(matches!(
            PublicKey::from_spki_der(&longer),
            Err(KeyError::Malformed { .. })
        ));

        // An Ed25519 SPKI whose key is a byte short.
        let ed = pem::pem_blocks(KEYS[2].0, "PUBLIC KEY").unwrap().remove(0);
        let mut short = ed[..ed.len() - 1].to_vec();
        short[1] -= 1; // outer SEQUENCE length
        short[10] -= 1; // BIT STRING length (30 2a 30 05 06 03 2b 65 70 03 21 00 …)
        let e = PublicKey::from_spki_der(&short).unwrap_err();
        assert_eq!(
            e.to_string(),
            "public key: SubjectPublicKeyInfo: an Ed25519 key of 31 bytes, not 32"
        );
    }
}
