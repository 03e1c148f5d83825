//! The secret-holding types: a string that never prints, and what to authenticate with.

use std::fmt;

/// A secret string whose Debug/Display print `***`, so that it cannot leak through logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

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
    Basic {
        username: String,
        password: Secret,
    },
    /// An OAuth2 refresh token ("identitytoken" in Docker's config, username `<token>` from helpers).
    IdentityToken {
        username: Option<String>,
        token: Secret,
    },
    /// A bearer token to send as is ("registrytoken" in Docker's config).
    RegistryToken(Secret),
}

impl Credential {
    pub fn username(&self) -> Option<&str> {
        match self {
            Credential::Basic { username, .. } => Some(username),
            Credential::IdentityToken { username, .. } => username.as_deref(),
            Credential::RegistryToken(_) => None,
        }
    }
}
