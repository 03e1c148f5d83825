//! Verdicts remembered under one [`Trust`]: keyed by the signature's manifest, its layer and the
//! subject it is attached to, never by a tag, so a tag moved to other content is checked again.
//! A new trust starts a new `Verdicts`; nothing is carried over from another policy.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{FoundSignature, Trust, Verdict};
use crate::Digest;

/// More distinct signatures than a session looks at; past it the memory starts over.
const REMEMBERED: usize = 10_000;

type Key = (Digest, Digest, Digest);

/// The verdicts of signatures under one [`Trust`], each computed once and then remembered.
pub struct Verdicts {
    trust: Trust,
    known: Mutex<HashMap<Key, Verdict>>,
}

impl Verdicts {
    /// Remembers nothing yet; every verdict it gives will be under `trust`.
    pub fn new(trust: Trust) -> Self {
        Verdicts {
            trust,
            known: Mutex::new(HashMap::new()),
        }
    }

    /// The trust every verdict is checked under.
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// What `found` checks to, computed once per (manifest, layer, subject). The signature's
    /// material is in the manifest (cosign's annotations) and its layer, both named by digest,
    /// and keyless checks are against the log's time, not the clock: the same inputs give the
    /// same verdict. A signature that could not be read is not remembered.
    pub fn of(&self, found: &FoundSignature) -> Verdict {
        let Some(layer) = &found.layer else {
            return found.verdict(&self.trust);
        };
        let key = (found.manifest.clone(), layer.clone(), found.subject.clone());
        if let Some(verdict) = self.lock().get(&key) {
            return verdict.clone();
        }
        let verdict = found.verdict(&self.trust);
        if found.read.is_ok() {
            let mut known = self.lock();
            if known.len() >= REMEMBERED {
                known.clear();
            }
            known.insert(key, verdict.clone());
        }
        verdict
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Verdict>> {
        self.known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::graph::Via;
    use crate::signature::{decode, media_type, PublicKey, SIGNATURE_ANNOTATION};

    /// make_keys.py's p256 cosign signature, found attached to `subject`.
    fn found(subject: &str) -> FoundSignature {
        let payload = include_bytes!("../../tests/fixtures/signature/keys/p256.simplesigning.json");
        let signature = include_str!("../../tests/fixtures/signature/keys/p256.simplesigning.sig");
        let annotations = BTreeMap::from([(
            SIGNATURE_ANNOTATION.to_string(),
            signature.trim().to_string(),
        )]);
        let read = decode(media_type::COSIGN_SIMPLE_SIGNING, &annotations, payload)
            .map_err(crate::Error::from);
        FoundSignature {
            manifest: Digest::sha256_of(b"manifest"),
            layer: Some(Digest::sha256_of(payload)),
            media_type: media_type::COSIGN_SIMPLE_SIGNING.to_string(),
            format: "cosign".to_string(),
            subject: subject.parse().unwrap(),
            platform: None,
            scope: None,
            via: Via::Api,
            read,
        }
    }

    #[test]
    fn a_verdict_is_remembered_per_signature_and_subject() {
        let key = PublicKey::from_pem(include_str!(
            "../../tests/fixtures/signature/keys/p256.pub.pem"
        ))
        .unwrap();
        let verdicts = Verdicts::new(Trust {
            keys: vec![key],
            ..Trust::default()
        });
        let signed = "sha256:a3f1c0de5b7e2d9c4f8a6b1e0d3c2b5a49687f1e2d3c4b5a697887a6b5c4d3e2";
        let other = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
        assert!(verdicts.of(&found(signed)).is_verified());
        assert!(verdicts.of(&found(signed)).is_verified());
        // The same signature attached elsewhere is its own question.
        assert!(!verdicts.of(&found(other)).is_verified());
        assert_eq!(verdicts.lock().len(), 2);

        // Another trust knows nothing of those verdicts.
        let untrusting = Verdicts::new(Trust::default());
        assert!(!untrusting.of(&found(signed)).is_verified());
    }
}
