//! Authorization for one registry: answering 401 challenges with Basic or Docker token auth, and
//! caching bearer tokens per scope until shortly before they expire.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use reqwest::StatusCode;

use crate::auth::challenge::{parse_challenges, Challenge};
use crate::auth::secret::{Credential, Secret};
use crate::auth::token_request::{self, basic_header, bearer_header, Answer, Grant, Realm, Token};
use crate::error::{Error, Result};
use crate::reference::api_host;

const LOGIN_HINT: &str = "log in with `stowage login` (or `docker login`, which Stowage reads)";

/// A scope in Docker token auth: "repository:NAME:pull,push", "registry:catalog:*", or none (login).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope(Option<String>);

impl Scope {
    /// Access to the repository `name` for `actions` (`pull`, `push`, `delete`).
    pub fn repository(name: &str, actions: &[&str]) -> Scope {
        Scope(Some(format!("repository:{name}:{}", actions.join(","))))
    }

    /// Listing the registry's repositories: `registry:catalog:*`.
    pub fn catalog() -> Scope {
        Scope(Some("registry:catalog:*".to_string()))
    }

    /// No scope, for the `/v2/` check at login: a token request then names the challenge's
    /// scope, if it gives one.
    pub fn none() -> Scope {
        Scope(None)
    }

    /// The scope string a token request sends; None for [`Scope::none`].
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// Turns challenges into Authorization headers for one registry, caching tokens per scope until
/// they expire. Shared behind an `Arc` by the registry client.
pub struct Authorizer {
    http: reqwest::Client,
    registry: String,
    credential: Option<Credential>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The registry asked for Basic once, so every request may carry it from now on.
    basic_seen: bool,
    tokens: HashMap<Scope, CachedToken>,
    /// The user's identity token, or one the realm handed out for a Basic login.
    refresh: Option<Secret>,
    /// The realm answered the refresh POST with 404/405: use GET with the password instead.
    post_unsupported: bool,
    /// One token request per scope at a time; the others wait and take its token.
    flights: HashMap<Scope, Arc<tokio::sync::Mutex<()>>>,
    next_id: u64,
}

struct CachedToken {
    header: HeaderValue,
    expires: Instant,
    /// Tells a token fetched while a caller waited from the one its request was refused with.
    id: u64,
}

impl fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorizer")
            .field("registry", &self.registry)
            .field("username", &self.username())
            .finish_non_exhaustive()
    }
}

impl Authorizer {
    /// An authorizer for `registry` that asks token realms over `http` and authenticates with
    /// `credential`, or anonymously without one; an identity token is its first refresh token.
    pub fn new(
        http: reqwest::Client,
        registry: &str,
        credential: Option<Credential>,
    ) -> Authorizer {
        let refresh = match &credential {
            Some(Credential::IdentityToken { token, .. }) => Some(token.clone()),
            _ => None,
        };
        Authorizer {
            http,
            registry: registry.to_string(),
            credential,
            state: Mutex::new(State {
                refresh,
                ..State::default()
            }),
        }
    }

    /// The username of the credential in use, for errors and logs; None when anonymous or for a
    /// registry token.
    pub fn username(&self) -> Option<&str> {
        self.credential.as_ref().and_then(Credential::username)
    }

    /// The header to send pre-emptively for `scope`, if one is known: Basic once a Basic challenge
    /// was seen, a cached unexpired bearer token for that scope, a registry token always.
    pub fn cached(&self, scope: &Scope) -> Option<HeaderValue> {
        match &self.credential {
            Some(Credential::RegistryToken(token)) => return bearer_header(token).ok(),
            Some(Credential::Basic { username, password }) if self.state().basic_seen => {
                return basic_header(username, password).ok();
            }
            _ => {}
        }
        let state = self.state();
        let cached = state.tokens.get(scope)?;
        (cached.expires > Instant::now()).then(|| cached.header.clone())
    }

    /// Forgets the cached token for `scope` (e.g. after the registry rejected it).
    pub fn forget(&self, scope: &Scope) {
        self.state().tokens.remove(scope);
    }

    /// Answers a 401 from `answered` (the URL that sent it): from the challenges of its
    /// WWW-Authenticate header, obtains a header for `scope` (Bearer preferred over Basic when
    /// both are offered).
    pub async fn authorize(
        &self,
        www_authenticate: &str,
        scope: &Scope,
        answered: &str,
    ) -> Result<HeaderValue> {
        if let Some(Credential::RegistryToken(token)) = &self.credential {
            return bearer_header(token);
        }
        let challenges = parse_challenges(www_authenticate);
        if let Some(bearer) = challenges.iter().find(|c| c.scheme == "bearer") {
            return self.bearer(bearer, scope, answered).await;
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            return self.basic();
        }
        let shown: String = www_authenticate.chars().take(200).collect();
        Err(self.unauthorized(format!(
            "the registry answered 401 without a Basic or Bearer challenge (WWW-Authenticate: {shown:?})"
        )))
    }

    fn basic(&self) -> Result<HeaderValue> {
        match &self.credential {
            Some(Credential::Basic { username, password }) => {
                let header = basic_header(username, password)?;
                self.state().basic_seen = true;
                Ok(header)
            }
            Some(_) => Err(self.unauthorized(format!(
                "the registry asks for a username and password, but the stored credential is a token; {LOGIN_HINT}"
            ))),
            None => Err(self.unauthorized(format!("credentials are needed; {LOGIN_HINT}"))),
        }
    }

    async fn bearer(
        &self,
        challenge: &Challenge,
        scope: &Scope,
        answered: &str,
    ) -> Result<HeaderValue> {
        let url = challenge.realm().ok_or_else(|| Error::Malformed {
            url: format!("https://{}/v2/", api_host(&self.registry)),
            detail: "a Bearer challenge without a realm".to_string(),
        })?;
        check_realm(url, answered)?;
        let realm = Realm {
            url,
            service: challenge.service(),
            scope: scope.as_str().or(challenge.scope()),
        };
        let (flight, seen) = {
            let mut state = self.state();
            let flight = state.flights.entry(scope.clone()).or_default().clone();
            (flight, state.tokens.get(scope).map(|t| t.id))
        };
        let _turn = flight.lock().await;
        {
            let state = self.state();
            if let Some(cached) = state.tokens.get(scope) {
                if Some(cached.id) != seen && cached.expires > Instant::now() {
                    return Ok(cached.header.clone());
                }
            }
        }
        let started = Instant::now();
        let token = self.fetch(&realm).await?;
        let header = bearer_header(&token.token)?;
        let mut state = self.state();
        if let Some(refresh) = token.refresh_token {
            if self.credential.is_some() {
                state.refresh = Some(refresh);
            }
        }
        let expires = started.checked_add(lifetime(token.expires_in));
        match expires.filter(|e| *e > started) {
            None => {
                state.tokens.remove(scope);
            }
            Some(expires) => {
                state.next_id += 1;
                let id = state.next_id;
                state.tokens.insert(
                    scope.clone(),
                    CachedToken {
                        header: header.clone(),
                        expires,
                        id,
                    },
                );
            }
        }
        Ok(header)
    }

    /// The refresh-token POST when there is a refresh token, else (or when the realm does not
    /// support it) a GET with the password, else an anonymous GET.
    async fn fetch(&self, realm: &Realm<'_>) -> Result<Token> {
        let password = self.password_grant();
        let (refresh, post_unsupported) = {
            let state = self.state();
            (state.refresh.clone(), state.post_unsupported)
        };
        if let Some(refresh) = refresh.filter(|_| !(post_unsupported && password.is_some())) {
            match token_request::request(&self.http, realm, &Grant::Refresh(&refresh)).await? {
                Answer::Token(token) => return Ok(token),
                Answer::Refused { status, detail } => {
                    let unsupported = matches!(
                        status,
                        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
                    );
                    let from_login = matches!(self.credential, Some(Credential::Basic { .. }));
                    if password.is_none() || !(unsupported || from_login) {
                        return Err(self.refused(realm.url, status, detail));
                    }
                    tracing::debug!(realm = %crate::transport::redact(realm.url), %status, "refresh-token POST refused, using GET");
                    let mut state = self.state();
                    if unsupported {
                        state.post_unsupported = true;
                    } else {
                        // Likely revoked or expired: the password will get a new one.
                        state.refresh = None;
                    }
                }
            }
        }
        let grant = password.unwrap_or(Grant::Anonymous);
        match token_request::request(&self.http, realm, &grant).await? {
            Answer::Token(token) => Ok(token),
            Answer::Refused { status, detail } => Err(self.refused(realm.url, status, detail)),
        }
    }

    /// What a token GET can authenticate with. An identity token doubles as a password for realms
    /// without the OAuth2 POST, as containerd does.
    fn password_grant(&self) -> Option<Grant<'_>> {
        match &self.credential {
            Some(Credential::Basic { username, password }) => {
                Some(Grant::Basic { username, password })
            }
            Some(Credential::IdentityToken {
                username: Some(username),
                token,
            }) => Some(Grant::Basic {
                username,
                password: token,
            }),
            _ => None,
        }
    }

    fn refused(&self, realm: &str, status: StatusCode, detail: String) -> Error {
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            let detail = if self.credential.is_none() {
                format!("{detail} (no credentials were sent; {LOGIN_HINT})")
            } else {
                detail
            };
            self.unauthorized(detail)
        } else {
            Error::Status {
                url: crate::transport::redact(realm),
                status: status.as_u16(),
                code: None,
                message: detail,
            }
        }
    }

    fn unauthorized(&self, detail: String) -> Error {
        Error::Unauthorized {
            registry: self.registry.clone(),
            username: self.username().map(str::to_string),
            detail,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic elsewhere cannot corrupt it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A realm gets the password or refresh token, so an HTTPS registry may not send it to a
/// plain-HTTP realm. A realm on another host is normal (Docker Hub, GHCR), over HTTPS.
fn check_realm(realm: &str, answered: &str) -> Result<()> {
    let scheme = |u: &str| u.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    let secure = scheme(answered).as_deref() != Some("http");
    match scheme(realm).as_deref() {
        Some("https") => Ok(()),
        Some("http") if !secure => Ok(()),
        _ => Err(Error::Malformed {
            url: crate::transport::redact(answered),
            detail: format!(
                "the registry sends token requests to {}, refused: {}",
                crate::transport::redact(realm),
                if secure {
                    "an HTTPS registry's realm must use HTTPS too, or the credentials would travel in the clear"
                } else {
                    "a token realm must be an http(s) URL"
                }
            ),
        }),
    }
}

/// How long to reuse a token: its lifetime less a margin for clock skew and request time.
fn lifetime(expires_in: Duration) -> Duration {
    let margin = (expires_in / 10).clamp(Duration::from_secs(1), Duration::from_secs(30));
    expires_in.saturating_sub(margin)
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
