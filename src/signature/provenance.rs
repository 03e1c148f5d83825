//! SLSA provenance (v0.2 and v1 predicates) in the words a reader looks for: which builder ran
//! which workflow, from which source repository at which ref and commit, when, and what it
//! pulled in. Builders fill these predicates differently (GitHub's build types, the SLSA
//! generators, Tekton Chains), so every field is optional and read where the common builders
//! put it; what is not there is simply not said.

use serde_json::Value;

use super::Statement;

/// The in-toto predicate type of SLSA provenance v0.2.
pub const SLSA_PROVENANCE_V02: &str = "https://slsa.dev/provenance/v0.2";
/// The in-toto predicate type of SLSA provenance v1.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";

/// What a provenance attestation says about a build. Claims of whoever signed it: a
/// signature's status says whether anything checked who that was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// "v0.2" or "v1".
    pub slsa_version: &'static str,
    /// The builder's id: a URI naming the trusted build platform (and its version).
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
    /// RFC 3339, as written.
    pub started: Option<String>,
    /// When the build finished; RFC 3339, as written.
    pub finished: Option<String>,
    /// What the build fetched: its resolved dependencies (v1) or materials (v0.2).
    pub dependencies: Vec<Dependency>,
}

/// An artifact the build fetched: a v1 resolved dependency or a v0.2 material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Where it came from (`git+https://github.com/org/app@refs/heads/main`); its `name` where
    /// it has no `uri`.
    pub uri: String,
    /// `algorithm:hex` for the first digest given (`gitCommit:…`, `sha256:…`).
    pub digest: Option<String>,
}

/// The provenance a statement carries, when its predicate is SLSA provenance v0.2 or v1 and
/// reads as JSON; `None` for any other predicate.
pub fn provenance(statement: &Statement) -> Option<Provenance> {
    let predicate: Value = serde_json::from_str(statement.predicate.as_ref()?.get()).ok()?;
    match statement.predicate_type.as_str() {
        SLSA_PROVENANCE_V1 => Some(v1(&predicate)),
        SLSA_PROVENANCE_V02 => Some(v02(&predicate)),
        _ => None,
    }
}

fn v1(p: &Value) -> Provenance {
    let definition = &p["buildDefinition"];
    let external = &definition["externalParameters"];
    let dependencies = dependencies(&definition["resolvedDependencies"]);
    // GitHub's build type names the workflow; others name a source or config URI.
    let workflow = &external["workflow"];
    let source_dependency = dependencies.iter().find(|d| d.uri.starts_with("git+"));
    let (dep_repository, dep_ref) = source_dependency
        .map(|d| split_git_uri(&d.uri))
        .unwrap_or((None, None));
    let metadata = &p["runDetails"]["metadata"];
    Provenance {
        slsa_version: "v1",
        builder: text(&p["runDetails"]["builder"]["id"]),
        build_type: text(&definition["buildType"]),
        repository: text(&workflow["repository"])
            .or(text(&external["source"]).and_then(|s| split_git_uri(&s).0))
            .or(dep_repository),
        git_ref: text(&workflow["ref"]).or(dep_ref),
        commit: source_dependency
            .and_then(|d| d.digest.as_deref())
            .and_then(|d| d.split_once(':'))
            .map(|(_, hex)| hex.to_string()),
        workflow: text(&workflow["path"]),
        trigger: text(&definition["internalParameters"]["github"]["event_name"]),
        invocation: text(&metadata["invocationId"]),
        started: text(&metadata["startedOn"]),
        finished: text(&metadata["finishedOn"]),
        dependencies,
    }
}

fn v02(p: &Value) -> Provenance {
    let invocation = &p["invocation"];
    let config = &invocation["configSource"];
    let (repository, git_ref) = text(&config["uri"])
        .map(|uri| split_git_uri(&uri))
        .unwrap_or((None, None));
    let metadata = &p["metadata"];
    Provenance {
        slsa_version: "v0.2",
        builder: text(&p["builder"]["id"]),
        build_type: text(&p["buildType"]),
        repository,
        git_ref,
        commit: text(&config["digest"]["sha1"]).or(text(&config["digest"]["gitCommit"])),
        workflow: text(&config["entryPoint"]),
        trigger: text(&invocation["environment"]["github_event_name"]),
        invocation: text(&metadata["buildInvocationId"]),
        started: text(&metadata["buildStartedOn"]),
        finished: text(&metadata["buildFinishedOn"]),
        dependencies: dependencies(&p["materials"]),
    }
}

fn dependencies(list: &Value) -> Vec<Dependency> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let uri = text(&d["uri"]).or(text(&d["name"]))?;
            let digest = d["digest"].as_object().and_then(|m| {
                m.iter()
                    .find_map(|(alg, hex)| Some(format!("{alg}:{}", hex.as_str()?)))
            });
            Some(Dependency { uri, digest })
        })
        .collect()
}

/// `git+https://github.com/org/app@refs/tags/v1` into the repository and the ref.
fn split_git_uri(uri: &str) -> (Option<String>, Option<String>) {
    let plain = uri.strip_prefix("git+").unwrap_or(uri);
    // The ref follows the last `@` after the host (an `@` before it is user info).
    let path_start = plain.find("://").map(|i| i + 3).unwrap_or(0);
    match plain[path_start..].rfind('@') {
        Some(at) => {
            let at = path_start + at;
            (
                Some(plain[..at].to_string()),
                Some(plain[at + 1..].to_string()),
            )
        }
        None => (Some(plain.to_string()), None),
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{decode, media_type};

    /// The statement inside a DSSE envelope fixture.
    fn statement(envelope: &[u8]) -> Statement {
        match decode(media_type::DSSE_ENVELOPE, &Default::default(), envelope).unwrap() {
            crate::signature::Signed::Dsse(d) => d.envelope.statement.unwrap(),
            other => panic!("not DSSE: {other:?}"),
        }
    }

    #[test]
    fn a_slsa_v1_provenance_by_github_reads_in_words() {
        // securesystemslib's envelope over a GitHub workflow build (../shared/corpus).
        let p = provenance(&statement(include_bytes!(
            "../../tests/fixtures/signature/provenance.dsse.json"
        )))
        .expect("provenance");
        assert_eq!(p.slsa_version, "v1");
        assert_eq!(
            p.repository.as_deref(),
            Some("https://github.com/example/app")
        );
        assert_eq!(p.git_ref.as_deref(), Some("refs/tags/v1.0.0"));
        assert_eq!(
            p.commit.as_deref(),
            Some("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")
        );
        assert_eq!(p.workflow.as_deref(), Some(".github/workflows/release.yml"));
        assert_eq!(p.trigger.as_deref(), Some("push"));
        assert!(p.builder.unwrap().contains("slsa-github-generator"));
        assert_eq!(p.started.as_deref(), Some("2026-11-01T10:00:00Z"));
        assert_eq!(p.finished.as_deref(), Some("2026-11-01T10:05:00Z"));
        assert_eq!(p.dependencies.len(), 1);
    }

    #[test]
    fn a_slsa_v02_provenance_reads_its_config_source_and_materials() {
        let predicate = serde_json::json!({
            "builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.9.0"},
            "buildType": "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
            "invocation": {"configSource": {"uri": "git+https://github.com/org/tool@refs/heads/main",
                                            "digest": {"sha1": "0123456789abcdef0123456789abcdef01234567"},
                                            "entryPoint": ".github/workflows/build.yml"},
                           "environment": {"github_event_name": "workflow_dispatch"}},
            "metadata": {"buildInvocationId": "42-1", "buildStartedOn": "2024-01-02T03:04:05Z"},
            "materials": [{"uri": "git+https://github.com/org/tool@refs/heads/main",
                           "digest": {"sha1": "0123456789abcdef0123456789abcdef01234567"}}]
        });
        let p = v02(&predicate);
        assert_eq!(p.repository.as_deref(), Some("https://github.com/org/tool"));
        assert_eq!(p.git_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(
            p.commit.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(p.trigger.as_deref(), Some("workflow_dispatch"));
        assert_eq!(p.finished, None);
        assert_eq!(
            p.dependencies[0].digest.as_deref(),
            Some("sha1:0123456789abcdef0123456789abcdef01234567")
        );
    }

    #[test]
    fn odd_shapes_say_nothing_rather_than_fail() {
        let p = v1(
            &serde_json::json!({"buildDefinition": {"externalParameters": 3},
                                         "runDetails": {"builder": {"id": 7}}}),
        );
        assert_eq!(p.builder, None);
        assert_eq!(p.repository, None);
        assert_eq!(
            split_git_uri("git+https://user@host.example/r@v1"),
            (
                Some("https://user@host.example/r".into()),
                Some("v1".into())
            )
        );
    }
}
