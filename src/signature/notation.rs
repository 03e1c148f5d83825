//! Notation (Notary Project) signatures in JWS: the flattened JSON serialisation, whose
//! protected header states the algorithm, signing scheme and signing time, whose payload names
//! the signed artifact by descriptor, and whose unprotected header carries the certificate
//! chain (x5c). The COSE form is read by `notation_cose` into the same model.

use std::collections::BTreeMap;

use super::json::{self, Base64, Node};
use super::time::DateTime;
use super::SignatureError;
use crate::manifest::Descriptor;
use crate::Digest;

/// The `cty` of a notation payload.
pub const NOTATION_PAYLOAD_TYPE: &str = "application/vnd.cncf.notary.payload.v1+json";

pub(super) const SIGNING_SCHEME: &str = "io.cncf.notary.signingScheme";
pub(super) const SIGNING_TIME: &str = "io.cncf.notary.signingTime";
pub(super) const AUTHENTIC_SIGNING_TIME: &str = "io.cncf.notary.authenticSigningTime";
pub(super) const EXPIRY: &str = "io.cncf.notary.expiry";
pub(super) const SIGNING_AGENT: &str = "io.cncf.notary.signingAgent";
pub(super) const TIMESTAMP_SIGNATURE: &str = "io.cncf.notary.timestampSignature";

/// The JWS algorithms notation signs with (RSASSA-PSS and ECDSA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwsAlgorithm {
    /// RSASSA-PSS with SHA-256.
    Ps256,
    /// RSASSA-PSS with SHA-384.
    Ps384,
    /// RSASSA-PSS with SHA-512.
    Ps512,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
    /// ECDSA on P-521 with SHA-512: read, but its signatures are not verified.
    Es512,
}

impl JwsAlgorithm {
    const ALL: [JwsAlgorithm; 6] = [
        JwsAlgorithm::Ps256,
        JwsAlgorithm::Ps384,
        JwsAlgorithm::Ps512,
        JwsAlgorithm::Es256,
        JwsAlgorithm::Es384,
        JwsAlgorithm::Es512,
    ];

    /// The algorithm's JWS name (`alg`): `PS256`, …, `ES512`.
    pub fn as_str(self) -> &'static str {
        match self {
            JwsAlgorithm::Ps256 => "PS256",
            JwsAlgorithm::Ps384 => "PS384",
            JwsAlgorithm::Ps512 => "PS512",
            JwsAlgorithm::Es256 => "ES256",
            JwsAlgorithm::Es384 => "ES384",
            JwsAlgorithm::Es512 => "ES512",
        }
    }
}

/// The Notary Project signing scheme (`io.cncf.notary.signingScheme`): who vouches for the
/// signing time, and so which trust store type the chain must reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningScheme {
    /// `notary.x509`: the signing time is the signer's claim.
    X509,
    /// `notary.x509.signingAuthority`: the signing time is vouched for by the signing authority.
    X509SigningAuthority,
}

impl SigningScheme {
    /// The scheme as the protected header writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningScheme::X509 => "notary.x509",
            SigningScheme::X509SigningAuthority => "notary.x509.signingAuthority",
        }
    }
}

/// A notation signature, from JWS or COSE: what its protected header states, the artifact it
/// signs, the exact bytes signed and the signature, and the certificate chain.
#[derive(Debug, Clone, PartialEq)]
pub struct NotationSignature {
    /// The protected header's signature algorithm.
    pub algorithm: JwsAlgorithm,
    /// `io.cncf.notary.signingScheme`, protected.
    pub signing_scheme: SigningScheme,
    /// `io.cncf.notary.signingTime`, or `authenticSigningTime` under the signing-authority scheme.
    pub signing_time: DateTime,
    /// `io.cncf.notary.expiry`, protected: when the signature stops being valid.
    pub expiry: Option<DateTime>,
    /// The protected header's `crit`: names a verifier must understand.
    pub critical: Vec<String>,
    /// The unprotected `io.cncf.notary.signingAgent` (e.g. "notation-go/1.0.0"), unauthenticated.
    pub signing_agent: Option<String>,
    /// The payload's `targetArtifact`: the manifest this signature is for.
    pub target: Descriptor,
    /// `protected + "." + payload`, exactly as served: what the signature covers.
    pub signing_input: Vec<u8>,
    /// The signature over `signing_input`, decoded (ECDSA as fixed-size `r || s`).
    pub signature: Vec<u8>,
    /// The unprotected `x5c`: DER, signing certificate first.
    pub certificates: Vec<Vec<u8>>,
    /// An RFC 3161 timestamp over the signature (unprotected), DER.
    pub timestamp: Option<Vec<u8>>,
}

/// A notation JWS layer.
pub(super) fn decode_jws(bytes: &[u8]) -> Result<NotationSignature, SignatureError> {
    const WHAT: &str = "notation JWS";
    let value = json::parse(WHAT, bytes)?;
    let root = Node::root(WHAT, &value);

    let protected_b64 = root.field("protected")?.non_empty_str()?;
    let protected_json = root.field("protected")?.bytes(Base64::UrlNoPad)?;
    let payload_b64 = root.field("payload")?.non_empty_str()?;
    let payload_json = root.field("payload")?.bytes(Base64::UrlNoPad)?;
    let signature = root.field("signature")?.non_empty_bytes(Base64::UrlNoPad)?;

    let header = root.field("header")?;
    let certificates: Vec<Vec<u8>> = header
        .field("x5c")?
        .items()?
        .iter()
        .map(|c| c.non_empty_bytes(Base64::Standard))
        .collect::<Result<_, _>>()?;
    if certificates.is_empty() {
        return Err(header.field("x5c")?.malformed("no certificates"));
    }
    let signing_agent = match header.get(SIGNING_AGENT)? {
        Some(agent) => Some(agent.str()?.to_string()),
        None => None,
    };
    let timestamp = match header.get(TIMESTAMP_SIGNATURE)? {
        Some(t) => Some(t.non_empty_bytes(Base64::Standard)?),
        None => None,
    };

    let protected = Protected::read(&protected_json)?;
    Ok(NotationSignature {
        algorithm: protected.algorithm,
        signing_scheme: protected.scheme,
        signing_time: protected.signing_time,
        expiry: protected.expiry,
        critical: protected.critical,
        signing_agent,
        target: target(&payload_json)?,
        signing_input: format!("{protected_b64}.{payload_b64}").into_bytes(),
        signature,
        certificates,
        timestamp,
    })
}

/// The header a notation signature (JWS or COSE) must list as critical and does not: the
/// signing scheme always, the expiry when there is one, the authentic signing time under the
/// signing-authority scheme.
pub(super) fn missing_critical(
    scheme: SigningScheme,
    has_expiry: bool,
    critical: &[String],
) -> Option<&'static str> {
    let mut must = vec![SIGNING_SCHEME];
    if has_expiry {
        must.push(EXPIRY);
    }
    if scheme == SigningScheme::X509SigningAuthority {
        must.push(AUTHENTIC_SIGNING_TIME);
    }
    must.into_iter()
        .find(|name| !critical.iter().any(|c| c == name))
}

/// The protected header, checked as notation-core-go checks it.
struct Protected {
    algorithm: JwsAlgorithm,
    scheme: SigningScheme,
    signing_time: DateTime,
    expiry: Option<DateTime>,
    critical: Vec<String>,
}

impl Protected {
    fn read(bytes: &[u8]) -> Result<Protected, SignatureError> {
        const WHAT: &str = "notation protected header";
        let value = json::parse(WHAT, bytes)?;
        let root = Node::root(WHAT, &value);
        let header = root.object()?;

        let alg = root.field("alg")?;
        let name = alg.str()?;
        let algorithm = JwsAlgorithm::ALL
            .into_iter()
            .find(|a| a.as_str() == name)
            .ok_or_else(|| {
                alg.unsupported(format!(
                    "algorithm {name}; notation signs with PS256/384/512 or ES256/384/512"
                ))
            })?;

        let cty = root.field("cty")?;
        if cty.str()? != NOTATION_PAYLOAD_TYPE {
            return Err(cty.unsupported(format!(
                "{} where {NOTATION_PAYLOAD_TYPE} was expected",
                cty.str()?
            )));
        }

        let scheme_node = root.field(SIGNING_SCHEME)?;
        let scheme = match scheme_node.str()? {
            "notary.x509" => SigningScheme::X509,
            "notary.x509.signingAuthority" => SigningScheme::X509SigningAuthority,
            other => return Err(scheme_node.unsupported(format!("signing scheme {other}"))),
        };
        // Each scheme has its own time; the other one must not appear.
        let (time_key, other_key) = match scheme {
            SigningScheme::X509 => (SIGNING_TIME, AUTHENTIC_SIGNING_TIME),
            SigningScheme::X509SigningAuthority => (AUTHENTIC_SIGNING_TIME, SIGNING_TIME),
        };
        if header.contains_key(other_key) {
            return Err(root.field(other_key)?.malformed(format!(
                "not allowed under the {} signing scheme",
                scheme.as_str()
            )));
        }
        let signing_time = date_time(&root.field(time_key)?)?;
        let expiry = root.get(EXPIRY)?.map(|e| date_time(&e)).transpose()?;

        let crit_node = root.field("crit")?;
        let critical: Vec<String> = crit_node
            .items()?
            .iter()
            .map(|c| {
                let name = c.non_empty_str()?;
                if !header.contains_key(name) {
                    return Err(c.malformed(format!("{name} is critical but not in the header")));
                }
                Ok(name.to_string())
            })
            .collect::<Result<_, _>>()?;
        if let Some(name) = missing_critical(scheme, expiry.is_some(), &critical) {
            return Err(crit_node.malformed(format!("does not list {name}")));
        }

        Ok(Protected {
            algorithm,
            scheme,
            signing_time,
            expiry,
            critical,
        })
    }
}

fn date_time(node: &Node) -> Result<DateTime, SignatureError> {
    DateTime::parse_rfc3339(node.str()?).ok_or_else(|| node.malformed("not an RFC 3339 date-time"))
}

/// The payload's `targetArtifact`, as an OCI descriptor.
pub(super) fn target(bytes: &[u8]) -> Result<Descriptor, SignatureError> {
    const WHAT: &str = "notation payload";
    let value = json::parse(WHAT, bytes)?;
    let target = Node::root(WHAT, &value).field("targetArtifact")?;
    let media_type = target.field("mediaType")?.non_empty_str()?;
    let digest_node = target.field("digest")?;
    let digest = digest_node
        .str()?
        .parse::<Digest>()
        .map_err(|e| digest_node.malformed(e.to_string()))?;
    let mut descriptor = Descriptor::new(media_type, digest, target.field("size")?.uint()?);
    if let Some(annotations) = target.get("annotations")? {
        descriptor.annotations = annotations
            .object()?
            .keys()
            .map(|key| Ok((key.clone(), annotations.field(key)?.str()?.to_string())))
            .collect::<Result<BTreeMap<_, _>, SignatureError>>()?;
    }
    if let Some(artifact_type) = target.get("artifactType")? {
        descriptor.artifact_type = Some(artifact_type.str()?.to_string());
    }
    Ok(descriptor)
}

#[cfg(test)]
#[path = "notation_tests.rs"]
mod tests;
