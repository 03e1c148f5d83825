//! Hands out one `Registry` per host, built from the user's settings and credentials.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Registry;
use crate::auth::{Authorizer, Credential, CredentialSource, Credentials};
use crate::config::Limits;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::known_blobs::KnownBlobs;
use crate::transport::Transport;

/// Shared by every operation of one process: a registry's tokens and learned facts are reused.
pub struct Client {
    settings: Settings,
    credentials: Arc<Credentials>,
    limits: Limits,
    known: Option<Arc<KnownBlobs>>,
    registries: Mutex<HashMap<String, Arc<Registry>>>,
}

impl Client {
    /// A client for the registries `settings` describe, looking credentials up in `credentials`,
    /// with the default [`Limits`] and no record of where blobs were seen.
    pub fn new(settings: Settings, credentials: Credentials) -> Client {
        Client {
            settings,
            credentials: Arc::new(credentials),
            limits: Limits::default(),
            known: None,
            registries: Mutex::new(HashMap::new()),
        }
    }

    /// Applies `limits` instead of the defaults to the registries handed out from now on.
    pub fn with_limits(mut self, limits: Limits) -> Client {
        self.limits = limits;
        self
    }

    /// Keeps a record of where blobs are seen, so pushes mount from there (see [`KnownBlobs`]).
    pub fn with_known_blobs(mut self, known: KnownBlobs) -> Client {
        self.known = Some(Arc::new(known));
        self
    }

    /// The record of where blobs were seen, shared by its registries, when the client keeps one.
    pub fn known_blobs(&self) -> Option<&Arc<KnownBlobs>> {
        self.known.as_ref()
    }

    /// The user's settings the registries are configured from.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The credential stores looked up for each registry.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The registry `name` (normalised), with the credentials found for it.
    pub async fn registry(&self, name: &str) -> Result<Arc<Registry>> {
        if let Some(r) = self
            .registries
            .lock()
            .ok()
            .and_then(|m| m.get(name).cloned())
        {
            return Ok(r);
        }
        let found = self.lookup_credential(name).await?;
        let registry = Arc::new(self.connect(name, found.map(|(c, _)| c))?);
        if let Ok(mut m) = self.registries.lock() {
            m.entry(name.to_string())
                .or_insert_with(|| registry.clone());
        }
        Ok(registry)
    }

    /// A registry with exactly `credential`, bypassing the stores: what `login` checks before storing.
    pub fn connect(&self, name: &str, credential: Option<Credential>) -> Result<Registry> {
        let transport = Transport::new(name, &self.settings.registry(name))?;
        let authorizer = Authorizer::new(transport.token_client().clone(), name, credential);
        Ok(Registry::new(transport, authorizer, self.limits).with_known_blobs(self.known.clone()))
    }

    /// The stored credential for `name`, looked up off the async threads (keyring and helpers block).
    pub async fn lookup_credential(
        &self,
        name: &str,
    ) -> Result<Option<(Credential, CredentialSource)>> {
        let credentials = self.credentials.clone();
        let name = name.to_string();
        tokio::task::spawn_blocking(move || credentials.lookup(&name))
            .await
            .map_err(|e| Error::Internal(format!("credential lookup failed: {e}")))?
    }
}
