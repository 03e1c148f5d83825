//! `verify`: every signature and attestation of a reference or layout, checked offline against
//! the public keys, keyless identities and trusted roots given, as lines for people or one JSON object. The exit status is the
//! answer: 0 when one verifies, 1 when none does, 2 when the question could not be answered.

use std::io::Write;

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;
use stowage::cache::ManifestCache;
use stowage::location::Location;
use stowage::signature::{self, Certificate, FindOptions, Found, FoundSignature, Verdict};
use stowage::store::Store;
use stowage::{Error, Result};

use super::trust::TrustArgs;
use super::Context;

/// The exit status of an error: 1 means "checked, and nothing verifies", so errors need another.
const ERROR_EXIT: u8 = 2;

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    Text,
    Json,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// An image or index (REPOSITORY:TAG, REPOSITORY@DIGEST, oci:PATH[:TAG]).
    pub reference: String,
    #[command(flatten)]
    trust: TrustArgs,
    #[arg(short, long, value_enum, default_value = "text")]
    output: Output,
}

/// One signature as `--output json` prints it (docs/cli.md).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignatureOut<'a> {
    /// The signature's manifest.
    digest: String,
    kind: &'a str,
    verified: bool,
    /// What verified it: a key's id, or a keyless signer and the root that vouched for it.
    by: Option<&'a str>,
    reason: Option<&'a str>,
    signed_digest: Option<String>,
    /// The signer's identity and OIDC issuer as the signing certificate states them (null
    /// without one): what it claims, which `verified` says whether anything checked.
    identity: Option<String>,
    issuer: Option<String>,
    predicate_type: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    subject: String,
    signatures: Vec<SignatureOut<'a>>,
}

/// Runs `verify`; its exit status is the answer: success when a signature verifies, failure
/// when none does (saying why), [`ERROR_EXIT`] when the question could not be answered.
pub async fn verify(ctx: &Context, args: VerifyArgs) -> ExitCode {
    match check(ctx, &args).await {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(not_verified)) => {
            eprintln!("stowage: {not_verified}");
            ExitCode::FAILURE
        }
        Err(e) => error_exit(&e),
    }
}

/// The signatures and attestations of `reference` (a registry reference or `oci:` layout),
/// its warnings printed.
pub async fn find(ctx: &Context, reference: &str) -> Result<Found> {
    let location: Location = reference.parse()?;
    let selector = location.selector().unwrap_or_else(|| "latest".into());
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    let options = FindOptions {
        cache: Some(ManifestCache::new(ctx.dirs.manifest_cache())),
    };
    let found = signature::find(&store, &selector, &options).await?;
    for w in &found.warnings {
        eprintln!("stowage: warning: {w}");
    }
    Ok(found)
}

/// Says what failed; exits with [`ERROR_EXIT`], since 1 means "checked, and nothing verifies".
pub fn error_exit(e: &Error) -> ExitCode {
    eprintln!("stowage: {e}");
    ExitCode::from(ERROR_EXIT)
}

/// `None` when a signature verifies; else why none does, for main to print and exit 1 with.
async fn check(ctx: &Context, args: &VerifyArgs) -> Result<Option<Error>> {
    let trust = args.trust.trust()?;
    let found = find(ctx, &args.reference).await?;
    let verdicts: Vec<(&FoundSignature, Verdict)> = found
        .signatures
        .iter()
        .map(|s| (s, s.verdict(&trust)))
        .collect();
    let text = match args.output {
        Output::Json => json(&found.root, &verdicts)?,
        Output::Text => lines(&verdicts),
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("<stdout>", e))?;
    if verdicts.iter().any(|(_, v)| v.is_verified()) {
        return Ok(None);
    }
    // A signature that could not be read (not one that did not decode) leaves the question
    // open: it might have verified.
    if let Some(e) = found.signatures.iter().find_map(|s| match &s.read {
        Err(Error::Signature(_)) | Ok(_) => None,
        Err(e) => Some(e),
    }) {
        return Err(Error::Invalid(format!(
            "no signature of {} verifies, and one could not be read: {e}",
            args.reference
        )));
    }
    if verdicts.is_empty() {
        return Ok(Some(Error::Invalid(format!(
            "no signature found for {}",
            args.reference
        ))));
    }
    let n = verdicts.len();
    let keys = if trust.keys.is_empty() && trust.identities.is_empty() {
        " (no --key or --certificate-identity given)"
    } else {
        ""
    };
    Ok(Some(Error::Invalid(format!(
        "none of the {n} signatures of {} verifies{keys}",
        args.reference
    ))))
}

fn json(subject: &stowage::Digest, verdicts: &[(&FoundSignature, Verdict)]) -> Result<String> {
    let signatures = verdicts
        .iter()
        .map(|(s, v)| {
            let (by, reason, signed_digest) = match v {
                Verdict::Verified { by, signed_digest } => {
                    (Some(by.as_str()), None, Some(signed_digest.to_string()))
                }
                Verdict::Failed { reason } | Verdict::NotChecked { reason } => {
                    (None, Some(reason.as_str()), None)
                }
            };
            let signer = signer(s);
            SignatureOut {
                digest: s.manifest.to_string(),
                kind: &s.format,
                verified: v.is_verified(),
                by,
                reason,
                signed_digest,
                identity: signer.as_ref().and_then(|c| c.identities.first().cloned()),
                issuer: signer.and_then(|c| c.oidc_issuer),
                predicate_type: s.predicate_type(),
            }
        })
        .collect();
    let out = JsonOut {
        subject: subject.to_string(),
        signatures,
    };
    Ok(serde_json::to_string_pretty(&out).map_err(|e| Error::Internal(e.to_string()))? + "\n")
}

/// One line per signature: status, kind, its manifest, and the key or the reason.
fn lines(verdicts: &[(&FoundSignature, Verdict)]) -> String {
    let kind_width = verdicts
        .iter()
        .map(|(s, _)| s.format.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (s, v) in verdicts {
        let (status, detail) = match v {
            Verdict::Verified { by, .. } => ("verified", format!("by {by}")),
            Verdict::Failed { reason } => ("failed", reason.clone()),
            Verdict::NotChecked { reason } => ("not checked", reason.clone()),
        };
        let mut line = format!(
            "{status:<11}  {:<kind_width$}  {}",
            s.format,
            s.manifest.short()
        );
        if let Some(p) = &s.platform {
            line.push_str(&format!("  {p}"));
        }
        line.push_str(&format!("  {detail}"));
        // A verified keyless signature already says who signed it.
        if let Some(c) = signer(s).filter(|_| !v.is_verified()) {
            let identity = c.identities.first().map_or("no identity", String::as_str);
            line.push_str(&format!("; the certificate names {identity}"));
            if let Some(issuer) = &c.oidc_issuer {
                line.push_str(&format!(" (issuer {issuer})"));
            }
        }
        line.push('\n');
        out.push_str(&line);
    }
    out
}

/// What the signing certificate of `s` claims, where it has one that decodes.
fn signer(s: &FoundSignature) -> Option<Certificate> {
    s.read.as_ref().ok()?.signer()?.ok()
}
