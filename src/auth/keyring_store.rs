//! Stowage's own credential entries in the OS keyring (Secret Service, Keychain, Credential
//! Manager): one entry per registry, its secret a small JSON document.

use keyring::Entry;
use serde::{Deserialize, Serialize};

use crate::auth::secret::{Credential, Secret};
use crate::error::{Error, Result};

const STORE: &str = "keyring";

#[derive(Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Basic,
    IdentityToken,
    RegistryToken,
}

/// The stored form. Not Debug: it holds the secret.
#[derive(Serialize, Deserialize)]
struct Stored {
    kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    secret: String,
}

pub(crate) fn load(service: &str, registry: &str) -> Result<Option<Credential>> {
    read(&entry(service, registry)?, registry)
}

pub(crate) fn save(service: &str, registry: &str, credential: &Credential) -> Result<()> {
    write(&entry(service, registry)?, registry, credential)
}

pub(crate) fn delete(service: &str, registry: &str) -> Result<bool> {
    remove(&entry(service, registry)?, registry)
}

fn entry(service: &str, registry: &str) -> Result<Entry> {
    Entry::new(service, registry).map_err(|e| keyring_error(e, registry))
}

fn read(entry: &Entry, registry: &str) -> Result<Option<Credential>> {
    let text = match entry.get_password() {
        Ok(text) => text,
        Err(keyring::Error::NoEntry) => return Ok(None),
        Err(e) => return Err(keyring_error(e, registry)),
    };
    // Not serde's message: it could quote the secret.
    let stored: Stored = serde_json::from_str(&text).map_err(|_| Error::Credentials {
        store: STORE.to_string(),
        detail: format!(
            "the entry for {registry} is not in Stowage's format; remove it with `stowage logout {registry}`"
        ),
    })?;
    let secret = Secret::new(stored.secret);
    Ok(Some(match stored.kind {
        Kind::Basic => Credential::Basic {
            username: stored.username.unwrap_or_default(),
            password: secret,
        },
        Kind::IdentityToken => Credential::IdentityToken {
            username: stored.username,
            token: secret,
        },
        Kind::RegistryToken => Credential::RegistryToken(secret),
    }))
}

fn write(entry: &Entry, registry: &str, credential: &Credential) -> Result<()> {
    let stored = match credential {
        Credential::Basic { username, password } => Stored {
            kind: Kind::Basic,
            username: Some(username.clone()),
            secret: password.expose().to_string(),
        },
        Credential::IdentityToken { username, token } => Stored {
            kind: Kind::IdentityToken,
            username: username.clone(),
            secret: token.expose().to_string(),
        },
        Credential::RegistryToken(token) => Stored {
            kind: Kind::RegistryToken,
            username: None,
            secret: token.expose().to_string(),
        },
    };
    let text = serde_json::to_string(&stored).map_err(|e| Error::Credentials {
        store: STORE.to_string(),
        detail: format!("cannot encode the entry for {registry}: {e}"),
    })?;
    entry
        .set_password(&text)
        .map_err(|e| keyring_error(e, registry))
}

fn remove(entry: &Entry, registry: &str) -> Result<bool> {
    match entry.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(keyring_error(e, registry)),
    }
}

/// Unreachable storage is [`Error::NoKeyring`] so that callers can fall back to other stores.
/// Other failures never quote what the keyring holds.
fn keyring_error(e: keyring::Error, registry: &str) -> Error {
    let credentials = |detail: String| Error::Credentials {
        store: STORE.to_string(),
        detail,
    };
    match e {
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
            Error::NoKeyring {
                detail: inner.to_string(),
            }
        }
        keyring::Error::BadEncoding(_) => {
            credentials(format!("the entry for {registry} is not UTF-8"))
        }
        keyring::Error::Ambiguous(items) => credentials(format!(
            "{} entries match {registry}; remove the extra ones with the keyring's own tool",
            items.len()
        )),
        keyring::Error::NoEntry => credentials(format!("no entry for {registry}")),
        other => credentials(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring::mock::MockCredential;

    fn mock_entry() -> Entry {
        Entry::new_with_credential(Box::new(MockCredential::default()))
    }

    fn mock_of(entry: &Entry) -> &MockCredential {
        entry
            .get_credential()
            .downcast_ref::<MockCredential>()
            .expect("a mock credential")
    }

    #[test]
    fn round_trips_every_kind() {
        let credentials = [
            Credential::Basic {
                username: "alice".into(),
                password: Secret::new("p:ss\"word"),
            },
            Credential::IdentityToken {
                username: Some("bob".into()),
                token: Secret::new("refresh"),
            },
            Credential::IdentityToken {
                username: None,
                token: Secret::new("refresh"),
            },
            Credential::RegistryToken(Secret::new("bearer")),
        ];
        for credential in credentials {
            let entry = mock_entry();
            write(&entry, "ghcr.io", &credential).expect("write");
            assert_eq!(read(&entry, "ghcr.io").expect("read"), Some(credential));
        }
    }

    #[test]
    fn stored_json_names_the_kind() {
        let entry = mock_entry();
        let credential = Credential::Basic {
            username: "alice".into(),
            password: Secret::new("pw"),
        };
        write(&entry, "r", &credential).expect("write");
        let text = entry.get_password().expect("stored");
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"kind": "basic", "username": "alice", "secret": "pw"})
        );
    }

    #[test]
    fn missing_entry_is_none_and_erase_reports_it() {
        let entry = mock_entry();
        assert_eq!(read(&entry, "r").expect("read"), None);
        assert!(!remove(&entry, "r").expect("remove"));
        write(&entry, "r", &Credential::RegistryToken(Secret::new("t"))).expect("write");
        assert!(remove(&entry, "r").expect("remove"));
        assert_eq!(read(&entry, "r").expect("read"), None);
    }

    #[test]
    fn unreachable_storage_is_no_keyring() {
        let entry = mock_entry();
        let dbus = std::io::Error::other("no D-Bus session");
        mock_of(&entry).set_error(keyring::Error::NoStorageAccess(Box::new(dbus)));
        assert!(matches!(read(&entry, "r"), Err(Error::NoKeyring { .. })));
        let failure = std::io::Error::other("platform down");
        mock_of(&entry).set_error(keyring::Error::PlatformFailure(Box::new(failure)));
        let credential = Credential::RegistryToken(Secret::new("t"));
        assert!(matches!(
            write(&entry, "r", &credential),
            Err(Error::NoKeyring { .. })
        ));
    }

    #[test]
    fn foreign_entries_are_errors_without_their_content() {
        let entry = mock_entry();
        entry.set_password("hunter2-not-json").expect("set");
        let e = read(&entry, "r").expect_err("not ours");
        assert!(matches!(e, Error::Credentials { .. }));
        assert!(!e.to_string().contains("hunter2"), "{e}");
        entry
            .set_password(r#"{"kind":"basic","username":"u","secret":7}"#)
            .expect("set");
        let e = read(&entry, "r").expect_err("bad secret type");
        assert!(!e.to_string().contains('7'), "{e}");
    }
}
