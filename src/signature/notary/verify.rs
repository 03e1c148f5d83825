//! A notation JWS signature checked offline as the Notary Project's verification describes it:
//! the trust policy statement for the artifact's repository; the signature over the exact
//! signing input with the signing certificate's key; the signed target against the artifact;
//! the certificate chain to a trust store the statement names (code signing usage, validity at
//! the time the scheme authenticates); the signer's subject against the trusted identities; the
//! signature's expiry. The statement's level says which failures count.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use der::Decode;
use ring::signature::{self as ring_sig, UnparsedPublicKey, VerificationAlgorithm};
use rustls_pki_types::{CertificateDer, UnixTime};
use webpki::{EndEntityCert, KeyUsage};

use super::{Level, NotationTrust, PolicyStatement};
use crate::signature::verdict::not_this_artifact;
use crate::signature::{JwsAlgorithm, NotationSignature, SigningScheme, Verdict};
use crate::Digest;

/// id-kp-codeSigning (1.3.6.1.5.5.7.3.3), DER-encoded, as notation requires of a signing
/// certificate that names its usages.
const CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];

/// The protected-header names a verifier must understand to honour `crit`.
const UNDERSTOOD: [&str; 3] = [
    "io.cncf.notary.signingScheme",
    "io.cncf.notary.expiry",
    "io.cncf.notary.authenticSigningTime",
];

pub(in crate::signature) fn verify(
    signature: &NotationSignature,
    subject: &Digest,
    scope: Option<&str>,
    trust: &NotationTrust,
) -> Verdict {
    let Some(statement) = trust.policy.for_scope(scope) else {
        return Verdict::NotChecked {
            reason: format!(
                "no trust policy statement covers {}",
                scope.unwrap_or("this artifact (not in a registry)")
            ),
        };
    };
    if statement.level == Level::Skip {
        return Verdict::NotChecked {
            reason: format!("trust policy {} skips verification", statement.name),
        };
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    match check(signature, subject, statement, trust, now) {
        Ok((by, notes)) if notes.is_empty() => Verdict::Verified {
            by,
            signed_digest: subject.clone(),
        },
        Ok((by, notes)) => match statement.level {
            Level::Permissive => Verdict::Verified {
                by: format!(
                    "{by}; allowed by the permissive level: {}",
                    notes.join("; ")
                ),
                signed_digest: subject.clone(),
            },
            _ => audit_or_fail(statement, notes.join("; ")),
        },
        Err(Failure::NotThisArtifact(verdict)) => verdict,
        Err(Failure::Check(reason)) => audit_or_fail(statement, reason),
    }
}

enum Failure {
    NotThisArtifact(Verdict),
    Check(String),
}

/// Every check in turn; on success, who signed and the expiry notes a permissive level allows.
fn check(
    signature: &NotationSignature,
    subject: &Digest,
    statement: &PolicyStatement,
    trust: &NotationTrust,
    now: i64,
) -> Result<(String, Vec<String>), Failure> {
    let fail = |reason: String| Failure::Check(reason);
    if let Some(unknown) = signature
        .critical
        .iter()
        .find(|c| !UNDERSTOOD.contains(&c.as_str()))
    {
        return Err(fail(format!(
            "its protected header requires {unknown}, which Stowage does not implement"
        )));
    }
    let leaf = signature
        .certificates
        .first()
        .ok_or_else(|| fail("it carries no certificate".to_string()))?;
    let certificate = x509_cert::Certificate::from_der(leaf)
        .map_err(|e| fail(format!("its signing certificate does not read: {e}")))?;
    verify_signature(signature, &certificate).map_err(fail)?;
    if &signature.target.digest != subject {
        return Err(Failure::NotThisArtifact(not_this_artifact(
            &signature.target.digest.to_string(),
            subject,
        )));
    }

    // The signing-authority scheme authenticates its signing time; the plain scheme's is the
    // signer's word, so its chain must hold now.
    let (store_type, at, when) = match signature.signing_scheme {
        SigningScheme::X509 => ("ca:", now, "now".to_string()),
        SigningScheme::X509SigningAuthority => (
            "signingAuthority:",
            signature.signing_time.unix_seconds,
            format!(
                "at its authenticated signing time {}",
                signature.signing_time
            ),
        ),
    };
    let mut notes = Vec::new();
    let store = chain_to_store(
        signature,
        statement,
        trust,
        (store_type, at, &when),
        &mut notes,
    )
    .map_err(fail)?;

    let signer = certificate.tbs_certificate.subject.to_string();
    if !statement.trusts_subject(&signer) {
        return Err(fail(format!(
            "signed by {signer}, which trust policy {} does not trust (trusted: {})",
            statement.name,
            statement.trusted_identities.join("; ")
        )));
    }
    if let Some(expiry) = &signature.expiry {
        if expiry.unix_seconds < now {
            notes.push(format!("the signature expired at {expiry}"));
        }
    }
    Ok((
        format!(
            "{signer}, through trust store {store} (trust policy {})",
            statement.name
        ),
        notes,
    ))
}

/// The integrity check: the signature over its exact signing input (JWS's `protected.payload`,
/// COSE's Sig_structure) with the certificate's key.
fn verify_signature(
    signature: &NotationSignature,
    certificate: &x509_cert::Certificate,
) -> Result<(), String> {
    let algorithm: &'static dyn VerificationAlgorithm = match signature.algorithm {
        JwsAlgorithm::Ps256 => &ring_sig::RSA_PSS_2048_8192_SHA256,
        JwsAlgorithm::Ps384 => &ring_sig::RSA_PSS_2048_8192_SHA384,
        JwsAlgorithm::Ps512 => &ring_sig::RSA_PSS_2048_8192_SHA512,
        JwsAlgorithm::Es256 => &ring_sig::ECDSA_P256_SHA256_FIXED,
        JwsAlgorithm::Es384 => &ring_sig::ECDSA_P384_SHA384_FIXED,
        JwsAlgorithm::Es512 => {
            return Err("ES512 (ECDSA P-521) signatures are not supported".to_string())
        }
    };
    let key = certificate
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    UnparsedPublicKey::new(algorithm, key)
        .verify(&signature.signing_input, &signature.signature)
        .map_err(|_| {
            format!(
                "its {} signature does not verify with its signing certificate's key (payload or signature changed, or the key is not {})",
                signature.algorithm.as_str(),
                signature.algorithm.as_str()
            )
        })
}

/// The first of the statement's stores of `store_type` the certificate chain leads to, checked
/// at `at` (seconds); an expired or not-yet-valid chain is a note (permissive levels allow it).
fn chain_to_store(
    signature: &NotationSignature,
    statement: &PolicyStatement,
    trust: &NotationTrust,
    (store_type, at, when): (&str, i64, &str),
    notes: &mut Vec<String>,
) -> Result<String, String> {
    let leaf = CertificateDer::from(signature.certificates[0].as_slice());
    let end_entity =
        EndEntityCert::try_from(&leaf).map_err(|e| format!("its signing certificate: {e}"))?;
    let intermediates: Vec<CertificateDer<'_>> = signature.certificates[1..]
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    let time = UnixTime::since_unix_epoch(Duration::from_secs(at.max(0) as u64));
    let mut refusals = Vec::new();
    let stores = statement
        .trust_stores
        .iter()
        .filter(|s| s.starts_with(store_type));
    for name in stores {
        let Some(certificates) = trust.stores.get(name) else {
            continue;
        };
        let ders: Vec<CertificateDer<'_>> = certificates
            .iter()
            .map(|c| CertificateDer::from(c.as_slice()))
            .collect();
        let anchors: Vec<_> = ders
            .iter()
            .filter_map(|c| webpki::anchor_from_trusted_cert(c).ok())
            .collect();
        let verified = end_entity.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &intermediates,
            time,
            KeyUsage::required_if_present(CODE_SIGNING),
            None,
            None,
        );
        match verified {
            Ok(_) => return Ok(name.clone()),
            Err(webpki::Error::CertExpired { .. }) | Err(webpki::Error::CertNotValidYet { .. }) => {
                notes.push(format!(
                    "its certificate chain to {name} is not valid {when}"
                ));
                return Ok(name.clone());
            }
            Err(e) => refusals.push(format!("{name}: {}", chain_error(&e))),
        }
    }
    if refusals.is_empty() {
        return Err(format!(
            "trust policy {} names no {} trust store for the {} scheme",
            statement.name,
            store_type.trim_end_matches(':'),
            signature.signing_scheme.as_str()
        ));
    }
    Err(format!(
        "its certificate chain leads to no trusted store ({})",
        refusals.join("; ")
    ))
}

/// webpki's errors print as their Rust names; the common ones in words.
fn chain_error(e: &webpki::Error) -> String {
    use webpki::Error as E;
    match e {
        E::UnknownIssuer => "no certificate of the store issued its chain".to_string(),
        E::RequiredEkuNotFoundContext(_) => {
            "its certificate is not for code signing (extended key usage)".to_string()
        }
        E::InvalidSignatureForPublicKey => "a signature in its chain does not verify".to_string(),
        E::CaUsedAsEndEntity => "it is signed with a CA certificate".to_string(),
        E::EndEntityUsedAsCa => "its chain has a non-CA certificate as an issuer".to_string(),
        E::CertRevoked => "its certificate is revoked".to_string(),
        other => format!("{other:?}"),
    }
}

fn audit_or_fail(statement: &PolicyStatement, reason: String) -> Verdict {
    if statement.level == Level::Audit {
        audit(statement, reason)
    } else {
        Verdict::Failed { reason }
    }
}

/// The audit level records what failed without deciding: never "verified", never "failed".
fn audit(statement: &PolicyStatement, reason: String) -> Verdict {
    Verdict::NotChecked {
        reason: format!("trust policy {} only audits: {reason}", statement.name),
    }
}
