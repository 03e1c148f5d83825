//! Offline verification of decoded signatures against public keys the user gives: does a key
//! verify the exact signed bytes, and does what was signed name the artifact at hand; then, for
//! certificates, keyless verification ([`super::keyless`]); notation against its trust store
//! and policy ([`super::notary`]).

use super::trust::Trust;
use super::verdict::{not_this_artifact, Verdict};
use super::{keyless, Bundle, BundleContent, CosignSignature, Envelope, PublicKey, Signed};
use crate::Digest;

/// Checks `signed`, a signature or attestation attached to the artifact `subject` in the
/// repository `scope` (`registry/repository`; `None` in a layout), against all that `trust`
/// holds: its keys first, then, for a certificate, its trusted roots and identities; a
/// notation signature against the notation trust store and policy.
pub fn verify(signed: &Signed, subject: &Digest, scope: Option<&str>, trust: &Trust) -> Verdict {
    if let Signed::Notation(signature) = signed {
        return match &trust.notation {
            Some(notation) => super::notary::verify(signature, subject, scope, notation),
            None => Verdict::NotChecked {
                reason: "notation signatures are checked against a trust store and a trust \
                         policy, and none is given"
                    .to_string(),
            },
        };
    }
    let by_key = verify_with_keys(signed, subject, &trust.keys);
    if by_key.is_verified() {
        return by_key;
    }
    keyless::verify(signed, subject, trust).unwrap_or(by_key)
}

/// Checks `signed`, a signature or attestation attached to the artifact `subject`, with
/// `keys`. Any key verifying any of its signatures counts; what was signed must then name
/// `subject`, which is checked only after the signature so that an unauthenticated payload
/// never decides the verdict.
pub fn verify_with_keys(signed: &Signed, subject: &Digest, keys: &[PublicKey]) -> Verdict {
    match signed {
        Signed::Cosign(signature) => cosign(signature, subject, keys),
        Signed::Dsse(layer) => {
            let keyless = layer.cosign.certificate.is_some();
            envelope(&layer.envelope, subject, keys, keyless)
        }
        Signed::Bundle(signed) => bundle(signed, subject, keys),
        // notation trusts certificates by its trust store and trust policy, not bare keys.
        Signed::Notation(_) => Verdict::NotChecked {
            reason: "notation signatures are checked against a trust store and a trust policy, \
                     not bare keys"
                .to_string(),
        },
    }
}

/// A simple-signing payload: the signature covers the layer's bytes exactly; the payload's
/// `docker-manifest-digest` names the artifact.
fn cosign(signature: &CosignSignature, subject: &Digest, keys: &[PublicKey]) -> Verdict {
    let keyless = signature.material.certificate.is_some();
    let signatures = [signature.signature.as_slice()];
    let key = match first_verifying(keys, &signature.payload, &signatures, keyless) {
        Ok(key) => key,
        Err(verdict) => return verdict,
    };
    let signed = &signature.simple_signing.signed_digest;
    if signed == subject {
        verified(key, signed.clone())
    } else {
        not_this_artifact(&signed.to_string(), subject)
    }
}

/// A DSSE envelope: its signatures cover the PAE of type and payload; an in-toto statement
/// must list `subject` among its subjects.
fn envelope(envelope: &Envelope, subject: &Digest, keys: &[PublicKey], keyless: bool) -> Verdict {
    if envelope.signatures.is_empty() {
        return Verdict::Failed {
            reason: "the DSSE envelope carries no signature".to_string(),
        };
    }
    let signatures: Vec<&[u8]> = envelope
        .signatures
        .iter()
        .map(|s| s.sig.as_slice())
        .collect();
    let key = match first_verifying(keys, &envelope.signed_bytes(), &signatures, keyless) {
        Ok(key) => key,
        Err(verdict) => return verdict,
    };
    let Some(statement) = &envelope.statement else {
        return Verdict::NotChecked {
            reason: format!(
                "{} verifies the envelope, but its payload ({}) names no artifact to compare \
                 with this one",
                key.id(),
                envelope.payload_type
            ),
        };
    };
    let algorithm = subject.algorithm().as_str();
    let names_subject = statement.subjects.iter().any(|s| {
        s.digest
            .get(algorithm)
            .is_some_and(|hex| hex.eq_ignore_ascii_case(subject.hex()))
    });
    if names_subject {
        return verified(key, subject.clone());
    }
    let first = statement
        .subjects
        .iter()
        .find_map(|s| s.oci_digest())
        .map(|d| d.to_string())
        .unwrap_or_else(|| "no artifact by an OCI digest".to_string());
    not_this_artifact(&first, subject)
}

/// A sigstore bundle: an envelope is checked as any other; a message signature covers the
/// artifact's own bytes, which a bundle does not carry.
fn bundle(bundle: &Bundle, subject: &Digest, keys: &[PublicKey]) -> Verdict {
    let keyless = !bundle.material.certificates().is_empty();
    match &bundle.content {
        BundleContent::Dsse(env) => envelope(env, subject, keys, keyless),
        // ring verifies messages, not digests, so the signed digest alone is not enough.
        BundleContent::MessageSignature(_) => Verdict::NotChecked {
            reason: "verifying a message signature needs the signed artifact's bytes".to_string(),
        },
    }
}

/// The first key that verifies one of `signatures` over `message`; else the verdict to give.
/// Keyless material no given key verifies is left unchecked rather than failed: its check is
/// against a trusted root, not these keys.
fn first_verifying<'k>(
    keys: &'k [PublicKey],
    message: &[u8],
    signatures: &[&[u8]],
    keyless: bool,
) -> Result<&'k PublicKey, Verdict> {
    if let Some(key) = keys
        .iter()
        .find(|key| signatures.iter().any(|sig| key.verifies(message, sig)))
    {
        return Ok(key);
    }
    let tried = keys
        .iter()
        .map(PublicKey::short_id)
        .collect::<Vec<_>>()
        .join(", ");
    Err(match (keyless, keys.is_empty()) {
        (true, true) => Verdict::NotChecked {
            reason: KEYLESS.to_string(),
        },
        (true, false) => Verdict::NotChecked {
            reason: format!("{KEYLESS}; no given key verifies it either (tried {tried})"),
        },
        (false, true) => Verdict::NotChecked {
            reason: "no public key given to check the signature with".to_string(),
        },
        (false, false) => Verdict::Failed {
            reason: format!("no key verifies the signature: tried {tried}"),
        },
    })
}

const KEYLESS: &str = "signed with a certificate (keyless), which needs a trusted root to check";

fn verified(key: &PublicKey, signed_digest: Digest) -> Verdict {
    Verdict::Verified {
        by: format!("key {}", key.id()),
        signed_digest,
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
