//! Signing in to a registry and out of it, in the one order of checks the CLI and the app share:
//! what was typed first, then the credential against the registry with the settings it will be
//! used with, then the OS keyring; the caller saves the settings it gets back last, so a failed
//! sign-in changes nothing.

use crate::auth::{Credential, Credentials, Secret};
use crate::config::{RegistrySettings, Settings};
use crate::error::{Error, Result};
use crate::reference::{normalize_registry, Reference};
use crate::registry::Client;

/// What the user asked to sign in with. Without a username and secret, the registry is only
/// added (with its settings) and reached anonymously.
pub struct SignIn {
    /// As typed: `ghcr.io`, `docker.io`, `localhost:5000`.
    pub host: String,
    /// The username as typed; a blank one counts as none.
    pub username: Option<String>,
    /// The password or access token; it needs a username, as a username needs it.
    pub secret: Option<Secret>,
    /// How the registry is reached (plain HTTP, a CA file); its username is set here.
    pub registry: RegistrySettings,
}

/// A registry signed in to (or added), and the settings to save with it.
pub struct SignedIn {
    /// The registry's normalised name (`docker.io` for any of Docker Hub's spellings).
    pub registry: String,
    /// The username the settings keep for it, if one was given.
    pub username: Option<String>,
    /// The settings with the registry added, for the caller to save.
    pub settings: Settings,
}

/// A registry signed out of, and the settings to save.
pub struct SignedOut {
    /// The registry's normalised name.
    pub registry: String,
    /// Whether Stowage had a credential stored for it. Where there is no OS keyring, nothing
    /// can have been stored, so there is nothing to sign out of: that is not an error.
    pub removed: bool,
    /// The settings without the registry's username, for the caller to save.
    pub settings: Settings,
}

/// Checks `request` as typed, then against the registry, then keeps the credential in the OS
/// keyring (an error, with no keyring: a secret is never written anywhere else). `settings` are
/// the current ones; the returned ones add the registry.
pub async fn sign_in(
    settings: &Settings,
    credentials: &Credentials,
    request: SignIn,
) -> Result<SignedIn> {
    let registry = normalize_registry(request.host.trim());
    if registry.is_empty() {
        return Err(Error::Invalid(
            "enter the registry's host, e.g. ghcr.io".into(),
        ));
    }
    Reference::repository(&registry, "probe")?;
    let username = request.username.filter(|u| !u.trim().is_empty());
    let credential = credential(username.clone(), request.secret)?;
    if let Some(path) = &request.registry.ca_file {
        std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    }
    let mut settings = settings.clone();
    settings.registries.insert(
        registry.clone(),
        RegistrySettings {
            username: username.clone(),
            ..request.registry
        },
    );
    Client::new(settings.clone(), credentials.clone())
        .connect(&registry, credential.clone())?
        .check_credentials()
        .await?;
    if let Some(credential) = credential {
        let (credentials, name) = (credentials.clone(), registry.clone());
        keyring(move || credentials.store(&name, &credential)).await?;
    }
    Ok(SignedIn {
        registry,
        username,
        settings,
    })
}

/// Removes Stowage's stored credential for `host`, and the username the settings keep for it.
/// A credential Docker or podman stored stays theirs.
pub async fn sign_out(
    settings: &Settings,
    credentials: &Credentials,
    host: &str,
) -> Result<SignedOut> {
    let registry = normalize_registry(host.trim());
    let (store, name) = (credentials.clone(), registry.clone());
    let removed = match keyring(move || store.erase(&name)).await {
        Ok(removed) => removed,
        Err(Error::NoKeyring { .. }) => false,
        Err(e) => return Err(e),
    };
    let mut settings = settings.clone();
    if let Some(entry) = settings.registries.get_mut(&registry) {
        entry.username = None;
    }
    Ok(SignedOut {
        registry,
        removed,
        settings,
    })
}

/// A username and a secret as a credential; either alone is a mistake worth saying.
fn credential(username: Option<String>, secret: Option<Secret>) -> Result<Option<Credential>> {
    let secret = secret.filter(|s| !s.expose().is_empty());
    match (username, secret) {
        (Some(username), Some(password)) => Ok(Some(Credential::Basic { username, password })),
        (None, Some(_)) => Err(Error::Invalid(
            "a password or token needs a username (any name works for token-only registries such as ghcr.io)".into(),
        )),
        (Some(_), None) => Err(Error::Invalid("enter the password or token".into())),
        (None, None) => Ok(None),
    }
}

/// The OS keyring answers over D-Bus (or its platform's API) and may block: off the runtime.
async fn keyring<T: Send + 'static>(
    call: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| Error::Internal(format!("keyring task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_needs_a_username_and_a_username_a_secret() {
        let secret = || Some(Secret::new("s3cret"));
        assert!(credential(None, secret())
            .unwrap_err()
            .to_string()
            .contains("needs a username"));
        assert!(credential(Some("me".into()), None)
            .unwrap_err()
            .to_string()
            .contains("password"));
        assert!(credential(Some("me".into()), Some(Secret::new(""))).is_err());
        assert_eq!(credential(None, None).unwrap(), None);
        assert_eq!(
            credential(Some("me".into()), secret())
                .unwrap()
                .unwrap()
                .username(),
            Some("me")
        );
    }

    #[tokio::test]
    async fn nothing_is_asked_of_the_registry_when_the_host_is_not_one() {
        let credentials = Credentials::new("stowage-test", None, Vec::new()).without_keyring();
        for host in ["", "  ", "not a host!"] {
            let request = SignIn {
                host: host.into(),
                username: None,
                secret: None,
                registry: RegistrySettings::default(),
            };
            let err = sign_in(&Settings::default(), &credentials, request).await;
            assert!(
                matches!(err, Err(Error::Invalid(_) | Error::Reference(_))),
                "{host:?}: {:?}",
                err.err()
            );
        }
    }

    #[tokio::test]
    async fn signing_out_where_there_is_no_keyring_is_nothing_to_do() {
        let credentials = Credentials::new("stowage-test", None, Vec::new()).without_keyring();
        let mut settings = Settings::default();
        settings.registries.insert(
            "ghcr.io".into(),
            RegistrySettings {
                username: Some("me".into()),
                ..RegistrySettings::default()
            },
        );
        let out = sign_out(&settings, &credentials, "ghcr.io").await.unwrap();
        assert!(!out.removed);
        assert_eq!(out.settings.registry("ghcr.io").username, None);
        assert_eq!(out.registry, "ghcr.io");
    }
}
