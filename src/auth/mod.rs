//! Registry authentication: challenges, Basic and Docker token auth, and the credential stores
//! (OS keyring, Docker's config.json and credential helpers, podman's auth.json).

pub mod challenge;
pub mod credentials;
pub mod secret;

mod auth_file;
mod helper;
mod keyring_store;
mod token;
mod token_request;

#[cfg(test)]
mod test_server;

#[cfg(fuzzing)]
pub(crate) use auth_file::AuthFile;
pub use challenge::{parse_challenges, Challenge};
pub use credentials::{CredentialSource, Credentials};
pub use secret::{Credential, Secret};
pub use token::{Authorizer, Scope};
