//! What checking one signature found, shared by the checks of keys, keyless certificates and
//! notation.

use crate::Digest;

/// What checking one signature with the given keys found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `by` verifies the signature ("key …" with a [`PublicKey::id`], or the identity and the
    /// trusted root a keyless certificate checks out against), and it signs `signed_digest`,
    /// the artifact's digest.
    Verified {
        /// Who vouches for the signature, in words: a key's id, a keyless signer and its
        /// trusted root, or a notation signer and its trust store.
        by: String,
        /// The digest the signature signs: the artifact's.
        signed_digest: Digest,
    },
    /// Checked, and not good: no key verifies it, or it signs another artifact.
    Failed {
        /// Why it does not verify, in words.
        reason: String,
    },
    /// Not checked: no key given, or the signature needs what a key cannot give (a trusted
    /// root for certificates, a trust store for notation, the artifact's bytes).
    NotChecked {
        /// Why it was not checked, in words.
        reason: String,
    },
}

impl Verdict {
    /// Whether the signature verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verdict::Verified { .. })
    }
}

pub(super) fn not_this_artifact(signed: &str, subject: &Digest) -> Verdict {
    Verdict::Failed {
        reason: format!("signs {signed}, not this artifact ({subject})"),
    }
}
