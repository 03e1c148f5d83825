//! The SBOM view: SBOMs found from a reference or opened from a file, kept by the shell
//! (`sboms`) so the table, a package's details, the exact bytes and a CSV come from one read.

use std::path::{Path, PathBuf};

use stowage::cache::ManifestCache;
use stowage::ops::inspect;
use stowage::sbom::{self, Direction, FindOptions, Sbom, TreeNode, MAX_SBOM_BYTES};
use stowage::Error;
use tauri::{AppHandle, Runtime, State};

use super::export::file_stem;
use super::Answer;
use crate::dialogs;
use crate::dto::{
    AppError, DependencyNode, SbomDocuments, SbomHeader, SbomPackage, SbomPackageDetails, SbomRows,
    SbomSummary,
};
use crate::sboms::{KeptSbom, Origin};
use crate::state::AppState;

/// How far a package's dependency trees are followed: enough to see where it sits, small
/// enough to send at once for a package that a thousand others need.
const DEPTH: usize = 2;
const WIDTH: usize = 100;

/// Finds and reads every SBOM of `reference` (attached to it, or to what lies below it) and keeps
/// each one read for the other SBOM commands. An SBOM that cannot be read is listed with its
/// error rather than failing the others.
#[tauri::command]
pub async fn sbom_documents(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    reference: String,
) -> Answer<SbomDocuments> {
    let store = state.store(&source, &repository).await?;
    let options = FindOptions {
        platform: None,
        cache: Some(ManifestCache::new(state.dirs.manifest_cache())),
    };
    let found = sbom::find(&store, &reference, &options).await?;
    let sboms = found
        .sboms
        .into_iter()
        .map(|f| {
            let at = f.at;
            let origin = at.layer.clone().map(|layer| Origin::Blob {
                source: source.clone(),
                repository: repository.clone(),
                layer,
                media_type: at.media_type.clone(),
            });
            let label = at
                .manifest
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(|| reference.clone());
            let platform = at.platform.as_ref().map(ToString::to_string);
            let mut summary = SbomSummary {
                handle: None,
                manifest: at.manifest.as_ref().map(ToString::to_string),
                layer: at.layer.as_ref().map(ToString::to_string),
                media_type: at.media_type,
                subject: at.subject.as_ref().map(ToString::to_string),
                platform: platform.clone(),
                via: at.via,
                path: None,
                wrappers: vec![],
                document: None,
                error: None,
            };
            match (f.read, origin) {
                (Ok(read), Some(origin)) => keep(&state, &mut summary, read, origin, label),
                (Ok(_), None) => {
                    summary.error = Some(AppError::internal("an SBOM found without its blob"))
                }
                (Err(e), _) => summary.error = Some(e.into()),
            }
            summary
        })
        .collect();
    Ok(SbomDocuments {
        root: found.root.to_string(),
        sboms,
        warnings: found.warnings,
    })
}

/// Keeps a read SBOM and fills in what the summary says of it.
fn keep(state: &AppState, summary: &mut SbomSummary, read: Sbom, origin: Origin, label: String) {
    summary.wrappers = read.wrappers.iter().map(ToString::to_string).collect();
    summary.document = Some(SbomHeader::from(&read.document));
    let kept = KeptSbom::new(read.document, origin, label, summary.platform.clone());
    summary.handle = Some(state.sboms.keep(kept));
}

// Off the main thread: 100,000 rows take a while to build and serialise, and the window
// keeps painting meanwhile.
/// The package table of a kept SBOM, as columns; `not_found` once the shell dropped it for newer
/// ones.
#[tauri::command(async)]
pub fn sbom_rows(state: State<'_, AppState>, handle: String) -> Answer<SbomRows> {
    Ok(SbomRows::from(&state.sboms.get(&handle)?.document))
}

/// The package at row `index` of a kept SBOM, with two levels of what it depends on and one of
/// what depends on it. A row past the table is refused.
#[tauri::command(async)]
pub fn sbom_package(
    state: State<'_, AppState>,
    handle: String,
    index: u32,
) -> Answer<SbomPackageDetails> {
    let kept = state.sboms.get(&handle)?;
    details(&kept, index)
}

/// The package at row `index`, what it depends on (DEPTH levels) and what depends on it.
fn details(kept: &KeptSbom, index: u32) -> Answer<SbomPackageDetails> {
    let i = index as usize;
    let package = kept
        .document
        .packages
        .get(i)
        .ok_or_else(|| AppError::invalid(format!("the SBOM has no package {index}")))?;
    let (d, deps) = (&kept.document, kept.dependencies());
    let (depends_on, more_depends_on) = deps.tree(d, i, DEPTH, WIDTH, Direction::DependsOn);
    let (dependents, more_dependents) = deps.tree(d, i, 1, WIDTH, Direction::Dependents);
    Ok(SbomPackageDetails {
        package: SbomPackage::new(i, package),
        depends_on: nodes(&depends_on),
        dependents: nodes(&dependents),
        more_depends_on,
        more_dependents,
    })
}

fn nodes(tree: &[TreeNode]) -> Vec<DependencyNode> {
    tree.iter().map(DependencyNode::from).collect()
}

/// A local SBOM, chosen in the shell's own dialog: the webview never names the path, and the
/// file is granted like any other the user picked.
#[tauri::command]
pub async fn open_sbom_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<Option<SbomDocuments>> {
    let kinds = (
        "SBOMs",
        &[
            "json", "spdx", "xml", "yaml", "yml", "cdx", "bom", "jsonld", "intoto", "gz", "zst",
        ][..],
    );
    let Some(path) = dialogs::pick_file(&app, "Open an SBOM", kinds).await? else {
        return Ok(None);
    };
    state.grants.grant([&path]);
    state.grants.check(&path)?;
    Ok(Some(open_local(&state, path).await))
}

/// A file dropped on the window where no push target was, read as an SBOM without pushing it:
/// only a path the shell granted for the drop. A file that is not an SBOM answers like one
/// chosen in the dialog: its summary holds the reader's error.
#[tauri::command]
pub async fn open_sbom_path(state: State<'_, AppState>, path: String) -> Answer<SbomDocuments> {
    let path = PathBuf::from(path);
    state.grants.check(&path)?;
    Ok(open_local(&state, path).await)
}

/// Reads a local file the user gave (the reader decides by its content) and keeps it.
async fn open_local(state: &AppState, path: PathBuf) -> SbomDocuments {
    let label = path.display().to_string();
    let mut summary = SbomSummary {
        handle: None,
        manifest: None,
        layer: None,
        media_type: media_type_of(&path).into(),
        subject: None,
        platform: None,
        via: None,
        path: Some(label.clone()),
        wrappers: vec![],
        document: None,
        error: None,
    };
    match sbom::read_file(&path).await {
        Ok(read) => keep(state, &mut summary, read, Origin::File(path), label),
        Err(e) => summary.error = Some(e.into()),
    }
    SbomDocuments {
        root: String::new(),
        sboms: vec![summary],
        warnings: vec![],
    }
}

/// What the file's name suggests; the reader decides by the content anyway.
fn media_type_of(path: &Path) -> &'static str {
    let name = path.to_string_lossy().to_lowercase();
    if name.ends_with(".spdx.json") {
        "application/spdx+json"
    } else if name.ends_with(".cdx.json") || name.ends_with(".bom.json") {
        "application/vnd.cyclonedx+json"
    } else if name.ends_with(".xml") {
        "application/vnd.cyclonedx+xml"
    } else if name.ends_with(".spdx") {
        "text/spdx"
    } else {
        "application/octet-stream"
    }
}

/// "Save SBOM as…": the exact bytes it was read from, where the user chooses.
#[tauri::command]
pub async fn save_sbom<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    handle: String,
    name: String,
) -> Answer<Option<String>> {
    let kept = state.sboms.get(&handle)?;
    let bytes = match &kept.origin {
        Origin::Blob {
            source,
            repository,
            layer,
            media_type,
        } => {
            let store = state.store(source, repository).await?;
            let read = inspect::content(&store, layer, media_type, MAX_SBOM_BYTES as usize).await?;
            if read.truncated {
                return Err(AppError::invalid("the SBOM is larger than Stowage reads"));
            }
            read.bytes
        }
        Origin::File(path) => {
            state.grants.check(path)?;
            tokio::fs::read(path)
                .await
                .map_err(|e| Error::io(path, e))?
        }
    };
    save(&app, &name, &bytes).await
}

/// "Export CSV": the packages the table shows, in its order (every package when `rows` is
/// None), in the CLI's `--output csv` columns.
#[tauri::command]
pub async fn export_sbom_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    handle: String,
    rows: Option<Vec<u32>>,
    name: String,
) -> Answer<Option<String>> {
    let kept = state.sboms.get(&handle)?;
    let csv = sbom::csv_of_rows(
        &kept.document,
        rows.as_deref(),
        &kept.label,
        kept.platform.as_deref(),
    )?;
    save(&app, &name, csv.as_bytes()).await
}

/// Through the shell's save dialog; `name` only suggests the file name.
async fn save<R: Runtime>(app: &AppHandle<R>, name: &str, bytes: &[u8]) -> Answer<Option<String>> {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric()) => {
            (stem, ext)
        }
        _ => (name, "json"),
    };
    let file_name = format!("{}.{extension}", file_stem(stem));
    let Some(path) = dialogs::save_file(app, &file_name, extension).await? else {
        return Ok(None);
    };
    stowage::atomic::write(&path, bytes)?;
    Ok(Some(path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use stowage::sbom::{Dependency, Document, Encoding, Format, Package};

    fn kept(n: usize, deps: &[(usize, usize)]) -> KeptSbom {
        let document = Document {
            format: Format::Spdx,
            spec_version: "2.3".into(),
            encoding: Encoding::Json,
            name: None,
            namespace: None,
            created: None,
            tools: vec![],
            authors: vec![],
            packages: (0..n)
                .map(|i| Package {
                    id: format!("p{i}"),
                    name: Some(format!("pkg-{i}")),
                    version: Some(format!("1.{i}")),
                    licenses: vec!["MIT".into()],
                    ..Default::default()
                })
                .collect(),
            dependencies: deps
                .iter()
                .map(|&(a, b)| Dependency {
                    from: format!("p{a}"),
                    to: format!("p{b}"),
                    relationship: "DEPENDS_ON".into(),
                })
                .collect(),
            files: 0,
        };
        KeptSbom::new(
            document,
            Origin::File("/x".into()),
            "sha256:ab".into(),
            Some("linux/amd64".into()),
        )
    }

    #[test]
    fn details_go_two_levels_down_one_up_and_stop_at_a_cycle() {
        let k = kept(4, &[(0, 1), (1, 2), (2, 3), (1, 0)]);
        let d = details(&k, 0).unwrap();
        assert_eq!(d.package.name.as_deref(), Some("pkg-0"));
        assert_eq!((d.more_depends_on, d.more_dependents), (0, 0));
        let down = &d.depends_on;
        assert_eq!(down.len(), 1);
        assert_eq!(down[0].index, Some(1));
        assert_eq!(down[0].name.as_deref(), Some("pkg-1"));
        assert_eq!(down[0].version.as_deref(), Some("1.1"));
        assert_eq!(down[0].relationship, "DEPENDS_ON");
        let grandchildren: Vec<_> = down[0].children.iter().map(|c| c.index).collect();
        assert_eq!(grandchildren, vec![Some(2), Some(0)]);
        // Below the depth, only how many links were not followed.
        assert!(down[0].children[0].children.is_empty());
        assert_eq!(down[0].children[0].more, 1);
        // What depends on it: one level, its own dependents counted.
        let up = &d.dependents;
        assert_eq!(up.len(), 1);
        assert_eq!((up[0].index, up[0].more), (Some(1), 1));
        assert!(up[0].children.is_empty());
        assert_eq!(details(&k, 4).unwrap_err().code, "invalid");
    }

    #[test]
    fn rows_are_columns_with_each_repeated_string_once() {
        let mut k = kept(3, &[]);
        k.document.packages[1].licenses.clear();
        k.document.packages[2].purl = Some("pkg:npm/a@1".into());
        let rows = SbomRows::from(&k.document);
        assert_eq!(rows.names.len(), 3);
        assert_eq!(rows.licenses, vec![0, -1, 0]);
        assert_eq!(rows.ecosystems, vec![-1, -1, 1]);
        assert_eq!(rows.strings, vec!["MIT", "npm"]);
        assert_eq!(rows.purls, vec![0, 0, 1]);
        let value = serde_json::to_value(&rows).unwrap();
        assert!(value["names"].is_array() && value["strings"].is_array());
    }
}
