//! Notation's trust policy (`trustpolicy.json`, version 1.0): which statement applies to an
//! artifact's repository, and whether a certificate subject is one it trusts.

use serde::Deserialize;

use crate::signature::TrustError;

/// A Notary Project trust policy (`trustpolicy.json`), checked as notation checks one.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    /// `trustPolicies`: the statements, no registry scope in two of them.
    pub statements: Vec<PolicyStatement>,
}

/// One statement of a trust policy: for the repositories it scopes, how strictly to verify,
/// which trust stores to chain to and which certificate subjects to trust.
#[derive(Debug, Clone)]
pub struct PolicyStatement {
    /// `name`, unique in the policy; verdicts name the statement by it.
    pub name: String,
    /// `registry/repository`, or `*` for every artifact no other statement names.
    pub registry_scopes: Vec<String>,
    /// `signatureVerification.level`: which failed checks count.
    pub level: Level,
    /// `ca:NAME` or `signingAuthority:NAME`.
    pub trust_stores: Vec<String>,
    /// `x509.subject: C=US, O=Acme, CN=Builder`, or `*` for any subject a store vouches for.
    pub trusted_identities: Vec<String>,
}

/// How much a failed check counts, as notation defines the levels: `strict` enforces every
/// check, `permissive` lets an expired signature or certificate pass with a note, `audit` only
/// records, `skip` checks nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `strict`: every check must pass.
    Strict,
    /// `permissive`: an expired signature or certificate passes, with a note.
    Permissive,
    /// `audit`: a failure is recorded, not decided; the signature reads "not checked".
    Audit,
    /// `skip`: nothing is checked.
    Skip,
}

impl Level {
    /// The level as the trust policy writes it: `strict`, `permissive`, `audit`, `skip`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Strict => "strict",
            Level::Permissive => "permissive",
            Level::Audit => "audit",
            Level::Skip => "skip",
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    version: String,
    trust_policies: Vec<Statement>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Statement {
    name: String,
    registry_scopes: Vec<String>,
    signature_verification: Verification,
    #[serde(default)]
    trust_stores: Vec<String>,
    #[serde(default)]
    trusted_identities: Vec<String>,
}

#[derive(Deserialize)]
struct Verification {
    level: String,
}

impl TrustPolicy {
    /// Reads and checks a trust policy as notation would refuse a bad one: a known version and
    /// levels, unique names, each scope in one statement, `*` alone, stores and identities
    /// where something is to be verified.
    pub fn parse(json: &str) -> Result<TrustPolicy, TrustError> {
        let bad = |what: String, detail: String| TrustError { what, detail };
        let doc: Document = serde_json::from_str(json)
            .map_err(|e| bad("the trust policy".into(), e.to_string()))?;
        if doc.version != "1.0" {
            return Err(bad(
                "the trust policy".into(),
                format!("version {:?} is not 1.0", doc.version),
            ));
        }
        let mut statements: Vec<PolicyStatement> = Vec::new();
        for s in doc.trust_policies {
            let what = format!("trust policy {}", s.name);
            let level = match s.signature_verification.level.as_str() {
                "strict" => Level::Strict,
                "permissive" => Level::Permissive,
                "audit" => Level::Audit,
                "skip" => Level::Skip,
                other => {
                    return Err(bad(
                        what,
                        format!("level {other:?} is not strict, permissive, audit or skip"),
                    ))
                }
            };
            if statements.iter().any(|p| p.name == s.name) {
                return Err(bad(what, "is named twice".into()));
            }
            if s.registry_scopes.is_empty() {
                return Err(bad(what, "has no registry scope".into()));
            }
            if s.registry_scopes.iter().any(|r| r == "*") && s.registry_scopes.len() > 1 {
                return Err(bad(what, "mixes \"*\" with other registry scopes".into()));
            }
            for scope in &s.registry_scopes {
                if statements.iter().any(|p| p.registry_scopes.contains(scope)) {
                    return Err(bad(
                        what,
                        format!("registry scope {scope} is in another statement too"),
                    ));
                }
            }
            if level != Level::Skip
                && (s.trust_stores.is_empty() || s.trusted_identities.is_empty())
            {
                return Err(bad(
                    what,
                    "needs trust stores and trusted identities to verify anything".into(),
                ));
            }
            for identity in &s.trusted_identities {
                if identity != "*"
                    && distinguished_name(identity.strip_prefix("x509.subject:").unwrap_or(""))
                        .is_none()
                {
                    return Err(bad(
                        what,
                        format!(
                            "trusted identity {identity:?} is not \"*\" or \"x509.subject: …\""
                        ),
                    ));
                }
            }
            statements.push(PolicyStatement {
                name: s.name,
                registry_scopes: s.registry_scopes,
                level,
                trust_stores: s.trust_stores,
                trusted_identities: s.trusted_identities,
            });
        }
        Ok(TrustPolicy { statements })
    }

    /// The statement for an artifact in `scope` (`registry/repository`): the one naming it,
    /// else the `*` one. An artifact with no registry (a layout) gets the `*` one only.
    pub fn for_scope(&self, scope: Option<&str>) -> Option<&PolicyStatement> {
        let named = scope.and_then(|scope| {
            self.statements
                .iter()
                .find(|s| s.registry_scopes.iter().any(|r| r == scope))
        });
        named.or_else(|| {
            self.statements
                .iter()
                .find(|s| s.registry_scopes.iter().any(|r| r == "*"))
        })
    }
}

/// The kinds of store notation's `x509` folder holds, as policies name them.
const STORE_TYPES: [&str; 2] = ["ca", "signingAuthority"];

impl TrustPolicy {
    /// Every store the statements name, once each; an error for a name that is not
    /// `TYPE:NAME` (or whose NAME could leave its folder).
    pub fn store_names(&self) -> Result<Vec<String>, TrustError> {
        let mut names: Vec<String> = Vec::new();
        for statement in &self.statements {
            for store in &statement.trust_stores {
                let (kind, name) = store.split_once(':').unwrap_or(("", store));
                if !STORE_TYPES.contains(&kind)
                    || name.is_empty()
                    || name.contains(['/', '\\'])
                    || name.starts_with('.')
                {
                    return Err(TrustError {
                        what: format!("trust policy {}", statement.name),
                        detail: format!(
                            "trust store {store:?} is not TYPE:NAME with TYPE ca or signingAuthority"
                        ),
                    });
                }
                if !names.contains(store) {
                    names.push(store.clone());
                }
            }
        }
        Ok(names)
    }
}

impl PolicyStatement {
    /// Whether a certificate whose subject is `subject` (RFC 4514, as x509-cert writes it) is
    /// one the statement trusts: `*`, or every attribute of a trusted `x509.subject` present in
    /// the certificate's subject with the same value.
    pub fn trusts_subject(&self, subject: &str) -> bool {
        let Some(actual) = distinguished_name(subject) else {
            return false;
        };
        self.trusted_identities.iter().any(|identity| {
            if identity == "*" {
                return true;
            }
            let Some(wanted) = identity
                .strip_prefix("x509.subject:")
                .and_then(distinguished_name)
            else {
                return false;
            };
            wanted.iter().all(|attribute| actual.contains(attribute))
        })
    }
}

/// `C=US, O=Acme\, Inc., CN=Builder` as (type, value) pairs; `None` when empty or when a
/// part is not `TYPE=VALUE`. Types compare case-insensitively, as X.500 names them.
fn distinguished_name(text: &str) -> Option<Vec<(String, String)>> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in text.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            ',' | '+' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    let pairs: Option<Vec<_>> = parts
        .iter()
        .map(|part| {
            let (kind, value) = part.split_once('=')?;
            let (kind, value) = (kind.trim(), value.trim());
            (!kind.is_empty() && !value.is_empty())
                .then(|| (kind.to_ascii_uppercase(), value.to_string()))
        })
        .collect();
    pairs.filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{"version": "1.0", "trustPolicies": [
        {"name": "app", "registryScopes": ["reg.example/team/app"],
         "signatureVerification": {"level": "strict"}, "trustStores": ["ca:acme"],
         "trustedIdentities": ["x509.subject: C=US, O=Acme\\, Inc., CN=Release Builder"]},
        {"name": "rest", "registryScopes": ["*"], "signatureVerification": {"level": "skip"}}]}"#;

    #[test]
    fn the_named_scope_wins_over_the_wildcard() {
        let policy = TrustPolicy::parse(POLICY).unwrap();
        assert_eq!(
            policy.for_scope(Some("reg.example/team/app")).unwrap().name,
            "app"
        );
        assert_eq!(
            policy
                .for_scope(Some("reg.example/team/other"))
                .unwrap()
                .name,
            "rest"
        );
        assert_eq!(policy.for_scope(None).unwrap().name, "rest");
    }

    #[test]
    fn a_trusted_subject_is_a_subset_of_the_certificates() {
        let policy = TrustPolicy::parse(POLICY).unwrap();
        let app = &policy.statements[0];
        assert!(app.trusts_subject("CN=Release Builder,OU=Build,O=Acme\\, Inc.,C=US"));
        assert!(!app.trusts_subject("CN=Release Builder,O=Acme\\, Inc.,C=DE"));
        assert!(!app.trusts_subject("CN=Someone Else,O=Acme\\, Inc.,C=US"));
        assert!(!app.trusts_subject(""));
    }

    #[test]
    fn a_bad_policy_says_which_statement_and_why() {
        let cases = [
            (
                r#"{"version": "2.0", "trustPolicies": []}"#,
                "version \"2.0\" is not 1.0",
            ),
            (
                r#"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "lax"}}]}"#,
                "level \"lax\"",
            ),
            (
                r#"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*", "r/x"], "signatureVerification": {"level": "skip"}}]}"#,
                "mixes",
            ),
            (
                r#"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["r/x"], "signatureVerification": {"level": "strict"}, "trustStores": ["ca:x"], "trustedIdentities": []}]}"#,
                "needs trust stores and trusted identities",
            ),
            (
                r#"{"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["r/x"], "signatureVerification": {"level": "skip"}}, {"name": "b", "registryScopes": ["r/x"], "signatureVerification": {"level": "skip"}}]}"#,
                "registry scope r/x is in another statement too",
            ),
        ];
        for (json, wanted) in cases {
            let e = TrustPolicy::parse(json).unwrap_err();
            assert!(e.to_string().contains(wanted), "{e} / {wanted}");
        }
    }
}
