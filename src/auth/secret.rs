//! The secret-holding types: a string that never prints, and what to authenticate with.

use std::fmt;

/// A secret string whose Debug/Display print `***`, so that it cannot leak through logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `s`, which from then on prints as `***`.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself, for where it must go: a request header, a keyring entry.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Read from a plain string (a form's field), so a request type holding one cannot print it.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What to authenticate with. Debug masks the secrets (through [`Secret`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A username and password (or an access token in its place), sent as Basic auth or traded
    /// for a bearer token at the realm.
    Basic {
        /// The account to authenticate as.
        username: String,
        /// The account's password, or a personal access token standing in for it.
        password: Secret,
    },
    /// An OAuth2 refresh token ("identitytoken" in Docker's config, username `<token>` from helpers).
    IdentityToken {
        /// The account the token belongs to, when known; with one, the token doubles as a password
        /// for realms without the OAuth2 POST.
        username: Option<String>,
        /// The refresh token itself.
        token: Secret,
    },
    /// A bearer token to send as is ("registrytoken" in Docker's config).
    RegistryToken(Secret),
}

impl Credential {
    /// The account name it carries: none for a registry token, or an identity token without one.
    pub fn username(&self) -> Option<&str> {
        match self {
            Credential::Basic { username, .. } => Some(username),
            Credential::IdentityToken { username, .. } => username.as_deref(),
            Credential::RegistryToken(_) => None,
        }
    }
}
