//! `repos`, `tags`, `manifest` and `blob`: reading what a registry holds.

use std::io::Write;
use std::path::PathBuf;

use stowage::reference::normalize_registry;
use stowage::{Error, Reference, Result};

use super::Context;

fn stdout_error(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

pub async fn repos(ctx: &Context, registry: &str) -> Result<()> {
    let registry = ctx.registry(&normalize_registry(registry)).await?;
    let mut out = std::io::stdout().lock();
    for repo in registry.catalog().await? {
        writeln!(out, "{repo}").map_err(stdout_error)?;
    }
    Ok(())
}

pub async fn tags(ctx: &Context, repository: &str) -> Result<()> {
    let reference: Reference = repository.parse()?;
    let registry = ctx.registry(&reference.registry).await?;
    let mut out = std::io::stdout().lock();
    for tag in registry.tags(&reference.repository).await? {
        writeln!(out, "{tag}").map_err(stdout_error)?;
    }
    Ok(())
}

pub async fn manifest(ctx: &Context, reference: &str) -> Result<()> {
    let reference: Reference = reference.parse()?;
    let registry = ctx.registry(&reference.registry).await?;
    let fetched = registry.fetch_manifest(&reference).await?;
    let mut out = std::io::stdout().lock();
    out.write_all(&fetched.bytes).map_err(stdout_error)?;
    out.flush().map_err(stdout_error)
}

pub async fn blob(ctx: &Context, reference: &str, output: Option<PathBuf>) -> Result<()> {
    let reference: Reference = reference.parse()?;
    let digest = reference.digest.clone().ok_or_else(|| {
        Error::Invalid(format!(
            "{reference}: a blob is named by digest (REPOSITORY@sha256:…)"
        ))
    })?;
    let registry = ctx.registry(&reference.registry).await?;
    // With no descriptor at hand, the registry's HEAD gives the size every read is held to.
    let size = registry
        .blob_exists(&reference.repository, &digest)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: format!("blob {digest}"),
            url: reference.to_string(),
        })?;
    match output {
        Some(path) => {
            registry
                .download_blob(&reference.repository, &digest, size, &path)
                .await?;
            Ok(())
        }
        None => {
            // On stdout the bytes are already gone when a mismatch shows at the end; the
            // error and the exit status still say so.
            let mut stream = registry
                .fetch_blob(&reference.repository, &digest, size)
                .await?;
            let mut out = std::io::stdout().lock();
            while let Some(chunk) = stream.next_chunk().await? {
                out.write_all(&chunk).map_err(stdout_error)?;
            }
            out.flush().map_err(stdout_error)
        }
    }
}
