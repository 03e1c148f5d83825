//! A sigstore bundle over a file on disk (`stowage verify-blob`): a message signature over the
//! file's bytes, or a DSSE statement naming the file's digest, checked against the trusted
//! roots with the identities or keys the user trusts.

use sha2::{Digest as _, Sha256};
use sigstore_verify::types::{Bundle as SigstoreBundle, DerPublicKey};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy};

use super::{bundle_document, failed, judge};
use crate::signature::{bundle, media_type, SignatureError, Trust, Verdict};
use crate::Digest;

/// Checks `bundle_json` (a sigstore bundle, any version) over `file`, the bytes it signs. The
/// error is for a bundle that does not decode; a verdict says everything else.
pub fn verify_blob(
    file: &[u8],
    bundle_json: &[u8],
    trust: &Trust,
) -> Result<Verdict, SignatureError> {
    let ours = bundle::decode(media_type::SIGSTORE_BUNDLE, bundle_json)?;
    let parsed = bundle_document(&ours).and_then(|document| {
        serde_json::from_value::<SigstoreBundle>(document).map_err(|e| e.to_string())
    });
    let bundle = match parsed {
        Ok(bundle) => bundle,
        Err(e) => {
            return Ok(failed(format!(
                "the bundle does not read as sigstore's: {e}"
            )))
        }
    };
    let digest: Digest = format!("sha256:{}", hex::encode(Sha256::digest(file)))
        .parse()
        .map_err(|_| SignatureError::Malformed {
            what: "file digest",
            at: String::new(),
            detail: "not a digest".to_string(),
        })?;
    if trust.roots.is_empty() {
        return Ok(Verdict::NotChecked {
            reason: "no Sigstore trusted root is trusted to check the bundle's log entries"
                .to_string(),
        });
    }
    let mut refusals = Vec::new();
    if ours.material.certificates().is_empty() {
        if trust.keys.is_empty() {
            return Ok(Verdict::NotChecked {
                reason: "the bundle was signed with a key, and no key was given to check it"
                    .to_string(),
            });
        }
        for key in &trust.keys {
            let policy = PublicKeyVerificationPolicy::new(DerPublicKey::from_bytes(key.spki_der()));
            for root in &trust.roots {
                match root.verifier.verify(file, &bundle, &policy) {
                    Ok(_) => {
                        return Ok(Verdict::Verified {
                            by: format!("key {}, logged in {}", key.id(), root.name),
                            signed_digest: digest,
                        })
                    }
                    Err(e) => {
                        refusals.push(format!("key {} with {}: {e}", key.short_id(), root.name))
                    }
                }
            }
        }
    } else {
        let policy = VerificationPolicy::any_identity();
        for root in &trust.roots {
            match root.verifier.verify(file, &bundle, &policy) {
                Ok(result) => return Ok(judge(&result, root, digest.clone(), &digest, trust)),
                Err(e) => refusals.push(format!("{}: {e}", root.name)),
            }
        }
    }
    Ok(failed(format!(
        "the bundle does not verify over this file ({})",
        refusals.join("; ")
    )))
}
