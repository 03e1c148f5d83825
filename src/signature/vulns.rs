//! Vulnerability attestations in numbers a reader takes in at once: cosign's vulnerability
//! predicate (a scanner's raw report: Trivy's or Grype's JSON) counted by severity, and OpenVEX
//! documents counted by status. Scanners write their reports freely, so what is not where the
//! common ones put it is not counted rather than an error.

use serde_json::Value;

use super::Statement;

/// The in-toto predicate type of cosign's vulnerability attestation (`--type vuln`).
pub const COSIGN_VULN_V1: &str = "https://cosign.sigstore.dev/attestation/vuln/v1";
const OPENVEX_PREFIX: &str = "https://openvex.dev/ns";

/// Severities in the order people read them; anything else counts as "unknown".
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "unknown"];
/// How many findings a report lists by name.
const LISTED: usize = 10;

/// What a vulnerability attestation reports, counted: a scanner's findings or an OpenVEX
/// document's statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VulnReport {
    /// A scan: findings by severity.
    Scan {
        /// The scanner (`pkg:github/aquasecurity/trivy@v0.45.0`, or its name) and version.
        scanner: Option<String>,
        /// When the scan finished (`metadata.scanFinishedOn`), as written.
        finished: Option<String>,
        /// (severity, count) for each severity found, most severe first.
        counts: Vec<(String, usize)>,
        /// The most severe findings: (id, severity), at most ten.
        top: Vec<(String, String)>,
    },
    /// An OpenVEX document: statements by status (`not_affected`, `affected`, `fixed`,
    /// `under_investigation`).
    Vex {
        /// The document's `author`.
        author: Option<String>,
        /// (status, count) for each status found: `affected`, `under_investigation`, `fixed`,
        /// `not_affected`, then `other` for any other.
        counts: Vec<(String, usize)>,
        /// (vulnerability, status, justification), at most ten.
        statements: Vec<(String, String, Option<String>)>,
    },
}

/// The vulnerability report a statement carries, when its predicate is cosign's vuln/v1 or an
/// OpenVEX document; `None` for anything else.
pub fn vuln_report(statement: &Statement) -> Option<VulnReport> {
    let predicate: Value = serde_json::from_str(statement.predicate.as_ref()?.get()).ok()?;
    if statement.predicate_type == COSIGN_VULN_V1 {
        Some(scan(&predicate))
    } else if statement.predicate_type.starts_with(OPENVEX_PREFIX) {
        Some(vex(&predicate))
    } else {
        None
    }
}

fn scan(p: &Value) -> VulnReport {
    let scanner = &p["scanner"];
    let result = &scanner["result"];
    // Trivy: Results[].Vulnerabilities[] {VulnerabilityID, Severity}; Grype: matches[]
    // {vulnerability: {id, severity}}.
    let trivy = result["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| {
            r["Vulnerabilities"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| (text(&v["VulnerabilityID"]), text(&v["Severity"])))
        });
    let grype = result["matches"].as_array().into_iter().flatten().map(|m| {
        let v = &m["vulnerability"];
        (text(&v["id"]), text(&v["severity"]))
    });
    let mut findings: Vec<(String, String)> = trivy
        .chain(grype)
        .map(|(id, severity)| (id.unwrap_or_default(), severity_of(severity.as_deref())))
        .collect();
    findings.sort_by_key(|(id, severity)| (rank(severity), id.clone()));
    let counts = count(findings.iter().map(|(_, s)| s.as_str()), &SEVERITIES);
    findings.dedup();
    let version = text(&scanner["version"]);
    let name = text(&scanner["uri"]);
    VulnReport::Scan {
        scanner: match (name, version) {
            (Some(n), Some(v)) if !n.contains(&v) => Some(format!("{n} {v}")),
            (n, v) => n.or(v),
        },
        finished: text(&p["metadata"]["scanFinishedOn"]),
        counts,
        top: findings.into_iter().take(LISTED).collect(),
    }
}

fn vex(p: &Value) -> VulnReport {
    let statements: Vec<(String, String, Option<String>)> = p["statements"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            let vulnerability = text(&s["vulnerability"]["name"])
                .or(text(&s["vulnerability"]))
                .unwrap_or_default();
            let status = text(&s["status"]).unwrap_or_else(|| "unknown".to_string());
            (vulnerability, status, text(&s["justification"]))
        })
        .collect();
    let order = ["affected", "under_investigation", "fixed", "not_affected"];
    let mut counts = count(statements.iter().map(|(_, s, _)| s.as_str()), &order);
    let others = statements
        .iter()
        .filter(|(_, s, _)| !order.contains(&s.as_str()))
        .count();
    if others > 0 {
        counts.push(("other".to_string(), others));
    }
    VulnReport::Vex {
        author: text(&p["author"]),
        counts,
        statements: statements.into_iter().take(LISTED).collect(),
    }
}

/// (name, count) for each of `names` that occurs, in their order.
fn count<'a>(
    values: impl Iterator<Item = &'a str> + Clone,
    names: &[&str],
) -> Vec<(String, usize)> {
    names
        .iter()
        .map(|name| {
            (
                name.to_string(),
                values.clone().filter(|v| v == name).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn severity_of(severity: Option<&str>) -> String {
    let lower = severity.unwrap_or_default().to_ascii_lowercase();
    if SEVERITIES.contains(&lower.as_str()) {
        lower
    } else {
        "unknown".to_string()
    }
}

fn rank(severity: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(SEVERITIES.len())
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn statement(predicate_type: &str, predicate: Value) -> Statement {
        let raw = serde_json::value::to_raw_value(&predicate).unwrap();
        Statement {
            version: crate::signature::StatementVersion::V1,
            subjects: Vec::new(),
            predicate_type: predicate_type.to_string(),
            predicate: Some(raw),
        }
    }

    #[test]
    fn a_trivy_scan_counts_by_severity_most_severe_first() {
        let predicate = json!({
            "scanner": {"uri": "pkg:github/aquasecurity/trivy@0.45.0", "version": "0.45.0",
                        "result": {"Results": [
                            {"Target": "app (alpine 3.18)", "Vulnerabilities": [
                                {"VulnerabilityID": "CVE-2023-0002", "Severity": "HIGH"},
                                {"VulnerabilityID": "CVE-2023-0001", "Severity": "CRITICAL"},
                                {"VulnerabilityID": "CVE-2023-0003", "Severity": "LOW"}]},
                            {"Target": "usr/bin/app", "Vulnerabilities": [
                                {"VulnerabilityID": "GHSA-xxxx", "Severity": "HIGH"},
                                {"VulnerabilityID": "CVE-2023-0009", "Severity": "NEGLIGIBLE"}]}]}},
            "metadata": {"scanFinishedOn": "2026-11-01T10:07:00Z"}
        });
        let report = vuln_report(&statement(COSIGN_VULN_V1, predicate)).unwrap();
        let VulnReport::Scan {
            scanner,
            finished,
            counts,
            top,
        } = report
        else {
            panic!("a scan")
        };
        assert_eq!(
            scanner.as_deref(),
            Some("pkg:github/aquasecurity/trivy@0.45.0")
        );
        assert_eq!(finished.as_deref(), Some("2026-11-01T10:07:00Z"));
        let counts: Vec<(&str, usize)> = counts.iter().map(|(s, n)| (s.as_str(), *n)).collect();
        assert_eq!(
            counts,
            [("critical", 1), ("high", 2), ("low", 1), ("unknown", 1)]
        );
        assert_eq!(
            top[0],
            ("CVE-2023-0001".to_string(), "critical".to_string())
        );
    }

    #[test]
    fn a_grype_scan_and_an_openvex_document_read_too() {
        let grype = json!({"scanner": {"uri": "grype", "version": "0.74.0", "result": {"matches": [
            {"vulnerability": {"id": "CVE-1", "severity": "Medium"}},
            {"vulnerability": {"id": "CVE-2", "severity": "Medium"}}]}}});
        let VulnReport::Scan {
            scanner, counts, ..
        } = vuln_report(&statement(COSIGN_VULN_V1, grype)).unwrap()
        else {
            panic!("a scan")
        };
        assert_eq!(scanner.as_deref(), Some("grype 0.74.0"));
        assert_eq!(counts, [("medium".to_string(), 2)]);

        let vex_doc = json!({"@context": "https://openvex.dev/ns/v0.2.0", "author": "Acme Security",
            "statements": [
                {"vulnerability": {"name": "CVE-2023-1"}, "status": "not_affected",
                 "justification": "vulnerable_code_not_in_execute_path"},
                {"vulnerability": {"name": "CVE-2023-2"}, "status": "fixed"},
                {"vulnerability": {"name": "CVE-2023-3"}, "status": "not_affected"}]});
        let VulnReport::Vex {
            author,
            counts,
            statements,
        } = vuln_report(&statement("https://openvex.dev/ns/v0.2.0", vex_doc)).unwrap()
        else {
            panic!("a VEX document")
        };
        assert_eq!(author.as_deref(), Some("Acme Security"));
        assert_eq!(
            counts,
            [("fixed".to_string(), 1), ("not_affected".to_string(), 2)]
        );
        assert_eq!(
            statements[0].2.as_deref(),
            Some("vulnerable_code_not_in_execute_path")
        );
        assert!(vuln_report(&statement("https://slsa.dev/provenance/v1", json!({}))).is_none());
    }
}
