//! Sigstore bundles (v0.1, v0.2, v0.3): one protobuf-JSON document holding a signature or a
//! DSSE envelope, the key or certificate that made it, and the transparency-log entries and
//! timestamps that vouch for when. Read under protobuf-JSON rules: camelCase or snake_case
//! names, int64 as strings or numbers, zero values left out.

use super::dsse::{envelope_from, Envelope};
use super::json::{self, Base64, Node};
use super::rekor::{self, TlogEntry};
use super::SignatureError;

const WHAT: &str = "sigstore bundle";

/// The Sigstore bundle format version a bundle declares in its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`.
    V0_1,
    /// `…bundle+json;version=0.2`: log entries carry an inclusion proof.
    V0_2,
    /// `application/vnd.dev.sigstore.bundle.v0.3+json` (or `version=0.3`): a lone `certificate`
    /// may replace the chain.
    V0_3,
}

impl BundleVersion {
    /// The version as the media type writes it: `0.1`, `0.2` or `0.3`.
    pub fn as_str(self) -> &'static str {
        match self {
            BundleVersion::V0_1 => "0.1",
            BundleVersion::V0_2 => "0.2",
            BundleVersion::V0_3 => "0.3",
        }
    }
}

/// A Sigstore bundle, decoded: what was signed and its signature, the key hint or certificates
/// that verify it, and the log entries and timestamps that vouch for when it was signed.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// From the bundle's own `mediaType`, else from the layer's.
    pub version: BundleVersion,
    /// `verificationMaterial`: a key hint, or the certificates whose key made the signature.
    pub material: VerificationMaterial,
    /// `verificationMaterial.tlogEntries`: the Rekor entries logging the signature, as served.
    pub tlog_entries: Vec<TlogEntry>,
    /// RFC 3161 timestamp responses over the signature, DER.
    pub rfc3161_timestamps: Vec<Vec<u8>>,
    /// The signed content: a signature over an artifact's bytes, or a DSSE envelope.
    pub content: BundleContent,
    /// The document as served, which keyless verification reads whole (sigstore's own model).
    pub document: Vec<u8>,
}

/// What verifies the signature: a key known to the verifier, or certificates (DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerificationMaterial {
    /// A key the verifier must already hold; the hint names it, unauthenticated.
    PublicKey {
        /// `publicKey.hint`; `None` where absent or empty.
        hint: Option<String>,
    },
    /// `x509CertificateChain`: the signing certificate first, then its chain.
    CertificateChain(Vec<Vec<u8>>),
    /// `certificate` (v0.3): the signing certificate alone.
    Certificate(Vec<u8>),
}

impl VerificationMaterial {
    /// The certificates, signing certificate first; empty for a public key.
    pub fn certificates(&self) -> &[Vec<u8>] {
        match self {
            VerificationMaterial::PublicKey { .. } => &[],
            VerificationMaterial::CertificateChain(chain) => chain,
            VerificationMaterial::Certificate(cert) => std::slice::from_ref(cert),
        }
    }
}

/// What a bundle signs: its `messageSignature` or its `dsseEnvelope` (a oneof).
#[derive(Debug, Clone)]
pub enum BundleContent {
    /// A signature over an artifact's bytes (`cosign sign-blob`, `sign --new-bundle-format`).
    MessageSignature(MessageSignature),
    /// An envelope, whose signatures cover its PAE (attestations).
    Dsse(Envelope),
}

/// A bundle's `messageSignature`: a signature straight over an artifact's bytes, which the
/// bundle does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSignature {
    /// The digest of the signed artifact, as the signer stated it.
    pub digest: Option<MessageDigest>,
    /// The signature over the artifact's bytes, base64-decoded.
    pub signature: Vec<u8>,
}

/// A message signature's `messageDigest`: the signed artifact's digest, as the signer stated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDigest {
    /// The protobuf enum's name: `SHA2_256`, `SHA2_384`, `SHA2_512`, …
    pub algorithm: String,
    /// The digest's raw bytes, base64-decoded (not hex).
    pub digest: Vec<u8>,
}

/// A bundle layer: `layer_media_type` with its parameters, as the descriptor gave it.
pub(super) fn decode(layer_media_type: &str, bytes: &[u8]) -> Result<Bundle, SignatureError> {
    let value = json::parse(WHAT, bytes)?;
    let root = Node::root(WHAT, &value).proto();
    root.object()?;

    let version = match root.get("mediaType")? {
        Some(node) if !node.str()?.is_empty() => {
            version_of(node.str()?).map_err(|detail| node.unsupported(detail))?
        }
        _ => version_of(layer_media_type).map_err(|detail| SignatureError::Unsupported {
            what: WHAT,
            at: "the layer's media type".to_string(),
            detail,
        })?,
    };

    let material_node = root.field("verificationMaterial")?;
    let material = material(&material_node)?;
    let tlog_entries = match material_node.get("tlogEntries")? {
        Some(entries) => entries
            .items()?
            .iter()
            .map(rekor::from_bundle)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let rfc3161_timestamps = match material_node.get("timestampVerificationData")? {
        Some(data) => match data.get("rfc3161Timestamps")? {
            Some(list) => list
                .items()?
                .iter()
                .map(|t| t.field("signedTimestamp")?.non_empty_bytes(Base64::Either))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };

    Ok(Bundle {
        version,
        material,
        tlog_entries,
        rfc3161_timestamps,
        content: content(&root)?,
        document: bytes.to_vec(),
    })
}

/// The version a bundle media type names; the error text says what was found.
fn version_of(media_type: &str) -> Result<BundleVersion, String> {
    let lower = media_type.to_ascii_lowercase();
    let mut parts = lower.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    let version = if essence == "application/vnd.dev.sigstore.bundle+json" {
        parts
            .find_map(|p| p.strip_prefix("version="))
            .ok_or_else(|| format!("{media_type} says no version"))?
    } else {
        essence
            .strip_prefix("application/vnd.dev.sigstore.bundle.v")
            .and_then(|rest| rest.strip_suffix("+json"))
            .ok_or_else(|| format!("{media_type} is not a sigstore bundle media type"))?
    };
    match version {
        "0.1" => Ok(BundleVersion::V0_1),
        "0.2" => Ok(BundleVersion::V0_2),
        "0.3" => Ok(BundleVersion::V0_3),
        other => Err(format!(
            "version {other} (of {media_type}); Stowage reads 0.1, 0.2 and 0.3"
        )),
    }
}

/// The one of `publicKey`, `x509CertificateChain`, `certificate` the bundle holds.
fn material(node: &Node) -> Result<VerificationMaterial, SignatureError> {
    let mut found = Vec::new();
    if let Some(key) = node.get("publicKey")? {
        let hint = match key.get("hint")? {
            Some(h) => Some(h.str()?.to_string()).filter(|h| !h.is_empty()),
            None => None,
        };
        found.push(VerificationMaterial::PublicKey { hint });
    }
    if let Some(chain) = node.get("x509CertificateChain")? {
        let certificates: Vec<Vec<u8>> = chain
            .field("certificates")?
            .items()?
            .iter()
            .map(|c| c.field("rawBytes")?.non_empty_bytes(Base64::Either))
            .collect::<Result<_, _>>()?;
        if certificates.is_empty() {
            return Err(chain.malformed("no certificates"));
        }
        found.push(VerificationMaterial::CertificateChain(certificates));
    }
    if let Some(cert) = node.get("certificate")? {
        let der = cert.field("rawBytes")?.non_empty_bytes(Base64::Either)?;
        found.push(VerificationMaterial::Certificate(der));
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(node.malformed("none of publicKey, x509CertificateChain, certificate")),
        _ => Err(node
            .malformed("more than one of publicKey, x509CertificateChain, certificate (a oneof)")),
    }
}

/// The one of `messageSignature`, `dsseEnvelope` the bundle holds.
fn content(root: &Node) -> Result<BundleContent, SignatureError> {
    let message = root.get("messageSignature")?;
    let envelope = root.get("dsseEnvelope")?;
    match (message, envelope) {
        (Some(m), None) => {
            let digest = match m.get("messageDigest")? {
                Some(d) => Some(MessageDigest {
                    algorithm: hash_algorithm(&d.field("algorithm")?)?,
                    digest: d.field("digest")?.non_empty_bytes(Base64::Either)?,
                }),
                None => None,
            };
            Ok(BundleContent::MessageSignature(MessageSignature {
                digest,
                signature: m.field("signature")?.non_empty_bytes(Base64::Either)?,
            }))
        }
        (None, Some(e)) => Ok(BundleContent::Dsse(envelope_from(&e)?)),
        (None, None) => Err(root.malformed("neither messageSignature nor dsseEnvelope")),
        (Some(_), Some(_)) => {
            Err(root.malformed("both messageSignature and dsseEnvelope (a oneof)"))
        }
    }
}

/// protobuf-specs' HashAlgorithm, which protojson writes by name and also reads by number.
fn hash_algorithm(node: &Node) -> Result<String, SignatureError> {
    const NAMES: [&str; 6] = [
        "HASH_ALGORITHM_UNSPECIFIED",
        "SHA2_256",
        "SHA2_384",
        "SHA2_512",
        "SHA3_256",
        "SHA3_384",
    ];
    if node.value().is_number() {
        let n = node.int()?;
        return usize::try_from(n)
            .ok()
            .and_then(|i| NAMES.get(i))
            .map(|name| name.to_string())
            .ok_or_else(|| node.unsupported(format!("hash algorithm number {n}")));
    }
    Ok(node.non_empty_str()?.to_string())
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
