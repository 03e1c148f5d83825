//! `inspect`: every signature and attestation of an image or index, decoded and said in words
//! in the terminal: its status under the trust flags, who its certificate names and what it
//! claims of the build, its log entries, and an attestation's predicate (SLSA provenance read
//! as a build, vulnerability scans and VEX documents as counts). What `verify` prints as one line each, at length.

use std::fmt::Write as _;

use clap::Args;
use stowage::signature::{
    self, Certificate, FoundSignature, Provenance, Signed, Verdict, VulnReport,
};
use stowage::{Error, Result};

use super::trust::TrustArgs;
use super::verify::find;
use super::Context;

#[derive(Args)]
pub struct InspectArgs {
    /// An image or index: `registry/repository:tag`, `…@sha256:…`, or `oci:PATH[:TAG|@DIGEST]`.
    pub reference: String,
    #[command(flatten)]
    trust: TrustArgs,
}

pub async fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let trust = args.trust.trust()?;
    let found = find(ctx, &args.reference).await?;
    if found.signatures.is_empty() {
        return Err(Error::NotFound {
            what: "signature or attestation".to_string(),
            url: args.reference,
        });
    }
    let mut out = String::new();
    for (i, s) in found.signatures.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        describe(&mut out, s, &s.verdict(&trust));
    }
    print!("{out}");
    Ok(())
}

/// One signature's block: a heading, then `name  value` rows.
fn describe(out: &mut String, s: &FoundSignature, verdict: &Verdict) {
    let kind = match (s.format.as_str(), s.predicate_type()) {
        ("notation", _) => "notation signature".to_string(),
        (_, Some(_)) => format!("{} attestation", s.format),
        (format, None) => format!("{format} signature"),
    };
    let mut heading = format!("{kind}  {}", s.manifest);
    if let Some(platform) = &s.platform {
        let _ = write!(heading, "  of the {platform} manifest");
    }
    out.push_str(&heading);
    out.push('\n');
    let mut rows: Vec<(String, String)> = Vec::new();
    rows.push(match verdict {
        Verdict::Verified { by, .. } => ("status".into(), format!("verified by {by}")),
        Verdict::Failed { reason } => ("status".into(), format!("failed: {reason}")),
        Verdict::NotChecked { reason } => ("status".into(), format!("not checked: {reason}")),
    });
    match &s.read {
        Ok(signed) => decoded(&mut rows, signed, s, verdict.is_verified()),
        Err(e) => rows.push(("unreadable".into(), e.to_string())),
    }
    let width = rows
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    for (name, value) in rows {
        let _ = writeln!(out, "  {name:<width$}  {value}");
    }
}

fn decoded(rows: &mut Vec<(String, String)>, signed: &Signed, s: &FoundSignature, verified: bool) {
    // Until something verified it, what the certificate says is a claim.
    let claimed = if verified {
        ""
    } else {
        " (as the certificate claims)"
    };
    if let Some(Ok(c)) = signed.signer() {
        signer_rows(rows, &c, claimed);
    } else if let Some(Err(e)) = signed.signer() {
        rows.push(("certificate".into(), format!("does not decode: {e}")));
    }
    for entry in signed.log_entries() {
        rows.push((
            "logged".into(),
            format!(
                "transparency-log entry {}, integrated {}",
                entry.log_index,
                signature::DateTime::from_unix(entry.integrated_time)
            ),
        ));
    }
    if let Signed::Notation(n) = signed {
        rows.push(("scheme".into(), n.signing_scheme.as_str().to_string()));
        rows.push(("signing time".into(), n.signing_time.to_string()));
        if let Some(expiry) = &n.expiry {
            rows.push(("expires".into(), expiry.to_string()));
        }
        if let Some(agent) = &n.signing_agent {
            rows.push(("signing agent".into(), agent.clone()));
        }
        rows.push(("signs".into(), n.target.digest.to_string()));
    }
    if let Signed::Cosign(c) = signed {
        rows.push(("signs".into(), c.simple_signing.signed_digest.to_string()));
    }
    if let Some(statement) = s.statement() {
        rows.push(("attests".into(), statement.predicate_type.clone()));
        let subjects: Vec<String> = statement
            .subjects
            .iter()
            .map(|sub| match sub.oci_digest() {
                Some(d) if sub.name.is_empty() => d.to_string(),
                Some(d) => format!("{} {d}", sub.name),
                None => sub.name.clone(),
            })
            .collect();
        rows.push(("about".into(), subjects.join(", ")));
        if let Some(p) = signature::provenance(statement) {
            provenance_rows(rows, &p);
        }
        if let Some(report) = signature::vuln_report(statement) {
            vuln_rows(rows, &report);
        }
    }
}

fn signer_rows(rows: &mut Vec<(String, String)>, c: &Certificate, claimed: &str) {
    let identity = c.identities.first().map_or("no identity", String::as_str);
    rows.push(("signed by".into(), format!("{identity}{claimed}")));
    if let Some(issuer) = &c.oidc_issuer {
        rows.push(("issuer".into(), issuer.clone()));
    }
    rows.push((
        "certificate".into(),
        format!("valid {} to {}", c.not_before.text, c.not_after.text),
    ));
    for (name, value) in &c.claims {
        rows.push((name.to_string(), value.clone()));
    }
}

fn provenance_rows(rows: &mut Vec<(String, String)>, p: &Provenance) {
    let mut built = String::from("built");
    if let Some(repository) = &p.repository {
        let _ = write!(built, " from {repository}");
    }
    if let Some(git_ref) = &p.git_ref {
        let _ = write!(built, " at {git_ref}");
    }
    if let Some(commit) = &p.commit {
        let _ = write!(built, ", commit {commit}");
    }
    if let Some(workflow) = &p.workflow {
        let _ = write!(built, ", by {workflow}");
    }
    if let Some(trigger) = &p.trigger {
        let _ = write!(built, " on {trigger}");
    }
    rows.push((format!("SLSA {}", p.slsa_version), built));
    let optional = [
        ("builder", &p.builder),
        ("build type", &p.build_type),
        ("run", &p.invocation),
        ("started", &p.started),
        ("finished", &p.finished),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            rows.push((name.into(), value.clone()));
        }
    }
    for d in &p.dependencies {
        let digest = d
            .digest
            .as_deref()
            .map(|d| format!(" {d}"))
            .unwrap_or_default();
        rows.push(("fetched".into(), format!("{}{digest}", d.uri)));
    }
}

fn vuln_rows(rows: &mut Vec<(String, String)>, report: &VulnReport) {
    let row = |name: &str, value: &String| (name.to_string(), value.clone());
    let (counts, items): (_, Vec<String>) = match report {
        VulnReport::Scan {
            scanner,
            finished,
            counts,
            top,
        } => {
            rows.extend(scanner.iter().map(|s| row("scanner", s)));
            rows.extend(finished.iter().map(|f| row("scanned", f)));
            let items = top.iter().map(|(id, severity)| format!("{id} {severity}"));
            (counts, items.collect())
        }
        VulnReport::Vex {
            author,
            counts,
            statements,
        } => {
            rows.extend(author.iter().map(|a| row("VEX author", a)));
            let items = statements.iter().map(|(id, status, why)| match why {
                Some(why) => format!("{id} {status}: {why}"),
                None => format!("{id} {status}"),
            });
            (counts, items.collect())
        }
    };
    let counted: Vec<String> = counts
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    let summary = if counted.is_empty() {
        "none".to_string()
    } else {
        counted.join(", ")
    };
    rows.push(("vulnerabilities".into(), summary));
    for item in items {
        rows.push(("".into(), item));
    }
}
