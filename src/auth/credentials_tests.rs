//! Unit tests of credential lookup in Docker's and podman's files and through credential helpers.
//! The OS keyring is left out here (`without_keyring`): it is tested under a real session in tests/.

use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::*;
use crate::auth::secret::Secret;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn docker_only(config: PathBuf) -> Credentials {
    Credentials::new("unused", Some(config), vec![]).without_keyring()
}

fn basic(user: &str, pass: &str) -> Credential {
    Credential::Basic {
        username: user.to_string(),
        password: Secret::new(pass),
    }
}

#[test]
fn secrets_are_masked() {
    let secret = Secret::new("hunter2");
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(secret.expose(), "hunter2");
    let all = [
        basic("alice", "hunter2"),
        Credential::IdentityToken {
            username: Some("bob".into()),
            token: Secret::new("hunter2"),
        },
        Credential::RegistryToken(Secret::new("hunter2")),
    ];
    for credential in all {
        let shown = format!("{credential:?} {credential:#?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
}

#[test]
fn usernames() {
    assert_eq!(basic("alice", "x").username(), Some("alice"));
    let token = Credential::IdentityToken {
        username: None,
        token: Secret::new("t"),
    };
    assert_eq!(token.username(), None);
    assert_eq!(Credential::RegistryToken(Secret::new("t")).username(), None);
}

#[test]
fn sources_display_for_people() {
    assert_eq!(CredentialSource::Keyring.to_string(), "keyring");
    assert_eq!(
        CredentialSource::DockerConfig("/x".into()).to_string(),
        "docker config.json"
    );
    assert_eq!(
        CredentialSource::DockerHelper("docker-credential-pass".into()).to_string(),
        "docker-credential-pass"
    );
    assert_eq!(
        CredentialSource::Podman("/y".into()).to_string(),
        "podman auth.json"
    );
}

#[test]
fn docker_auths_basic_identity_and_registry_tokens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write(
        dir.path(),
        "config.json",
        &format!(
            r#"{{
              "auths": {{
                "https://index.docker.io/v1/": {{"auth": "{hub}"}},
                "ghcr.io": {{"auth": "{ghcr}", "identitytoken": "refresh-me"}},
                "http://LocalHost:5000": {{"registrytoken": "bearer-me"}},
                "nopad.example": {{"auth": "{nopad}"}},
                "fields.example": {{"username": "u", "password": "p"}},
                "empty.example": {{}}
              }},
              "proxies": {{"default": {{}}}}
            }}"#,
            hub = b64("alice:pa:ss"),
            ghcr = b64("bob:"),
            nopad = b64("carol:pw").trim_end_matches('='),
        ),
    );
    let credentials = docker_only(config.clone());
    let source = CredentialSource::DockerConfig(config);
    let look = |r: &str| credentials.lookup(r).expect("lookup");

    assert_eq!(
        look("docker.io"),
        Some((basic("alice", "pa:ss"), source.clone()))
    );
    assert_eq!(
        look("index.docker.io").map(|f| f.0),
        Some(basic("alice", "pa:ss"))
    );
    let identity = Credential::IdentityToken {
        username: Some("bob".into()),
        token: Secret::new("refresh-me"),
    };
    assert_eq!(look("ghcr.io").map(|f| f.0), Some(identity));
    let registry_token = Credential::RegistryToken(Secret::new("bearer-me"));
    assert_eq!(look("localhost:5000").map(|f| f.0), Some(registry_token));
    assert_eq!(
        look("nopad.example").map(|f| f.0),
        Some(basic("carol", "pw"))
    );
    assert_eq!(look("fields.example").map(|f| f.0), Some(basic("u", "p")));
    assert_eq!(look("empty.example"), None);
    assert_eq!(look("quay.io"), None);
}

#[test]
fn missing_and_empty_files_have_no_credentials() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = docker_only(dir.path().join("nope.json"));
    assert_eq!(missing.lookup("docker.io").expect("lookup"), None);
    assert!(missing.known_registries().is_empty());
    let empty = docker_only(write(dir.path(), "empty.json", "  \n"));
    assert_eq!(empty.lookup("docker.io").expect("lookup"), None);
}

#[test]
fn malformed_config_is_an_error_naming_the_path_but_not_secrets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        ("syntax.json", r#"{"auths": {"#.to_string()),
        ("shape.json", r#"{"auths": "hunter2"}"#.to_string()),
        (
            "auth.json",
            r#"{"auths": {"r.example": {"auth": "hunter2!!"}}}"#.to_string(),
        ),
        (
            "colon.json",
            format!(
                r#"{{"auths": {{"r.example": {{"auth": "{}"}}}}}}"#,
                b64("hunter2")
            ),
        ),
    ];
    for (name, text) in cases {
        let path = write(dir.path(), name, &text);
        let e = docker_only(path.clone())
            .lookup("r.example")
            .expect_err(name);
        match &e {
            Error::Config { path: p, .. } => assert_eq!(p, &path),
            other => panic!("{name}: expected Config, got {other:?}"),
        }
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }
}

#[test]
fn podman_files_follow_docker_and_allow_namespaced_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docker = write(
        dir.path(),
        "config.json",
        &format!(
            r#"{{"auths": {{"ghcr.io": {{"auth": "{}"}}}}}}"#,
            b64("docker:1")
        ),
    );
    let podman = write(
        dir.path(),
        "auth.json",
        &format!(
            r#"{{"auths": {{"quay.io": {{"auth": "{}"}}, "ghcr.io": {{"auth": "{}"}}, "quay.io/org": {{"auth": "{}"}}}}}}"#,
            b64("podman:2"),
            b64("podman:3"),
            b64("org:4"),
        ),
    );
    let credentials = Credentials::new(
        "unused",
        Some(docker),
        vec![dir.path().join("absent.json"), podman.clone()],
    )
    .without_keyring();
    let ghcr = credentials
        .lookup("ghcr.io")
        .expect("lookup")
        .expect("found");
    assert_eq!(ghcr.0, basic("docker", "1"), "Docker's file comes first");
    let quay = credentials
        .lookup("quay.io")
        .expect("lookup")
        .expect("found");
    assert_eq!(
        quay,
        (basic("podman", "2"), CredentialSource::Podman(podman))
    );
    assert_eq!(credentials.known_registries(), ["ghcr.io", "quay.io"]);
}

#[test]
fn known_registries_are_normalised_sorted_and_deduplicated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write(
        dir.path(),
        "config.json",
        r#"{
          "auths": {"https://index.docker.io/v1/": {}, "registry-1.docker.io": {}, "Ghcr.io": {}},
          "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login", "ghcr.io": "pass"},
          "credsStore": "desktop"
        }"#,
    );
    let bad = write(dir.path(), "bad.json", "{");
    let credentials = Credentials::new("unused", Some(config), vec![bad]).without_keyring();
    assert_eq!(
        credentials.known_registries(),
        [
            "123.dkr.ecr.us-east-1.amazonaws.com",
            "docker.io",
            "ghcr.io"
        ]
    );
}

#[cfg(unix)]
mod helpers {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    /// A fake `docker-credential-<name>` that records the server URL it was asked about.
    fn helper(dir: &Path, name: &str, script: &str) {
        let path = dir.join(format!("docker-credential-{name}"));
        let text = format!(
            "#!/bin/sh\nread -r url\necho \"$url\" >> \"{}\"\n{script}\n",
            dir.join("asked").display()
        );
        std::fs::write(&path, text).expect("write helper");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    fn asked(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(dir.join("asked"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn with_helpers(dir: &Path, config: &str) -> Credentials {
        docker_only(write(dir, "config.json", config)).with_helper_dir(dir)
    }

    #[test]
    fn cred_helpers_then_creds_store_then_auths() {
        let dir = tempfile::tempdir().expect("tempdir");
        helper(
            dir.path(),
            "hosts",
            r#"echo '{"ServerURL":"ghcr.io","Username":"gh","Secret":"from-hosts"}'"#,
        );
        helper(
            dir.path(),
            "store",
            r#"case "$url" in
              https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"hub-refresh"}' ;;
              *) echo "credentials not found in native keychain"; exit 1 ;;
            esac"#,
        );
        let config = format!(
            r#"{{"credHelpers": {{"ghcr.io": "hosts"}}, "credsStore": "store",
                "auths": {{"quay.io": {{"auth": "{}"}}, "docker.io": {{}}}}}}"#,
            b64("q:pw")
        );
        let credentials = with_helpers(dir.path(), &config);

        let (credential, source) = credentials
            .lookup("ghcr.io")
            .expect("lookup")
            .expect("found");
        assert_eq!(credential, basic("gh", "from-hosts"));
        assert_eq!(
            source,
            CredentialSource::DockerHelper("docker-credential-hosts".into())
        );

        let (credential, source) = credentials
            .lookup("docker.io")
            .expect("lookup")
            .expect("found");
        let hub = Credential::IdentityToken {
            username: None,
            token: Secret::new("hub-refresh"),
        };
        assert_eq!(credential, hub);
        assert_eq!(source.to_string(), "docker-credential-store");

        let (credential, source) = credentials
            .lookup("quay.io")
            .expect("lookup")
            .expect("found");
        assert_eq!(
            credential,
            basic("q", "pw"),
            "the store had none, so auths answers"
        );
        assert!(matches!(source, CredentialSource::DockerConfig(_)));

        assert_eq!(credentials.lookup("other.example").expect("lookup"), None);
        assert_eq!(
            asked(dir.path()),
            [
                "ghcr.io",
                "https://index.docker.io/v1/",
                "quay.io",
                "other.example"
            ]
        );
    }

    #[test]
    fn helper_keys_are_normalised() {
        let dir = tempfile::tempdir().expect("tempdir");
        helper(
            dir.path(),
            "hub",
            r#"echo '{"Username":"alice","Secret":"pw"}'"#,
        );
        let credentials = with_helpers(
            dir.path(),
            r#"{"credHelpers": {"https://index.docker.io/v1/": "hub"}}"#,
        );
        let found = credentials
            .lookup("docker.io")
            .expect("lookup")
            .expect("found");
        assert_eq!(found.0, basic("alice", "pw"));
    }

    #[test]
    fn missing_helper_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let credentials = with_helpers(dir.path(), r#"{"credsStore": "stowage-test-absent"}"#);
        let e = credentials.lookup("ghcr.io").expect_err("missing helper");
        match &e {
            Error::Credentials { store, .. } => {
                assert_eq!(store, "docker-credential-stowage-test-absent")
            }
            other => panic!("expected Credentials, got {other:?}"),
        }
    }

    #[test]
    fn failing_or_garbled_helpers_do_not_leak_secrets() {
        let dir = tempfile::tempdir().expect("tempdir");
        helper(
            dir.path(),
            "broken",
            "echo 'gpg: decryption failed' >&2; exit 2",
        );
        helper(dir.path(), "garbled", "echo 'Secret: hunter2'");
        for name in ["broken", "garbled"] {
            let credentials = with_helpers(dir.path(), &format!(r#"{{"credsStore": "{name}"}}"#));
            let e = credentials.lookup("ghcr.io").expect_err(name);
            assert!(matches!(&e, Error::Credentials { .. }), "{e:?}");
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
        let credentials = with_helpers(dir.path(), r#"{"credsStore": "broken"}"#);
        let e = credentials.lookup("ghcr.io").expect_err("broken");
        assert!(e.to_string().contains("decryption failed"), "{e}");
    }

    #[test]
    fn helper_names_cannot_be_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let credentials = with_helpers(dir.path(), r#"{"credsStore": "../../bin/sh"}"#);
        let e = credentials.lookup("ghcr.io").expect_err("path");
        assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    }
}
