//! Keyless verification: a signature whose signing certificate a Fulcio issued, checked with
//! sigstore-verify against the user's trusted roots (the chain, its SCT, the transparency-log
//! entry, the signing time inside the certificate's validity), then held to the identities the
//! user trusts and to the artifact it is attached to.

mod blob;
mod legacy;
mod provider;

use serde_json::Value;
use sigstore_verify::types::{Artifact, Bundle as SigstoreBundle, Sha256Hash};
use sigstore_verify::{VerificationPolicy, VerificationResult};

use super::trust::{Trust, TrustedRoot};
use super::verdict::not_this_artifact;
use super::{Bundle, BundleContent, Envelope, MessageSignature, Signed, Verdict};
use crate::Digest;

pub use blob::verify_blob;
pub(super) use provider::install as install_provider;

/// What keyless verification finds for `signed`, attached to `subject`; `None` when it carries
/// no certificate (a key signed it) or is not a sigstore format (notation has its own trust).
pub(super) fn verify(signed: &Signed, subject: &Digest, trust: &Trust) -> Option<Verdict> {
    let case = match signed {
        Signed::Cosign(c) => {
            c.material.certificate.as_ref()?;
            Case {
                document: legacy::cosign_bundle(c),
                claim: Claim::Payload(&c.payload, c.simple_signing.signed_digest.clone()),
            }
        }
        Signed::Dsse(d) => {
            d.cosign.certificate.as_ref()?;
            Case {
                document: legacy::dsse_bundle(&d.envelope, &d.cosign),
                claim: Claim::Statement(&d.envelope),
            }
        }
        Signed::Bundle(b) if !b.material.certificates().is_empty() => Case {
            document: bundle_document(b),
            claim: match &b.content {
                BundleContent::Dsse(envelope) => Claim::Statement(envelope),
                BundleContent::MessageSignature(m) => Claim::Digest(message_digest(m)),
            },
        },
        Signed::Bundle(_) | Signed::Notation(_) => return None,
    };
    Some(case.verify(subject, trust))
}

/// One keyless signature, as sigstore reads it, and what it signs.
struct Case<'a> {
    document: Result<Value, String>,
    claim: Claim<'a>,
}

/// What a signature's bytes sign: a payload naming one digest, an artifact by its digest (a
/// message signature over a manifest), or an in-toto statement naming its subjects.
enum Claim<'a> {
    Payload(&'a [u8], Digest),
    Digest(Option<Digest>),
    Statement(&'a Envelope),
}

impl Case<'_> {
    fn verify(self, subject: &Digest, trust: &Trust) -> Verdict {
        let bundle = match self.document.and_then(|document| {
            serde_json::from_value::<SigstoreBundle>(document).map_err(|e| e.to_string())
        }) {
            Ok(bundle) => bundle,
            Err(e) => {
                return Verdict::Failed {
                    reason: format!(
                        "the keyless signature does not read as a sigstore bundle: {e}"
                    ),
                }
            }
        };
        // What sigstore checks the signature over, and the digest it claims to sign.
        let (artifact, claimed): (Artifact<'_>, Digest) = match &self.claim {
            Claim::Payload(payload, claimed) => ((*payload).into(), claimed.clone()),
            Claim::Digest(Some(claimed)) => match Sha256Hash::from_hex(claimed.hex()) {
                Ok(hash) => (hash.into(), claimed.clone()),
                Err(e) => return failed(format!("{claimed}: {e}")),
            },
            Claim::Digest(None) => {
                return failed("its message signature names no sha256 digest".to_string())
            }
            Claim::Statement(envelope) => match statement_digest(envelope, subject) {
                Some(claimed) => match Sha256Hash::from_hex(claimed.hex()) {
                    Ok(hash) => (hash.into(), claimed),
                    Err(e) => return failed(format!("{claimed}: {e}")),
                },
                None => {
                    return failed("its statement names no artifact by a sha256 digest".to_string())
                }
            },
        };
        if trust.roots.is_empty() {
            return Verdict::NotChecked {
                reason: "signed with a certificate (keyless), and no Sigstore trusted root is \
                         trusted to check it"
                    .to_string(),
            };
        }
        let policy = VerificationPolicy::any_identity();
        let mut refusals = Vec::new();
        for root in &trust.roots {
            match root.verifier.verify(artifact.clone(), &bundle, &policy) {
                Ok(result) => return judge(&result, root, claimed, subject, trust),
                Err(e) => refusals.push(format!("{}: {e}", root.name)),
            }
        }
        failed(format!(
            "the certificate, log entry and signature do not verify against a trusted root ({})",
            refusals.join("; ")
        ))
    }
}

/// The certificate and log check out under `root`: now what it signs and who signed it.
fn judge(
    result: &VerificationResult,
    root: &TrustedRoot,
    claimed: Digest,
    subject: &Digest,
    trust: &Trust,
) -> Verdict {
    if &claimed != subject {
        return not_this_artifact(&claimed.to_string(), subject);
    }
    let identity = result.identity().map(|i| i.as_str()).unwrap_or_default();
    let issuer = result.issuer().unwrap_or_default();
    let signer = format!("{identity} (issuer {issuer})");
    if trust.identities.is_empty() {
        return Verdict::NotChecked {
            reason: format!(
                "the certificate checks out against {} (chain, SCT, log entry, signing time) and \
                 names {signer}, but no identity is trusted",
                root.name
            ),
        };
    }
    if trust
        .identities
        .iter()
        .any(|trusted| trusted.matches(identity, issuer))
    {
        return Verdict::Verified {
            by: format!("{signer}, through {}", root.name),
            signed_digest: claimed,
        };
    }
    let trusted = trust
        .identities
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    failed(format!(
        "signed by {signer}, which no trusted identity matches (trusted: {trusted})"
    ))
}

/// The digest a statement signs for `subject`: the subject's own when the statement names it,
/// else the first it names, so that a good signature over another artifact says which.
fn statement_digest(envelope: &Envelope, subject: &Digest) -> Option<Digest> {
    let statement = envelope.statement.as_ref()?;
    let digests: Vec<Digest> = statement
        .subjects
        .iter()
        .filter_map(|s| {
            let hex = s.digest.get("sha256")?;
            format!("sha256:{hex}").parse().ok()
        })
        .collect();
    digests
        .iter()
        .find(|d| *d == subject)
        .or_else(|| digests.first())
        .cloned()
}

/// The sha256 digest a message signature says it signs.
fn message_digest(signature: &MessageSignature) -> Option<Digest> {
    let digest = signature.digest.as_ref()?;
    if digest.algorithm != "SHA2_256" {
        return None;
    }
    format!("sha256:{}", hex::encode(&digest.digest))
        .parse()
        .ok()
}

/// A bundle's own document, with the media type its layer named when the document names none
/// (bundles written before the field was required).
fn bundle_document(bundle: &Bundle) -> Result<Value, String> {
    let mut value: Value = serde_json::from_slice(&bundle.document).map_err(|e| e.to_string())?;
    if let Value::Object(map) = &mut value {
        let named = map.get("mediaType").and_then(Value::as_str);
        if named.is_none_or(str::is_empty) {
            map.insert(
                "mediaType".into(),
                format!(
                    "application/vnd.dev.sigstore.bundle+json;version={}",
                    bundle.version.as_str()
                )
                .into(),
            );
        }
    }
    Ok(value)
}

fn failed(reason: String) -> Verdict {
    Verdict::Failed { reason }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
