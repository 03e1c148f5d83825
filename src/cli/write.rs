//! `push`, `attach`, `pull`, `cp` and `rm`: writing artifacts, with progress and Ctrl-C.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;
use stowage::location::Location;
use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::delete;
use stowage::ops::pull::{self, PullOptions};
use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest};
use stowage::pack::UnpackLimits;
use stowage::registry::UploadOptions;
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;
use stowage::{Error, Result};

use super::progress::with_progress;
use super::Context;

#[derive(Clone, Copy, Default, ValueEnum)]
pub enum Output {
    #[default]
    Text,
    Json,
}

/// How blobs travel, for the commands that upload.
#[derive(Args)]
pub struct TransferArgs {
    /// Blobs uploaded at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Upload files of at least this many MiB in chunks that resume after a dropped
    /// connection [default: 2048].
    #[arg(long, value_name = "MIB")]
    chunk_threshold: Option<u64>,
    /// MiB per chunk, raised to the registry's OCI-Chunk-Min-Length [default: 64].
    #[arg(long, value_name = "MIB")]
    chunk_size: Option<u64>,
}

impl TransferArgs {
    /// The core's defaults, with what the user set.
    fn upload(&self) -> UploadOptions {
        const MIB: u64 = 1024 * 1024;
        let defaults = UploadOptions::default();
        UploadOptions {
            chunk_size: self
                .chunk_size
                .map_or(defaults.chunk_size, |m| m.max(1) * MIB),
            chunk_threshold: self
                .chunk_threshold
                .map_or(defaults.chunk_threshold, |m| m.saturating_mul(MIB)),
        }
    }
}

#[derive(Args)]
pub struct PushArgs {
    /// Where to push: REGISTRY/REPOSITORY[:TAG] or oci:PATH[:TAG].
    pub target: String,
    /// Files and folders, each optionally FILE:MEDIA/TYPE.
    #[arg(required = true)]
    files: Vec<String>,
    #[arg(long)]
    artifact_type: Option<String>,
    /// KEY=VALUE, repeatable.
    #[arg(long = "annotation", short = 'a', value_parser = parse_annotation)]
    annotations: Vec<(String, String)>,
    /// More tags for the same artifact, repeatable.
    #[arg(long = "tag", short = 't')]
    tags: Vec<String>,
    /// Leave out org.opencontainers.image.created, so the same files give the same digest.
    #[arg(long)]
    no_created: bool,
    /// Send nothing: print the exact manifest and what each blob would need (upload, mount, skip).
    #[arg(long)]
    dry_run: bool,
    #[arg(short, long, value_enum, default_value = "text")]
    output: Output,
    #[command(flatten)]
    transfer: TransferArgs,
}

#[derive(Args)]
pub struct AttachArgs {
    /// The manifest or index to attach to: REFERENCE or oci:PATH[:TAG|@DIGEST].
    pub subject: String,
    #[arg(required = true)]
    files: Vec<String>,
    #[arg(long, required = true)]
    artifact_type: String,
    #[arg(long = "annotation", short = 'a', value_parser = parse_annotation)]
    annotations: Vec<(String, String)>,
    #[arg(long)]
    no_created: bool,
    /// Send nothing: print the exact manifest and what each blob would need (upload, mount, skip).
    #[arg(long)]
    dry_run: bool,
    #[arg(short, long, value_enum, default_value = "text")]
    output: Output,
    #[command(flatten)]
    transfer: TransferArgs,
}

#[derive(Args)]
pub struct PullArgs {
    pub source: String,
    #[arg(short = 'o', long = "output-dir", default_value = ".")]
    dir: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    output: Output,
    /// Refuse to replace files that exist (by default they are replaced, all or none).
    #[arg(long)]
    keep_old_files: bool,
    /// MiB a folder layer may expand to when unpacked [default: 8192].
    #[arg(long, value_name = "MIB")]
    max_unpack_size: Option<u64>,
    /// Files, folders and links a folder layer may hold [default: 1000000].
    #[arg(long, value_name = "N")]
    max_unpack_entries: Option<u64>,
}

impl PullArgs {
    /// The core's defaults, with what the user set.
    fn options(&self) -> PullOptions {
        let defaults = PullOptions::default();
        PullOptions {
            replace: !self.keep_old_files,
            unpack: UnpackLimits {
                max_bytes: self
                    .max_unpack_size
                    .map_or(defaults.unpack.max_bytes, |m| m.saturating_mul(1024 * 1024)),
                max_entries: self
                    .max_unpack_entries
                    .unwrap_or(defaults.unpack.max_entries),
            },
        }
    }
}

#[derive(Args)]
pub struct CopyArgs {
    pub source: String,
    pub target: String,
    /// Also copy referrers (signatures, SBOMs, …), recursively.
    #[arg(short, long)]
    recursive: bool,
    #[arg(short, long, value_enum, default_value = "text")]
    output: Output,
    #[command(flatten)]
    transfer: TransferArgs,
}

#[derive(Args)]
pub struct RemoveArgs {
    pub target: String,
    /// Also delete every referrer below it.
    #[arg(long)]
    cascade: bool,
    /// Only show what would be deleted.
    #[arg(long)]
    dry_run: bool,
    #[arg(short, long, value_enum, default_value = "text")]
    output: Output,
}

fn parse_annotation(s: &str) -> std::result::Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("{s:?}: annotations are KEY=VALUE"))
}

fn file_specs(files: &[String]) -> Vec<FileSpec> {
    files
        .iter()
        .map(|f| {
            let (path, media_type) = stowage::pack::parse_file_arg(f);
            FileSpec { path, media_type }
        })
        .collect()
}

/// Ctrl-C cancels the operation, which then cleans up after itself.
fn cancel_on_ctrl_c() -> Cancel {
    let cancel = Cancel::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            c.cancel();
        }
    });
    cancel
}

fn print<T: Serialize>(output: Output, value: &T, text: impl FnOnce() -> String) -> Result<()> {
    match output {
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?
        ),
        Output::Text => println!("{}", text()),
    }
    Ok(())
}

fn push_options(ctx: &Context, transfer: &TransferArgs) -> PushOptions {
    PushOptions {
        scratch: ctx.dirs.cache.clone(),
        concurrency: transfer.concurrency,
        upload: transfer.upload(),
    }
}

pub async fn push(ctx: &Context, args: PushArgs) -> Result<()> {
    let location: Location = args.target.parse()?;
    if location.digest().is_some() {
        return Err(Error::Invalid(
            "push to a tag or a repository, not a digest".into(),
        ));
    }
    // A dry run creates nothing, not even the layout it would push to.
    let store = Store::open(&ctx.client, &location, !args.dry_run, &ctx.dirs.cache).await?;
    let mut tags: Vec<String> = location.tag().map(str::to_string).into_iter().collect();
    tags.extend(args.tags);
    let request = PushRequest {
        files: file_specs(&args.files),
        artifact_type: args.artifact_type,
        annotations: args.annotations.into_iter().collect::<BTreeMap<_, _>>(),
        tags,
        created: !args.no_created,
        subject: None,
    };
    if args.dry_run {
        return dry_run(ctx, &store, &request, args.output).await;
    }
    run_push(ctx, &store, &request, &args.transfer, args.output).await
}

pub async fn attach(ctx: &Context, args: AttachArgs) -> Result<()> {
    let location: Location = args.subject.parse()?;
    let selector = location
        .selector()
        .ok_or_else(|| Error::Invalid(format!("{location}: name the subject by tag or digest")))?;
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    let subject = store.resolve(&selector).await?;
    let request = PushRequest {
        files: file_specs(&args.files),
        artifact_type: Some(args.artifact_type),
        annotations: args.annotations.into_iter().collect(),
        tags: Vec::new(),
        created: !args.no_created,
        subject: Some(subject),
    };
    if args.dry_run {
        return dry_run(ctx, &store, &request, args.output).await;
    }
    run_push(ctx, &store, &request, &args.transfer, args.output).await
}

/// What a push would send, exactly: every file hashed (or its digest taken from the record of
/// files already hashed), the manifest built as the push builds it, each blob checked at the
/// target. Nothing is written there.
async fn dry_run(
    ctx: &Context,
    store: &Store,
    request: &PushRequest,
    output: Output,
) -> Result<()> {
    std::fs::create_dir_all(&ctx.dirs.cache).map_err(|e| Error::io(&ctx.dirs.cache, e))?;
    let transfer = Transfer::new();
    let cancel = cancel_on_ctrl_c();
    let plan = with_progress(
        &transfer,
        push::prepare(
            request,
            &ctx.dirs.cache,
            store.known_blobs(),
            &transfer,
            &cancel,
        ),
    )
    .await?;
    let preview = push::preview(store, request, &plan).await?;
    let manifest = String::from_utf8_lossy(&preview.manifest).into_owned();
    let json = serde_json::json!({
        "target": store.name(),
        "digest": preview.digest,
        "artifactType": preview.artifact_type,
        "manifest": manifest,
        "blobs": preview.blobs,
    });
    print(output, &json, || {
        let mut lines: Vec<String> = preview
            .blobs
            .iter()
            .map(|b| {
                let action = match (b.action, &b.from) {
                    (push::BlobAction::Mount, Some(from)) => format!("mount from {from}"),
                    (push::BlobAction::Skip, _) => "skip (already there)".into(),
                    _ => "upload".into(),
                };
                format!("{action}\t{}\t{}\t{}", b.digest, b.size, b.title)
            })
            .collect();
        lines.push(format!(
            "manifest {} ({} bytes) to {}:",
            preview.digest,
            preview.manifest.len(),
            store.name()
        ));
        lines.push(manifest.clone());
        lines.join("\n")
    })
}

/// Pushes with a progress line and Ctrl-C, then prints where it went.
async fn run_push(
    ctx: &Context,
    store: &Store,
    request: &PushRequest,
    transfer_args: &TransferArgs,
    output: Output,
) -> Result<()> {
    std::fs::create_dir_all(&ctx.dirs.cache).map_err(|e| Error::io(&ctx.dirs.cache, e))?;
    let transfer = Transfer::new();
    let cancel = cancel_on_ctrl_c();
    let options = push_options(ctx, transfer_args);
    let pushed = with_progress(
        &transfer,
        push::push(store, request, &options, &transfer, &cancel),
    )
    .await?;
    print(output, &pushed, || {
        format!("{}@{}", pushed.target, pushed.digest)
    })
}

pub async fn pull(ctx: &Context, args: PullArgs) -> Result<()> {
    let location: Location = args.source.parse()?;
    let selector = location.selector().unwrap_or_else(|| "latest".to_string());
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    let transfer = Transfer::new();
    let cancel = cancel_on_ctrl_c();
    let pulled = with_progress(
        &transfer,
        pull::pull_with(
            &store,
            &selector,
            &args.dir,
            &args.options(),
            &transfer,
            &cancel,
        ),
    )
    .await?;
    print(args.output, &pulled, || {
        let mut lines: Vec<String> = pulled
            .files
            .iter()
            .map(|f| args.dir.join(f).display().to_string())
            .collect();
        lines.push(pulled.digest.to_string());
        lines.join("\n")
    })
}

pub async fn copy(ctx: &Context, args: CopyArgs) -> Result<()> {
    let from: Location = args.source.parse()?;
    let to: Location = args.target.parse()?;
    let selector = from
        .selector()
        .ok_or_else(|| Error::Invalid(format!("{from}: name what to copy by tag or digest")))?;
    let source = Store::open(&ctx.client, &from, false, &ctx.dirs.cache).await?;
    let target = Store::open(&ctx.client, &to, true, &ctx.dirs.cache).await?;
    let options = CopyOptions {
        recursive: args.recursive,
        concurrency: args.transfer.concurrency,
        upload: args.transfer.upload(),
        ..CopyOptions::default()
    };
    let transfer = Transfer::new();
    let cancel = cancel_on_ctrl_c();
    let copied = with_progress(
        &transfer,
        copy::copy(
            &source,
            &selector,
            &target,
            to.tag(),
            &options,
            &transfer,
            &cancel,
        ),
    )
    .await?;
    print(args.output, &copied, || {
        format!("{}@{}", copied.target, copied.digest)
    })
}

pub async fn remove(ctx: &Context, args: RemoveArgs) -> Result<()> {
    let location: Location = args.target.parse()?;
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    if let (Some(tag), None, false) = (location.tag(), location.digest(), args.cascade) {
        if !args.dry_run {
            delete::untag(&store, tag).await?;
            return print(args.output, &serde_json::json!({"untagged": tag}), || {
                format!("untagged {tag}")
            });
        }
    }
    let selector = location.selector().ok_or_else(|| {
        Error::Invalid(format!(
            "{location}: name what to delete by digest (or tag)"
        ))
    })?;
    let plan = delete::plan(&store, &selector, args.cascade).await?;
    if args.dry_run {
        return print(args.output, &plan, || {
            plan.manifests
                .iter()
                .map(|d| {
                    format!(
                        "would delete {} {}",
                        d.digest,
                        d.artifact_type.as_deref().unwrap_or(&d.media_type)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
    let deleted = delete::execute(&store, &plan).await?;
    print(args.output, &deleted, || {
        deleted
            .iter()
            .map(|d| format!("deleted {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}
