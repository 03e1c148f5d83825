//! Signatures and attestations as registries hold them (cosign simple signing, DSSE envelopes,
//! sigstore bundles, notation JWS), decoded into one plain model ([`Signed`]), and checked
//! against what the user trusts ([`verify`] with a [`Trust`]: public keys, keyless identities,
//! Sigstore trusted roots).
//!
//! What the checks need is kept exactly as served (the signed bytes, the signature, the DER
//! certificates, the log entry's body), because re-encoding would change what was signed.
//! Every input is a registry's bytes, so every malformed one gives a [`SignatureError`] that
//! names the document and the place in it.

mod bundle;
mod certificate;
mod cosign;
mod dsse;
mod find;
mod intoto;
mod json;
mod key;
mod keyless;
mod notary;
mod notation;
mod notation_cose;
mod pem;
mod provenance;
mod rekor;
mod time;
mod trust;
mod trust_settings;
mod verdict;
mod verdicts;
mod verify;
mod vulns;

use std::collections::BTreeMap;

pub use bundle::{
    Bundle, BundleContent, BundleVersion, MessageDigest, MessageSignature, VerificationMaterial,
};
pub use certificate::Certificate;
pub use cosign::{
    CosignMaterial, CosignSignature, SimpleSigning, BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION,
    CHAIN_ANNOTATION, RFC3161_TIMESTAMP_ANNOTATION, SIGNATURE_ANNOTATION,
};
pub use dsse::{pae, DsseLayer, DsseSignature, Envelope};
pub use find::{find, FindOptions, Found, FoundSignature};
pub use intoto::{Statement, StatementVersion, Subject, IN_TOTO_PAYLOAD_TYPE};
pub use key::{KeyAlgorithm, KeyError, PublicKey};
pub use keyless::verify_blob;
pub use notary::{Level, NotationTrust, PolicyStatement, TrustPolicy};
pub use notation::{JwsAlgorithm, NotationSignature, SigningScheme, NOTATION_PAYLOAD_TYPE};
pub use pem::{pem_blocks, pem_encode};
pub use provenance::{provenance, Dependency, Provenance, SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1};
pub use rekor::{InclusionProof, KindVersion, TlogEntry};
pub use time::DateTime;
pub use trust::{Identity, Pattern, Trust, TrustedRoot};
pub use trust_settings::{IdentitySetting, NotationSetting, RootSetting, TrustSettings};
pub use verdict::Verdict;
pub use verdicts::Verdicts;
pub use verify::{verify, verify_with_keys};
pub use vulns::{vuln_report, VulnReport, COSIGN_VULN_V1};

// Shared by the trust settings and notation's trust store, each reading what the user gave.
/// An entry that cannot be trusted as written: `what` names it, `detail` says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {detail}")]
pub struct TrustError {
    /// The entry, as the user would find it (`public key 2`, `trust policy acme`, a file).
    pub what: String,
    /// Why it cannot be trusted as written.
    pub detail: String,
}

impl TrustError {
    pub(crate) fn at(self, what: String) -> TrustError {
        TrustError {
            what,
            detail: self.detail,
        }
    }
}

/// The layer media types [`decode`] reads.
pub mod media_type {
    /// cosign's simple-signing payload (`.sig` layers); the signature is in the annotations.
    pub const COSIGN_SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
    /// A DSSE envelope in JSON (cosign `.att` layers, in-toto attestations).
    pub const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
    /// `+json;version=0.1|0.2|0.3`; v0.3 also has its own name, [`SIGSTORE_BUNDLE_V03`].
    pub const SIGSTORE_BUNDLE: &str = "application/vnd.dev.sigstore.bundle+json";
    /// A Sigstore bundle v0.3, by the media type of its own.
    pub const SIGSTORE_BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
    /// A notation signature in JWS (the flattened JSON serialisation).
    pub const NOTATION_JWS: &str = "application/jose+json";
    /// A notation signature in COSE (a tagged COSE_Sign1).
    pub const NOTATION_COSE: &str = "application/cose";
    /// The manifest artifactType of notation signatures (their layer is JWS or COSE).
    pub const NOTATION_ARTIFACT: &str = "application/vnd.cncf.notary.signature";
}

/// The largest signature layer Stowage decodes. Signatures are kilobytes; attestations carry
/// provenance or an SBOM as their predicate, so this leaves room for those, while a registry
/// cannot make Stowage parse (and hold twice, as bytes and as a tree) anything bigger.
pub const MAX_SIGNATURE_BYTES: usize = 16 * 1024 * 1024;

/// One signature or attestation layer, decoded.
#[derive(Debug, Clone)]
pub enum Signed {
    /// A cosign simple-signing payload and the signature in its layer's annotations.
    Cosign(CosignSignature),
    /// A DSSE envelope (cosign `.att` layers, in-toto attestations), with cosign's annotations
    /// when cosign attached it.
    Dsse(DsseLayer),
    /// A sigstore bundle: signature or envelope, key material and log entries in one document.
    Bundle(Bundle),
    /// A notation signature in JWS.
    Notation(NotationSignature),
}

impl Signed {
    /// The format's short name, as the graph's classification names it.
    pub fn format(&self) -> &'static str {
        match self {
            Signed::Cosign(_) => "cosign",
            Signed::Dsse(_) => "dsse",
            Signed::Bundle(_) => "sigstore-bundle",
            Signed::Notation(_) => "notation",
        }
    }

    /// The signing certificate's DER, where one came with the signature (keyless cosign and
    /// bundles, notation); `None` for a signature made with a bare key.
    pub fn signing_certificate(&self) -> Option<&[u8]> {
        match self {
            Signed::Cosign(c) => c.material.certificate.as_deref(),
            Signed::Dsse(d) => d.cosign.certificate.as_deref(),
            Signed::Bundle(b) => b.material.certificates().first().map(Vec::as_slice),
            Signed::Notation(n) => n.certificates.first().map(Vec::as_slice),
        }
    }

    /// The transparency-log entries that came with it (cosign's Rekor bundle annotation, a
    /// sigstore bundle's entries); as served, checked only by keyless verification.
    pub fn log_entries(&self) -> Vec<&TlogEntry> {
        match self {
            Signed::Cosign(c) => c.material.rekor.iter().collect(),
            Signed::Dsse(d) => d.cosign.rekor.iter().collect(),
            Signed::Bundle(b) => b.tlog_entries.iter().collect(),
            Signed::Notation(_) => Vec::new(),
        }
    }

    /// What the signing certificate claims about the signer (see [`Certificate`]): `None`
    /// without a certificate, an error when the one there does not decode.
    pub fn signer(&self) -> Option<Result<Certificate, SignatureError>> {
        let der = self.signing_certificate()?;
        Some(Certificate::from_der(der, "signing certificate"))
    }
}

/// Why a signature or attestation could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The layer's media type names no format Stowage decodes.
    #[error("{media_type}: not a signature or attestation media type Stowage decodes")]
    UnknownMediaType {
        /// The media type, as the layer's descriptor gave it.
        media_type: String,
    },

    /// Bigger than Stowage reads ([`MAX_SIGNATURE_BYTES`]), refused before it is parsed.
    #[error("{what} of {size} bytes passes the limit of {limit} bytes")]
    TooLarge {
        /// What was too large ("signature layer").
        what: &'static str,
        /// Its size, in bytes.
        size: usize,
        /// The largest size read, in bytes.
        limit: usize,
    },

    /// The bytes break the format: `what` names the document ("cosign bundle annotation"),
    /// `at` the place in it ("Payload.integratedTime", "line 3, column 7"; empty for the
    /// document as a whole).
    #[error("{what}: {}{detail}", place(at))]
    Malformed {
        /// The document that breaks.
        what: &'static str,
        /// Where in it; empty for the document as a whole.
        at: String,
        /// What is wrong there.
        detail: String,
    },

    /// Well formed, but a version, algorithm or scheme Stowage does not know.
    #[error("{what}: {}{detail}", place(at))]
    Unsupported {
        /// The document ("in-toto statement").
        what: &'static str,
        /// Where in it; empty for the document as a whole.
        at: String,
        /// What it names that Stowage does not know.
        detail: String,
    },
}

fn place(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}

/// A media type without its parameters, lower-cased: what names the format.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Decodes one layer of a signature or attestation artifact: `media_type` and `annotations`
/// are the layer descriptor's, `bytes` the blob. The media type picks the format; the content
/// must then follow it.
pub fn decode(
    media_type: &str,
    annotations: &BTreeMap<String, String>,
    bytes: &[u8],
) -> Result<Signed, SignatureError> {
    if bytes.len() > MAX_SIGNATURE_BYTES {
        return Err(SignatureError::TooLarge {
            what: "signature layer",
            size: bytes.len(),
            limit: MAX_SIGNATURE_BYTES,
        });
    }
    match essence(media_type).as_str() {
        media_type::COSIGN_SIMPLE_SIGNING => {
            cosign::decode_simple_signing(annotations, bytes).map(Signed::Cosign)
        }
        media_type::DSSE_ENVELOPE => dsse::decode_layer(annotations, bytes).map(Signed::Dsse),
        media_type::NOTATION_JWS => notation::decode_jws(bytes).map(Signed::Notation),
        media_type::NOTATION_COSE => notation_cose::decode_cose(bytes).map(Signed::Notation),
        s if s.starts_with("application/vnd.dev.sigstore.bundle") => {
            bundle::decode(media_type, bytes).map(Signed::Bundle)
        }
        _ => Err(SignatureError::UnknownMediaType {
            media_type: media_type.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_layers_are_refused_before_parsing() {
        let bytes = vec![b' '; MAX_SIGNATURE_BYTES + 1];
        let e = decode(media_type::DSSE_ENVELOPE, &BTreeMap::new(), &bytes).unwrap_err();
        assert!(matches!(e, SignatureError::TooLarge { size, .. } if size == bytes.len()));
    }

    #[test]
    fn a_cose_envelope_that_breaks_says_where() {
        // A tagged COSE_Sign1 cut short.
        let e = decode("application/cose", &BTreeMap::new(), b"\xd2\x84").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("notation COSE envelope: not a COSE_Sign1"),
            "{e}"
        );
    }

    #[test]
    fn other_media_types_are_named() {
        let e = decode(
            "application/vnd.oci.image.layer.v1.tar",
            &BTreeMap::new(),
            b"",
        )
        .unwrap_err();
        assert!(
            matches!(e, SignatureError::UnknownMediaType { .. }),
            "{e:?}"
        );
        assert!(e
            .to_string()
            .starts_with("application/vnd.oci.image.layer.v1.tar: "));
    }

    #[test]
    fn media_type_case_and_parameters_do_not_matter_for_the_essence() {
        let env = br#"{"payloadType":"text/plain","payload":"aGk=","signatures":[]}"#;
        let signed = decode(
            "Application/VND.dsse.envelope.v1+json; charset=utf-8",
            &BTreeMap::new(),
            env,
        )
        .unwrap();
        assert_eq!(signed.format(), "dsse");
    }

    #[test]
    fn errors_read_what_where_and_why() {
        let e = SignatureError::Malformed {
            what: "cosign bundle annotation",
            at: "Payload.integratedTime".to_string(),
            detail: "expected a number".to_string(),
        };
        assert_eq!(
            e.to_string(),
            "cosign bundle annotation: Payload.integratedTime: expected a number"
        );
        let whole = SignatureError::Malformed {
            what: "DSSE envelope",
            at: String::new(),
            detail: "expected an object".to_string(),
        };
        assert_eq!(whole.to_string(), "DSSE envelope: expected an object");
    }
}
