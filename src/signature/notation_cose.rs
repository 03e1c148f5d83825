//! Notation signatures in COSE (`application/cose`): a tagged COSE_Sign1 whose protected header
//! states the algorithm, signing scheme and times (CBOR epoch dates), whose payload is the same
//! JSON naming the signed artifact as in JWS, and whose unprotected header carries the
//! certificate chain (x5chain). What it signs is RFC 9052's Sig_structure over the protected
//! header's bytes exactly as served and the payload.

use coset::cbor::value::Value;
use coset::{iana, CborSerializable, CoseSign1, Label, RegisteredLabel, TaggedCborSerializable};

use super::notation::SIGNING_SCHEME;
use super::notation::{missing_critical, target, AUTHENTIC_SIGNING_TIME, EXPIRY, SIGNING_AGENT};
use super::notation::{SIGNING_TIME, TIMESTAMP_SIGNATURE};
use super::NOTATION_PAYLOAD_TYPE;
use super::{DateTime, JwsAlgorithm, NotationSignature, SignatureError, SigningScheme};

const WHAT: &str = "notation COSE envelope";

pub(super) fn decode_cose(bytes: &[u8]) -> Result<NotationSignature, SignatureError> {
    let sign1 = CoseSign1::from_tagged_slice(bytes)
        .or_else(|_| CoseSign1::from_slice(bytes))
        .map_err(|e| malformed("", format!("not a COSE_Sign1: {e}")))?;
    let header = &sign1.protected.header;

    let algorithm = match &header.alg {
        Some(coset::Algorithm::Assigned(a)) => match a {
            iana::Algorithm::PS256 => JwsAlgorithm::Ps256,
            iana::Algorithm::PS384 => JwsAlgorithm::Ps384,
            iana::Algorithm::PS512 => JwsAlgorithm::Ps512,
            iana::Algorithm::ES256 => JwsAlgorithm::Es256,
            iana::Algorithm::ES384 => JwsAlgorithm::Es384,
            iana::Algorithm::ES512 => JwsAlgorithm::Es512,
            other => {
                return Err(unsupported(
                    "alg",
                    format!(
                        "algorithm {other:?}; notation signs with PS256/384/512 or ES256/384/512"
                    ),
                ))
            }
        },
        _ => {
            return Err(unsupported(
                "alg",
                "no algorithm notation signs with".to_string(),
            ))
        }
    };
    match &header.content_type {
        Some(RegisteredLabel::Text(t)) if t == NOTATION_PAYLOAD_TYPE => {}
        other => {
            return Err(unsupported(
                "content type",
                format!("{other:?} where {NOTATION_PAYLOAD_TYPE} was expected"),
            ))
        }
    }
    let scheme = match text(&header.rest, SIGNING_SCHEME)? {
        Some("notary.x509") => SigningScheme::X509,
        Some("notary.x509.signingAuthority") => SigningScheme::X509SigningAuthority,
        Some(other) => {
            return Err(unsupported(
                SIGNING_SCHEME,
                format!("signing scheme {other}"),
            ))
        }
        None => return Err(malformed(SIGNING_SCHEME, "missing".to_string())),
    };
    let (time_key, other_key) = match scheme {
        SigningScheme::X509 => (SIGNING_TIME, AUTHENTIC_SIGNING_TIME),
        SigningScheme::X509SigningAuthority => (AUTHENTIC_SIGNING_TIME, SIGNING_TIME),
    };
    if field(&header.rest, other_key).is_some() {
        return Err(malformed(
            other_key,
            format!("not allowed under the {} signing scheme", scheme.as_str()),
        ));
    }
    let signing_time =
        date(&header.rest, time_key)?.ok_or_else(|| malformed(time_key, "missing".to_string()))?;
    let expiry = date(&header.rest, EXPIRY)?;

    let critical: Vec<String> = header
        .crit
        .iter()
        .map(|c| match c {
            RegisteredLabel::Text(t) => t.clone(),
            RegisteredLabel::Assigned(a) => format!("{}", *a as i64),
        })
        .collect();
    if let Some(name) = missing_critical(scheme, expiry.is_some(), &critical) {
        return Err(malformed("crit", format!("does not list {name}")));
    }

    let payload = sign1
        .payload
        .as_deref()
        .ok_or_else(|| malformed("payload", "detached; notation embeds it".to_string()))?;
    let unprotected = &sign1.unprotected.rest;
    let chain = unprotected
        .iter()
        .find(|(l, _)| *l == Label::Int(iana::HeaderParameter::X5Chain as i64))
        .map(|(_, v)| v);
    let certificates: Vec<Vec<u8>> = match chain {
        Some(Value::Bytes(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .map(|c| match c {
                Value::Bytes(der) if !der.is_empty() => Ok(der.clone()),
                _ => Err(malformed(
                    "x5chain",
                    "an entry is not a certificate".to_string(),
                )),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(malformed("x5chain", "no certificates".to_string())),
    };
    if certificates.is_empty() {
        return Err(malformed("x5chain", "no certificates".to_string()));
    }
    let signing_agent = text(unprotected, SIGNING_AGENT)?.map(str::to_string);
    let timestamp = match field(unprotected, TIMESTAMP_SIGNATURE) {
        Some(Value::Bytes(b)) => Some(b.clone()),
        Some(_) => {
            return Err(malformed(
                TIMESTAMP_SIGNATURE,
                "not a byte string".to_string(),
            ))
        }
        None => None,
    };
    Ok(NotationSignature {
        algorithm,
        signing_scheme: scheme,
        signing_time,
        expiry,
        critical,
        signing_agent,
        target: target(payload)?,
        signing_input: sign1.tbs_data(b""),
        signature: sign1.signature.clone(),
        certificates,
        timestamp,
    })
}

fn field<'a>(rest: &'a [(Label, Value)], name: &str) -> Option<&'a Value> {
    rest.iter()
        .find(|(l, _)| matches!(l, Label::Text(t) if t == name))
        .map(|(_, v)| v)
}

fn text<'a>(rest: &'a [(Label, Value)], name: &str) -> Result<Option<&'a str>, SignatureError> {
    match field(rest, name) {
        None => Ok(None),
        Some(Value::Text(t)) => Ok(Some(t)),
        Some(_) => Err(malformed(name, "not a text string".to_string())),
    }
}

/// A CBOR date: tag 1 (epoch seconds, integer or float), as notation writes its times.
fn date(rest: &[(Label, Value)], name: &str) -> Result<Option<DateTime>, SignatureError> {
    let Some(value) = field(rest, name) else {
        return Ok(None);
    };
    let seconds = match value {
        Value::Tag(1, inner) => match inner.as_ref() {
            Value::Integer(i) => i64::try_from(*i).ok(),
            Value::Float(f) if f.is_finite() => Some(f.trunc() as i64),
            _ => None,
        },
        _ => None,
    };
    seconds
        .map(|s| Some(DateTime::from_unix(s)))
        .ok_or_else(|| malformed(name, "not a CBOR epoch date (tag 1)".to_string()))
}

fn malformed(at: &str, detail: String) -> SignatureError {
    SignatureError::Malformed {
        what: WHAT,
        at: at.to_string(),
        detail,
    }
}

fn unsupported(at: &str, detail: String) -> SignatureError {
    SignatureError::Unsupported {
        what: WHAT,
        at: at.to_string(),
        detail,
    }
}
