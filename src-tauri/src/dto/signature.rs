//! Signatures and attestations as a signature node's details show them: each one attached to a
//! subject, its status, and what its signing certificate claims about the signer.

use serde::{Deserialize, Serialize};
use stowage::signature::{self, Certificate, FoundSignature, Provenance, Verdict, VulnReport};
use ts_rs::TS;

/// Whether a signature was checked, and how that went. "Verified" is only ever said of a
/// signature a trusted key or keyless identity verified over the subject's digest
/// (docs/security.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SignatureStatus {
    /// A trusted key, keyless identity or notation trust store verifies it over the subject's
    /// digest (`verifiedBy` says which).
    Verified,
    /// Checked, and not good: nothing trusted verifies it, or it signs another artifact.
    Failed,
    /// Not checked: no trusted key applies, or it needs what a key cannot give (a trusted root,
    /// a notation trust store, the artifact's bytes).
    NotChecked,
}

/// One signature or attestation layer attached to a subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignatureDetails {
    /// The manifest holding it: the graph's signature or attestation node.
    pub manifest: String,
    /// "cosign", "dsse", "sigstore-bundle", "notation".
    pub kind: String,
    /// Whether it verified against the trust settings, failed, or was not checked.
    pub status: SignatureStatus,
    /// Why it did not verify; `None` when it did.
    pub reason: Option<String>,
    /// What verified it: "key sha256:…", or the identity and trusted root of a keyless one.
    pub verified_by: Option<String>,
    /// The manifest it is attached to (the one asked for, or one of its platform manifests).
    pub subject: String,
    /// The subject's platform, for a platform manifest's signature.
    pub platform: Option<String>,
    /// An attestation's in-toto predicate type.
    pub predicate_type: Option<String>,
    /// What the signing certificate claims, when one came with the signature.
    pub signer: Option<Signer>,
    /// A SLSA provenance attestation's build, in words.
    pub provenance: Option<ProvenanceCard>,
    /// A vulnerability scan's or VEX document's counts.
    pub vulnerabilities: Option<VulnCard>,
}

/// A vulnerability attestation in numbers: a scan by severity, or an OpenVEX document by status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VulnCard {
    /// "scan" or "vex".
    pub kind: String,
    /// The scanner and its version, or the VEX document's author.
    pub by: Option<String>,
    /// When the scan finished, as written (RFC 3339); `None` for VEX or when unstated.
    pub finished: Option<String>,
    /// (severity or status, count), most severe first.
    pub counts: Vec<(String, u32)>,
    /// The first findings: (vulnerability, severity or status, VEX justification).
    pub items: Vec<(String, String, Option<String>)>,
}

impl From<VulnReport> for VulnCard {
    fn from(report: VulnReport) -> Self {
        let counts = |c: Vec<(String, usize)>| {
            c.into_iter()
                .map(|(name, n)| (name, u32::try_from(n).unwrap_or(u32::MAX)))
                .collect()
        };
        match report {
            VulnReport::Scan {
                scanner,
                finished,
                counts: c,
                top,
            } => VulnCard {
                kind: "scan".into(),
                by: scanner,
                finished,
                counts: counts(c),
                items: top.into_iter().map(|(id, s)| (id, s, None)).collect(),
            },
            VulnReport::Vex {
                author,
                counts: c,
                statements,
            } => VulnCard {
                kind: "vex".into(),
                by: author,
                finished: None,
                counts: counts(c),
                items: statements,
            },
        }
    }
}

/// What a SLSA provenance (v0.2 or v1) says of the build (claims: see `status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProvenanceCard {
    /// "v0.2" or "v1".
    pub slsa_version: String,
    /// The builder's id: a URI naming the build platform (and its version).
    pub builder: Option<String>,
    /// `buildType`: a URI naming the kind of build, which says how its parameters read.
    pub build_type: Option<String>,
    /// The source repository (a URI without its `git+` scheme prefix).
    pub repository: Option<String>,
    /// The git ref built (`refs/tags/v1.0.0`).
    pub git_ref: Option<String>,
    /// The commit built (hex).
    pub commit: Option<String>,
    /// The workflow or entry point that ran (`.github/workflows/release.yml`).
    pub workflow: Option<String>,
    /// What started the build (`push`, `workflow_dispatch`).
    pub trigger: Option<String>,
    /// Where the build's run can be looked up (an Actions run URL).
    pub invocation: Option<String>,
    /// When the build started; RFC 3339, as written.
    pub started: Option<String>,
    /// When the build finished; RFC 3339, as written.
    pub finished: Option<String>,
    /// What the build fetched: (URI, `algorithm:hex` digest).
    pub dependencies: Vec<(String, Option<String>)>,
}

impl From<Provenance> for ProvenanceCard {
    fn from(p: Provenance) -> Self {
        ProvenanceCard {
            slsa_version: p.slsa_version.to_string(),
            builder: p.builder,
            build_type: p.build_type,
            repository: p.repository,
            git_ref: p.git_ref,
            commit: p.commit,
            workflow: p.workflow,
            trigger: p.trigger,
            invocation: p.invocation,
            started: p.started,
            finished: p.finished,
            dependencies: p
                .dependencies
                .into_iter()
                .map(|d| (d.uri, d.digest))
                .collect(),
        }
    }
}

/// A signing certificate's claims (not checked: see `SignatureStatus`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Signer {
    /// Subject alternative names: an e-mail address, a CI workflow's URI.
    pub identities: Vec<String>,
    /// The OIDC issuer that vouched for the identity (GitHub Actions', Google's, …).
    pub oidc_issuer: Option<String>,
    /// Fulcio's build claims, named: ["Source repository URI", "https://github.com/org/app"].
    pub claims: Vec<(String, String)>,
    /// RFC 3339, as the certificate states them.
    pub not_before: String,
    /// When the certificate stops being valid: minutes after `not_before` for Fulcio's.
    pub not_after: String,
}

impl SignatureDetails {
    /// One found signature or attestation, with the verdict the current trust reached on it.
    pub fn new(found: &FoundSignature, verdict: Verdict) -> SignatureDetails {
        let (status, reason, verified_by) = match verdict {
            Verdict::Verified { by, .. } => (SignatureStatus::Verified, None, Some(by)),
            Verdict::Failed { reason } => (SignatureStatus::Failed, Some(reason), None),
            Verdict::NotChecked { reason } => (SignatureStatus::NotChecked, Some(reason), None),
        };
        let signer = found.read.as_ref().ok().and_then(|s| s.signer());
        SignatureDetails {
            manifest: found.manifest.to_string(),
            kind: found.format.clone(),
            status,
            reason,
            verified_by,
            subject: found.subject.to_string(),
            platform: found.platform.as_ref().map(ToString::to_string),
            predicate_type: found.predicate_type().map(str::to_string),
            signer: signer.and_then(Result::ok).map(Signer::from),
            provenance: found
                .statement()
                .and_then(signature::provenance)
                .map(ProvenanceCard::from),
            vulnerabilities: found
                .statement()
                .and_then(signature::vuln_report)
                .map(VulnCard::from),
        }
    }
}

impl From<Certificate> for Signer {
    fn from(c: Certificate) -> Signer {
        Signer {
            identities: c.identities,
            oidc_issuer: c.oidc_issuer,
            claims: c
                .claims
                .into_iter()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
            not_before: c.not_before.text,
            not_after: c.not_after.text,
        }
    }
}
