//! Commands that list what a source holds: repositories, tags and their badges, and content.

use stowage::ops::inspect;
use stowage::{graph, Digest, Error};
use tauri::State;

use super::Answer;
use crate::dto::{CatalogState, Content, Repositories, TagSummary};
use crate::state::{AppState, LOCAL};

/// Enough for any manifest (the core caps them at 4 MiB) and for configs and SBOMs worth reading.
const CONTENT_CAP: usize = 4 << 20;
/// Tag summaries resolved at once.
const SUMMARY_CONCURRENCY: usize = 8;

/// Lists a source's repositories with those opened lately: a registry's catalog, the Local
/// store's folders, or a layout's one. A catalog the registry refuses or lacks is no error:
/// the answer's `catalog` says so, with the registry's words.
#[tauri::command]
pub async fn repositories(state: State<'_, AppState>, source: String) -> Answer<Repositories> {
    let recent = state.recent(&source);
    let listed = if crate::layouts::is_layout(&source) {
        // A layout is one repository: the folder or archive itself.
        let path = state.layouts.path_of(&source)?;
        Ok(vec![crate::layouts::repository_name(&path)])
    } else if source == LOCAL {
        state.local.repositories()
    } else {
        state.client().registry(&source).await?.catalog().await
    };
    let (repositories, catalog, message) = match listed {
        Ok(r) => (r, CatalogState::Listed, None),
        Err(e @ (Error::Denied { .. } | Error::Unauthorized { .. })) => {
            (vec![], CatalogState::Denied, Some(e.to_string()))
        }
        Err(e @ (Error::NotFound { .. } | Error::Status { .. })) => {
            (vec![], CatalogState::Unsupported, Some(e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Repositories {
        repositories,
        recent,
        catalog,
        message,
    })
}

/// Lists a repository's tags, and remembers the repository as opened lately and the list for
/// `tag_summaries`.
#[tauri::command]
pub async fn tags(
    state: State<'_, AppState>,
    source: String,
    repository: String,
) -> Answer<Vec<String>> {
    let tags = state.store(&source, &repository).await?.tags().await?;
    state.remember(&source, &repository)?;
    state.keep_tags(&source, &repository, tags.clone());
    Ok(tags)
}

/// The badges of `tags` (the rows in view): signed, SBOM, attestation. A tag that cannot be
/// read carries its error and never fails the others.
#[tauri::command]
pub async fn tag_summaries(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    tags: Vec<String>,
) -> Answer<Vec<TagSummary>> {
    let store = state.store(&source, &repository).await?;
    // cosign's digest tags come from the whole list `tags` returned, not only the visible rows.
    let all_tags = state.kept_tags(&source, &repository);
    let summaries = graph::summarize_tags(&store, &tags, &all_tags, SUMMARY_CONCURRENCY).await;
    Ok(summaries.into_iter().map(TagSummary::from).collect())
}

/// Reads a manifest or blob for the details panel, its first 4 MiB at most, as text when it is
/// UTF-8. A digest that does not parse is refused.
#[tauri::command]
pub async fn content(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    digest: String,
    media_type: String,
) -> Answer<Content> {
    let digest: Digest = digest.parse().map_err(Error::from)?;
    let store = state.store(&source, &repository).await?;
    let read = inspect::content(&store, &digest, &media_type, CONTENT_CAP).await?;
    Ok(Content {
        media_type,
        size: read.size,
        text: utf8_prefix(read.bytes, read.truncated),
        truncated: read.truncated,
    })
}

/// The text of `bytes`; a cut at the end of a truncated read may split a character, which is
/// dropped. Anything else that is not UTF-8 is binary.
fn utf8_prefix(bytes: Vec<u8>, truncated: bool) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) if truncated && e.utf8_error().error_len().is_none() => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).ok()
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::utf8_prefix;

    #[test]
    fn a_character_cut_by_the_cap_is_dropped_but_binary_is_binary() {
        let text = "añb".as_bytes();
        assert_eq!(utf8_prefix(text[..2].to_vec(), true).as_deref(), Some("a"));
        assert_eq!(utf8_prefix(text[..2].to_vec(), false), None);
        assert_eq!(utf8_prefix(vec![0xff, b'a'], true), None);
        assert_eq!(utf8_prefix(text.to_vec(), false).as_deref(), Some("añb"));
    }
}
