//! The sidebar's sources: the Local store, registries the user added, registries Docker or
//! podman know; and signing in and out of a registry.

use std::collections::BTreeMap;

use stowage::auth::{Credential, Secret};
use stowage::config::RegistrySettings;
use stowage::reference::{normalize_registry, Reference};
use stowage::registry::Client;
use stowage::{Error, Result};

use crate::dto::{AddRegistry, OpenedReference, Source, SourceKind, SourceOrigin};
use crate::state::{AppState, LOCAL};

/// Local store first, then registries by name.
pub async fn list(state: &AppState) -> Result<Vec<Source>> {
    let settings = state.settings();
    let mut origins: BTreeMap<String, SourceOrigin> = state
        .credentials()
        .known_registries()
        .into_iter()
        .map(|r| (r, SourceOrigin::DockerConfig))
        .collect();
    for name in settings.registries.keys() {
        origins.insert(name.clone(), SourceOrigin::Added);
    }
    let mut sources = vec![local(state)];
    for (name, origin) in origins {
        sources.push(describe(state, &name, origin).await?);
    }
    sources.extend(state.layouts.sources());
    Ok(sources)
}

fn local(state: &AppState) -> Source {
    Source {
        id: LOCAL.into(),
        kind: SourceKind::Local,
        name: "Local store".into(),
        origin: SourceOrigin::Local,
        signed_in: true,
        username: None,
        credential_from: Some(state.local.root().display().to_string()),
        insecure: false,
        custom_ca: false,
    }
}

/// One registry as the sidebar shows it; a keyring that cannot be read shows as signed out.
async fn describe(state: &AppState, name: &str, origin: SourceOrigin) -> Result<Source> {
    let settings = state.settings().registry(name);
    let found = match state.client().lookup_credential(name).await {
        Ok(found) => found,
        Err(e) => {
            tracing::debug!(registry = name, error = %e, "credential lookup failed");
            None
        }
    };
    Ok(Source {
        id: name.to_string(),
        kind: SourceKind::Registry,
        name: name.to_string(),
        origin,
        signed_in: found.is_some(),
        username: found
            .as_ref()
            .and_then(|(c, _)| c.username().map(str::to_string))
            .or(settings.username),
        credential_from: found.map(|(_, from)| from.to_string()),
        insecure: settings.insecure,
        custom_ca: settings.ca_file.is_some(),
    })
}

/// Parses what was typed in the reference box as the core does (Docker Hub's short names
/// included), and names the source it lives in: one of the sidebar's, or the registry as a
/// source opened for this session. Nothing is requested from the registry here.
pub async fn open_reference(state: &AppState, text: &str) -> Result<OpenedReference> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Invalid(
            "type a reference, e.g. alpine:3.20 or ghcr.io/org/app:1.2".into(),
        ));
    }
    if text.starts_with("oci:") || text.starts_with('/') || text.starts_with('.') {
        // A path typed in the webview is not one the user chose in a dialog or dropped.
        return Err(Error::Invalid(format!(
            "{text} is a path: open a layout folder or archive with Open layout… or by dropping it on the sidebar"
        )));
    }
    let parsed: Reference = text.parse()?;
    let known = list(state).await?;
    let source = match known.into_iter().find(|s| s.id == parsed.registry) {
        Some(source) => source,
        None => describe(state, &parsed.registry, SourceOrigin::Opened).await?,
    };
    let reference = parsed.manifest_selector();
    let name = match (&parsed.tag, &parsed.digest) {
        (_, Some(d)) => format!("{}@{d}", parsed.name()),
        _ => format!("{}:{reference}", parsed.name()),
    };
    Ok(OpenedReference {
        source,
        repository: parsed.repository,
        reference,
        name,
    })
}

/// Opens the layout folder or archive at `path` (granted by the caller) read-only as a source.
/// It is opened once here, so what is not a layout is refused now, with what it lacks.
pub async fn open_layout(state: &AppState, path: &std::path::Path) -> Result<Source> {
    let path = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    crate::layouts::open(&state.client(), &path, &state.dirs.cache).await?;
    Ok(state.layouts.add(&path))
}

/// Adds (or updates) a registry. With a username and secret, they are checked against the
/// registry first and kept in the OS keyring only when it accepted them; settings are saved last,
/// so a failed sign-in changes nothing.
pub async fn add(state: &AppState, request: AddRegistry) -> Result<Source> {
    let host = normalize_registry(request.host.trim());
    let ca_file = request.ca_file();
    if host.is_empty() {
        return Err(Error::Invalid(
            "enter the registry's host, e.g. ghcr.io".into(),
        ));
    }
    Reference::repository(&host, "probe")?;
    let username = request.username.filter(|u| !u.trim().is_empty());
    let secret = request.secret.filter(|s| !s.is_empty());
    let credential = match (username.clone(), secret) {
        (Some(username), Some(password)) => Some(Credential::Basic {
            username,
            password: Secret::new(password),
        }),
        (None, Some(_)) => {
            return Err(Error::Invalid(
                "a password or token needs a username (any name works for token-only registries such as ghcr.io)".into(),
            ))
        }
        (Some(_), None) => {
            return Err(Error::Invalid("enter the password or token".into()))
        }
        (None, None) => None,
    };
    if let Some(path) = &ca_file {
        std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    }
    let mut settings = state.settings();
    settings.registries.insert(
        host.clone(),
        RegistrySettings {
            insecure: request.insecure,
            ca_file,
            username: username.clone(),
        },
    );
    let trial = Client::new(settings.clone(), state.credentials().clone());
    trial
        .connect(&host, credential.clone())?
        .check_credentials()
        .await?;
    if let Some(credential) = credential {
        let (credentials, name) = (state.credentials().clone(), host.clone());
        tokio::task::spawn_blocking(move || credentials.store(&name, &credential))
            .await
            .map_err(|e| Error::Invalid(format!("keyring task failed: {e}")))??;
    }
    state.replace_settings(settings)?;
    describe(state, &host, SourceOrigin::Added).await
}

/// Removes Stowage's stored credential; one in Docker's config stays (Docker owns it).
pub async fn sign_out(state: &AppState, host: &str) -> Result<Source> {
    erase(state, host).await?;
    let mut settings = state.settings();
    let origin = match settings.registries.get_mut(host) {
        Some(entry) => {
            entry.username = None;
            SourceOrigin::Added
        }
        None => SourceOrigin::DockerConfig,
    };
    state.replace_settings(settings)?;
    describe(state, host, origin).await
}

/// Forgets a registry the user added, and its credential in the keyring.
pub async fn remove(state: &AppState, host: &str) -> Result<()> {
    erase(state, host).await?;
    let mut settings = state.settings();
    settings.registries.remove(host);
    state.replace_settings(settings)
}

async fn erase(state: &AppState, host: &str) -> Result<()> {
    let (credentials, name) = (state.credentials().clone(), host.to_string());
    match tokio::task::spawn_blocking(move || credentials.erase(&name))
        .await
        .map_err(|e| Error::Invalid(format!("keyring task failed: {e}")))?
    {
        // Nothing stored where there is no keyring: nothing to sign out of.
        Ok(_) | Err(Error::NoKeyring { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}
