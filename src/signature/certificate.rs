//! What a signing certificate says about its signer: the identity in its subject alternative
//! names, the OIDC issuer and the build claims Fulcio writes into it, and when it is valid.
//!
//! Read, not trusted: nothing here checks the certificate's chain, so what it says is a claim
//! until keyless verification has checked who issued it.

use const_oid::ObjectIdentifier;
use der::asn1::Utf8StringRef;
use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;

use super::{DateTime, SignatureError};

/// The subject alternative name extension (RFC 5280, 4.2.1.6).
const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
/// Fulcio's username identity, an OtherName of the subject alternative names.
const FULCIO_USERNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");
/// The arc of Fulcio's extensions (Sigstore's enterprise number, then `.1`).
const FULCIO: &str = "1.3.6.1.4.1.57264.1.";

/// Fulcio's extensions by their last arc, as its oid-info.md names them. 1 to 6 hold the
/// value's raw bytes; 8 and later a DER UTF8String.
const FULCIO_CLAIMS: [(u32, &str); 21] = [
    (1, "OIDC issuer"),
    (2, "GitHub workflow trigger"),
    (3, "GitHub workflow SHA"),
    (4, "GitHub workflow name"),
    (5, "GitHub workflow repository"),
    (6, "GitHub workflow ref"),
    (8, "OIDC issuer"),
    (9, "Build signer URI"),
    (10, "Build signer digest"),
    (11, "Runner environment"),
    (12, "Source repository URI"),
    (13, "Source repository digest"),
    (14, "Source repository ref"),
    (15, "Source repository identifier"),
    (16, "Source repository owner URI"),
    (17, "Source repository owner identifier"),
    (18, "Build config URI"),
    (19, "Build config digest"),
    (20, "Build trigger"),
    (21, "Run invocation URI"),
    (22, "Source repository visibility at signing"),
];

/// A signing certificate, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Its subject alternative names, in order: e-mail addresses, URIs (a CI workflow's),
    /// DNS names, Fulcio usernames. Keyless signing puts the signer's identity here.
    pub identities: Vec<String>,
    /// The OIDC issuer that vouched for the identity: Fulcio's issuer (V2) extension, else
    /// the deprecated one.
    pub oidc_issuer: Option<String>,
    /// The certificate's subject and issuer names (RFC 4514).
    pub subject: String,
    /// The issuer's name: the CA that signed the certificate (Fulcio, for keyless signing).
    pub issuer: String,
    /// When the certificate starts to be valid.
    pub not_before: DateTime,
    /// When it stops: minutes after `not_before` for Fulcio, so keyless signatures are checked
    /// at the time the log vouches for, not now.
    pub not_after: DateTime,
    /// Fulcio's other claims, named, in the order of their OIDs: ("Source repository URI",
    /// "https://github.com/org/app"). The deprecated GitHub ones only where no newer claim
    /// says the same.
    pub claims: Vec<(&'static str, String)>,
}

impl Certificate {
    /// Decodes a DER certificate. `what` names it in errors ("cosign certificate annotation").
    pub fn from_der(der: &[u8], what: &'static str) -> Result<Certificate, SignatureError> {
        let malformed = |at: &str, detail: String| SignatureError::Malformed {
            what,
            at: at.to_string(),
            detail,
        };
        let cert = x509_cert::Certificate::from_der(der)
            .map_err(|e| malformed("", format!("not an X.509 certificate: {e}")))?;
        let tbs = &cert.tbs_certificate;
        let time = |t: x509_cert::time::Time, at: &str| {
            let text = t.to_date_time().to_string();
            DateTime::parse_rfc3339(&text)
                .ok_or_else(|| malformed(at, format!("{text:?} is not a date and time")))
        };
        let mut certificate = Certificate {
            identities: Vec::new(),
            oidc_issuer: None,
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            not_before: time(tbs.validity.not_before, "validity.notBefore")?,
            not_after: time(tbs.validity.not_after, "validity.notAfter")?,
            claims: Vec::new(),
        };
        let mut issuer_v1 = None;
        let mut fulcio = Vec::new();
        for ext in tbs.extensions.iter().flatten() {
            let value = ext.extn_value.as_bytes();
            if ext.extn_id == SUBJECT_ALT_NAME {
                let names = SubjectAltName::from_der(value)
                    .map_err(|e| malformed("subjectAltName", e.to_string()))?;
                certificate.identities = names.0.iter().filter_map(identity).collect();
                continue;
            }
            let oid = ext.extn_id.to_string();
            let Some(arc) = oid.strip_prefix(FULCIO).and_then(|a| a.parse::<u32>().ok()) else {
                continue;
            };
            let Some(&(_, name)) = FULCIO_CLAIMS.iter().find(|(n, _)| *n == arc) else {
                continue;
            };
            let text = if arc <= 6 {
                String::from_utf8_lossy(value).into_owned()
            } else {
                Utf8StringRef::from_der(value)
                    .map_err(|e| malformed(name, format!("expected a UTF8String: {e}")))?
                    .as_str()
                    .to_string()
            };
            // A blank value states nothing (Fulcio leaves some claims empty).
            if text.trim().is_empty() {
                continue;
            }
            match arc {
                1 => issuer_v1 = Some(text),
                8 => certificate.oidc_issuer = Some(text),
                _ => fulcio.push((arc, name, text)),
            }
        }
        certificate.oidc_issuer = certificate.oidc_issuer.or(issuer_v1);
        // The deprecated GitHub claims say again what 12-14 say; kept only for certificates
        // from before those.
        let newer = fulcio.iter().any(|(arc, _, _)| *arc >= 9);
        fulcio.sort_by_key(|(arc, _, _)| *arc);
        certificate.claims = fulcio
            .into_iter()
            .filter(|(arc, _, _)| !(newer && *arc <= 6))
            .map(|(_, name, text)| (name, text))
            .collect();
        Ok(certificate)
    }

    /// A claim by its name in [`Certificate::claims`].
    pub fn claim(&self, name: &str) -> Option<&str> {
        self.claims
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A subject alternative name that names a signer; a blank one names nobody.
fn identity(name: &GeneralName) -> Option<String> {
    let text = match name {
        GeneralName::Rfc822Name(email) => Some(email.to_string()),
        GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
        GeneralName::DnsName(dns) => Some(dns.to_string()),
        GeneralName::OtherName(other) if other.type_id == FULCIO_USERNAME => other
            .value
            .decode_as::<Utf8StringRef>()
            .ok()
            .map(|s| s.as_str().to_string()),
        _ => None,
    }?;
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by tests/fixtures/signature/keys/make_keys.py with Python's cryptography, as
    /// Fulcio issues them for a GitHub Actions workflow.
    const WORKFLOW: &str = include_str!("../../tests/fixtures/signature/keys/fulcio-workflow.pem");
    /// An e-mail identity from an older Fulcio: only the deprecated issuer extension.
    const EMAIL: &str = include_str!("../../tests/fixtures/signature/keys/fulcio-email.pem");

    fn der(pem: &str) -> Vec<u8> {
        super::super::pem::blocks(pem, "CERTIFICATE", "test")
            .unwrap()
            .remove(0)
    }

    #[test]
    fn a_workflow_certificate_names_the_workflow_its_issuer_and_its_source() {
        let c = Certificate::from_der(&der(WORKFLOW), "test").unwrap();
        assert_eq!(
            c.identities,
            ["https://github.com/stowage-test/app/.github/workflows/release.yml@refs/tags/v1.2.0"]
        );
        assert_eq!(
            c.oidc_issuer.as_deref(),
            Some("https://token.actions.githubusercontent.com")
        );
        assert_eq!(
            c.claim("Source repository URI"),
            Some("https://github.com/stowage-test/app")
        );
        assert_eq!(
            c.claim("Source repository digest"),
            Some("4f1c0e7d2a3b5c6d7e8f90a1b2c3d4e5f6a7b8c9")
        );
        assert_eq!(c.claim("Build trigger"), Some("push"));
        assert_eq!(
            c.claim("GitHub workflow repository"),
            None,
            "said again by 12"
        );
        assert_eq!(c.issuer, "CN=sigstore-intermediate,O=sigstore.dev");
        assert_eq!(c.not_before.text, "2026-11-01T10:05:00Z");
        assert_eq!(c.not_after.unix_seconds - c.not_before.unix_seconds, 600);
    }

    #[test]
    fn an_email_certificate_reads_its_deprecated_issuer() {
        let c = Certificate::from_der(&der(EMAIL), "test").unwrap();
        assert_eq!(c.identities, ["jane@example.com"]);
        assert_eq!(
            c.oidc_issuer.as_deref(),
            Some("https://accounts.google.com")
        );
        assert!(c.claims.is_empty(), "{:?}", c.claims);
    }

    #[test]
    fn bytes_that_are_no_certificate_are_named() {
        let e = Certificate::from_der(b"\x30\x03\x02\x01\x01", "cosign certificate annotation")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cosign certificate annotation: not an X.509 certificate"),
            "{e}"
        );
    }
}
