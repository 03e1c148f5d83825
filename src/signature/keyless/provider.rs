//! sigstore-verify's cryptography on ring, the verifiers rustls already builds for Stowage, so
//! keyless verification adds no second C library (aws-lc, the crate's default) to the build;
//! and RustCrypto's p256/p384 for ECDSA over a digest, which ring does not offer and sigstore
//! needs for message signatures (it checks them over the message's digest).

use ring::signature::{self as ring_sig, UnparsedPublicKey, VerificationAlgorithm};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use sigstore_verify::crypto::provider::{CryptoProvider, HashContext};
use sigstore_verify::crypto::{Error, Result, SigningScheme};
use sigstore_verify::types::HashAlgorithm;

/// Verification only: Stowage never signs, so key generation keeps the trait's refusal.
#[derive(Debug)]
pub(super) struct Ring;

pub(super) static RING: Ring = Ring;

/// Installs [`RING`] as sigstore's provider, once per process; later calls find it there.
pub(in crate::signature) fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means a provider is already installed, which is all this needs.
        let _ = sigstore_verify::crypto::provider::install_default_provider(&RING);
    });
}

struct Hasher<D>(D);

impl<D: sha2::Digest + Send> HashContext for Hasher<D> {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn finalize(self: Box<Self>) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

impl CryptoProvider for Ring {
    fn hash(&self, algorithm: HashAlgorithm) -> Result<Box<dyn HashContext>> {
        Ok(match algorithm {
            HashAlgorithm::Sha2256 => Box::new(Hasher(Sha256::new())),
            HashAlgorithm::Sha2384 => Box::new(Hasher(Sha384::new())),
            HashAlgorithm::Sha2512 => Box::new(Hasher(Sha512::new())),
            #[allow(unreachable_patterns)]
            other => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "hash {other:?} is not supported"
                )))
            }
        })
    }

    fn verify_raw(
        &self,
        scheme: SigningScheme,
        public_key: &[u8],
        data: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        UnparsedPublicKey::new(algorithm(scheme)?, public_key)
            .verify(data, signature)
            .map_err(|_| {
                Error::Verification(format!("{} signature does not verify", scheme.name()))
            })
    }

    /// ECDSA only: Fulcio's certificates and cosign's keys are ECDSA; RSA over a bare digest
    /// would need a third RSA implementation for signatures nobody makes this way.
    fn verify_prehashed(
        &self,
        scheme: SigningScheme,
        public_key: &[u8],
        digest: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let bad = |what: &str| Error::Verification(format!("{}: {what}", scheme.name()));
        let verified = match scheme {
            SigningScheme::EcdsaP256Sha256 | SigningScheme::EcdsaP256Sha384 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                    .map_err(|_| bad("not a P-256 public key"))?;
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| bad("not a DER ECDSA signature"))?;
                key.verify_prehash(digest, &sig).is_ok()
            }
            SigningScheme::EcdsaP384Sha256 | SigningScheme::EcdsaP384Sha384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                    .map_err(|_| bad("not a P-384 public key"))?;
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .map_err(|_| bad("not a DER ECDSA signature"))?;
                key.verify_prehash(digest, &sig).is_ok()
            }
            other => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "{} over a digest is not supported",
                    other.name()
                )))
            }
        };
        if verified {
            Ok(())
        } else {
            Err(bad("the signature does not verify"))
        }
    }
}

fn algorithm(scheme: SigningScheme) -> Result<&'static dyn VerificationAlgorithm> {
    Ok(match scheme {
        SigningScheme::EcdsaP256Sha256 => &ring_sig::ECDSA_P256_SHA256_ASN1,
        SigningScheme::EcdsaP256Sha384 => &ring_sig::ECDSA_P256_SHA384_ASN1,
        SigningScheme::EcdsaP384Sha256 => &ring_sig::ECDSA_P384_SHA256_ASN1,
        SigningScheme::EcdsaP384Sha384 => &ring_sig::ECDSA_P384_SHA384_ASN1,
        SigningScheme::Ed25519 => &ring_sig::ED25519,
        SigningScheme::RsaPssSha256 => &ring_sig::RSA_PSS_2048_8192_SHA256,
        SigningScheme::RsaPssSha384 => &ring_sig::RSA_PSS_2048_8192_SHA384,
        SigningScheme::RsaPssSha512 => &ring_sig::RSA_PSS_2048_8192_SHA512,
        SigningScheme::RsaPkcs1Sha256 => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
        SigningScheme::RsaPkcs1Sha384 => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
        SigningScheme::RsaPkcs1Sha512 => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
        other => {
            return Err(Error::UnsupportedAlgorithm(format!(
                "{} is not supported",
                other.name()
            )))
        }
    })
}
