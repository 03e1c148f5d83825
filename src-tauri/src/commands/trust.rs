//! The Trust dialog: what signatures are verified against (public keys, keyless identities,
//! Sigstore trusted roots, notation's trust store and policy), read and changed. Each change is checked, saved with the settings,
//! and used by the next verification.

use std::path::PathBuf;

use stowage::signature::{NotationSetting, TrustSettings};
use stowage::Error;
use tauri::State;

use super::Answer;
use crate::dto::{AppError, TrustEntry, TrustView, TrustedIdentity};
use crate::state::AppState;

/// What signatures are verified against now, for the Trust dialog, with why the saved settings
/// are not in use when they are not.
#[tauri::command]
pub fn trust_settings(state: State<'_, AppState>) -> TrustView {
    view(&state)
}

/// Trusts a public key, pasted as PEM (public keys are not secret).
#[tauri::command]
pub fn trust_key(state: State<'_, AppState>, pem: String) -> Answer<TrustView> {
    change(&state, |trust| trust.add_key(&pem).map(drop))
}

/// Trusts a keyless signer; "Trust this signer" on a signature's card sends its exact identity
/// and issuer.
#[tauri::command]
pub fn trust_identity(state: State<'_, AppState>, identity: TrustedIdentity) -> Answer<TrustView> {
    change(&state, |trust| trust.add_identity(identity.into()))
}

/// Trusts a Sigstore `trusted_root.json` the user picked (`pick_trusted_root`), kept by its
/// file name.
#[tauri::command]
pub async fn trust_root(state: State<'_, AppState>, path: String) -> Answer<TrustView> {
    let path = PathBuf::from(path);
    state.grants.check(&path)?;
    let json = tokio::fs::read_to_string(&path)
        .await
        .map_err(|e| Error::io(&path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    change(&state, |trust| trust.add_root(&name, &json))
}

/// Trusts notation signatures by a trust store folder and trust policy the user picked
/// (`pick_notation_trust`); the certificates of the stores the policy names are kept, not the
/// folder. Replaces what was trusted for notation before.
#[tauri::command]
pub async fn trust_notation(
    state: State<'_, AppState>,
    store: String,
    policy: String,
) -> Answer<TrustView> {
    let (store, policy) = (PathBuf::from(store), PathBuf::from(policy));
    state.grants.check_all([&store, &policy])?;
    let json = tokio::fs::read_to_string(&policy)
        .await
        .map_err(|e| Error::io(&policy, e))?;
    let read = tokio::task::spawn_blocking(move || NotationSetting::read(&store, &json))
        .await
        .map_err(|e| AppError::internal(format!("reading the trust store stopped: {e}")))?
        .map_err(|e| AppError::invalid(e.to_string()))?;
    change(&state, |trust| {
        trust.notation = Some(read);
        Ok(())
    })
}

/// Stops trusting the `index`th key, identity, or added root (as `trust_settings` lists them;
/// the shipped roots come first and cannot be removed).
#[tauri::command]
pub fn untrust(state: State<'_, AppState>, entry: TrustEntry, index: usize) -> Answer<TrustView> {
    let shipped = stowage::signature::TrustedRoot::shipped().len();
    change(&state, |trust| {
        let removed = match entry {
            TrustEntry::Key => remove(&mut trust.keys, index),
            TrustEntry::Identity => remove(&mut trust.identities, index),
            TrustEntry::Root => index
                .checked_sub(shipped)
                .is_some_and(|i| remove(&mut trust.roots, i)),
            TrustEntry::Notation => trust.notation.take().is_some(),
        };
        if removed {
            Ok(())
        } else {
            Err(stowage::signature::TrustError {
                what: format!("{entry:?} {index}"),
                detail: "is not in the trust settings, or cannot be removed".to_string(),
            })
        }
    })
}

fn remove<T>(list: &mut Vec<T>, index: usize) -> bool {
    (index < list.len()).then(|| list.remove(index)).is_some()
}

fn view(state: &AppState) -> TrustView {
    TrustView::new(&state.settings().trust, state.trust().problem.clone())
}

/// Applies `edit` to the saved trust settings and saves them; a refused edit changes nothing.
fn change(
    state: &AppState,
    edit: impl FnOnce(&mut TrustSettings) -> Result<(), stowage::signature::TrustError>,
) -> Answer<TrustView> {
    let mut settings = state.settings();
    edit(&mut settings.trust).map_err(|e| AppError::invalid(e.to_string()))?;
    state.replace_settings(settings)?;
    Ok(view(state))
}
