//! The sidebar's sources: the Local store, registries the user added, registries Docker or
//! podman know; and signing in and out of a registry.

use std::collections::BTreeMap;

use stowage::config::RegistrySettings;
use stowage::ops::sign_in::{self, SignIn};
use stowage::reference::Reference;
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

/// Adds (or updates) a registry, signing in when a username and secret came with it: the core's
/// `sign_in` checks them against the registry and keeps them in the OS keyring; the settings are
/// saved last, so a failed sign-in changes nothing.
pub async fn add(state: &AppState, request: AddRegistry) -> Result<Source> {
    let registry = RegistrySettings {
        insecure: request.insecure,
        ca_file: request.ca_file(),
        username: None,
    };
    let signed_in = sign_in::sign_in(
        &state.settings(),
        state.credentials(),
        SignIn {
            host: request.host,
            username: request.username,
            secret: request.secret,
            registry,
        },
    )
    .await?;
    state.replace_settings(signed_in.settings)?;
    describe(state, &signed_in.registry, SourceOrigin::Added).await
}

/// Removes Stowage's stored credential; one in Docker's config stays (Docker owns it).
pub async fn sign_out(state: &AppState, host: &str) -> Result<Source> {
    let out = sign_in::sign_out(&state.settings(), state.credentials(), host).await?;
    let origin = match out.settings.registries.contains_key(&out.registry) {
        true => SourceOrigin::Added,
        false => SourceOrigin::DockerConfig,
    };
    state.replace_settings(out.settings)?;
    describe(state, &out.registry, origin).await
}

/// Forgets a registry the user added, and its credential in the keyring.
pub async fn remove(state: &AppState, host: &str) -> Result<()> {
    let mut out = sign_in::sign_out(&state.settings(), state.credentials(), host).await?;
    out.settings.registries.remove(&out.registry);
    state.replace_settings(out.settings)
}
