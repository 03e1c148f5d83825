//! Command-line arguments and the shared setup every command needs.

mod browse;
mod graph;
mod image;
mod inspect;
mod login;
mod progress;
mod sbom;
mod tag;
mod trust;
mod verify;
mod verify_blob;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use stowage::auth::Credentials;
use stowage::config::{Dirs, Settings};
use stowage::known_blobs::KnownBlobs;
use stowage::reference::normalize_registry;
use stowage::registry::{Client, Registry};
use stowage::{Reference, Result};

#[derive(Parser)]
#[command(
    name = "stowage",
    version,
    about = "See, push and attach OCI artifacts"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Speak plain HTTP to the registry (loopback registries may do so without this).
    #[arg(long, global = true)]
    insecure: bool,
    /// Trust the CA certificates in this PEM file for the registry.
    #[arg(long, global = true, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// More logging on stderr (-v: stowage's debug lines, -vv: everything).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Subcommand)]
enum Command {
    /// Check credentials against a registry and store them in the OS keyring.
    Login(login::LoginArgs),
    /// Remove Stowage's stored credentials for a registry.
    Logout { registry: String },
    /// List the repositories in a registry's catalog.
    Repos { registry: String },
    /// List the tags of a repository.
    Tags { repository: String },
    /// Print a manifest exactly as the registry serves it.
    Manifest { reference: String },
    /// Download a blob, verified against its digest.
    Blob {
        /// REPOSITORY@DIGEST
        reference: String,
        /// Write to this file (created only once the digest checked out); stdout if absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Show everything that hangs off a reference or layout: index, manifests, config, layers,
    /// referrers.
    Graph(graph::GraphArgs),
    /// Push files and folders as one OCI artifact.
    Push(write::PushArgs),
    /// Attach files to a manifest or index as a referrer (an artifact whose subject it is).
    Attach(write::AttachArgs),
    /// Write an artifact's files to a folder.
    Pull(write::PullArgs),
    /// Copy an artifact between registries and layouts.
    Cp(write::CopyArgs),
    /// What an image runs and how it was built: entrypoint, cmd, env, ports, labels, history
    /// beside the layers.
    Config(image::ConfigArgs),
    /// The files of an image as a container sees them (its layers merged), or of one layer.
    Ls(image::LsArgs),
    /// Give a manifest or index more tags (oras tag, crane tag).
    Tag(tag::TagArgs),
    /// Delete a manifest (by digest), optionally with its referrers; or remove a tag.
    Rm(write::RemoveArgs),
    /// Read every SBOM of an image, index, SBOM, layout or file: packages, versions, licences.
    Sbom(sbom::SbomArgs),
    /// Check every signature and attestation of an image or index against public keys and
    /// keyless identities.
    Verify(verify::VerifyArgs),
    /// Check a Sigstore bundle over a local file.
    VerifyBlob(verify_blob::VerifyBlobArgs),
    /// Every signature and attestation of an image or index, decoded and said in words.
    Inspect(inspect::InspectArgs),
}

/// What a command gets: the user's folders and settings, and a registry client.
pub struct Context {
    dirs: Dirs,
    settings: Settings,
    client: Client,
}

impl Context {
    fn new(cli: &Cli, registries: &[String]) -> Result<Context> {
        let dirs = Dirs::from_env()?;
        let mut settings = Settings::load(&dirs.settings_file())?;
        for name in registries {
            let entry = settings.registries.entry(name.clone()).or_default();
            entry.insecure |= cli.insecure;
            if let Some(ca) = &cli.ca_file {
                entry.ca_file = Some(ca.clone());
            }
        }
        let client = Client::new(settings.clone(), Credentials::from_env())
            .with_known_blobs(KnownBlobs::new(dirs.known_blobs()));
        Ok(Context {
            dirs,
            settings,
            client,
        })
    }

    async fn registry(&self, name: &str) -> Result<Arc<Registry>> {
        self.client.registry(name).await
    }
}

/// Runs the command; its exit status is success unless it says otherwise (`verify` does).
pub async fn run(cli: Cli) -> Result<ExitCode> {
    // A file and its bundle: no registry, no settings.
    if let Command::VerifyBlob(args) = cli.command {
        return Ok(verify_blob::verify_blob(args));
    }
    let registry_of = |r: &str| -> Result<String> { Ok(r.parse::<Reference>()?.registry) };
    let registries = match &cli.command {
        Command::Login(a) => vec![normalize_registry(&a.registry)],
        Command::Logout { registry } | Command::Repos { registry } => {
            vec![normalize_registry(registry)]
        }
        Command::Tags { repository: r }
        | Command::Manifest { reference: r }
        | Command::Blob { reference: r, .. } => {
            vec![registry_of(r)?]
        }
        Command::Graph(a) => registries_in(&[&a.reference])?,
        Command::Push(a) => registries_in(&[&a.target])?,
        Command::Attach(a) => registries_in(&[&a.subject])?,
        Command::Pull(a) => registries_in(&[&a.source])?,
        Command::Cp(a) => registries_in(&[&a.source, &a.target])?,
        Command::Rm(a) => registries_in(&[&a.target])?,
        Command::Tag(a) => registries_in(&[&a.source])?,
        Command::Config(a) => registries_in(&[&a.reference])?,
        Command::Ls(a) => registries_in(&[&a.reference])?,
        Command::Sbom(a) if std::path::Path::new(&a.reference).is_file() => Vec::new(),
        Command::Sbom(a) => registries_in(&[&a.reference])?,
        // A bad reference is verify's to report, with its own exit status (2).
        Command::Verify(a) => registries_in(&[&a.reference]).unwrap_or_default(),
        Command::VerifyBlob(_) => Vec::new(),
        Command::Inspect(a) => registries_in(&[&a.reference])?,
    };
    let ctx = match Context::new(&cli, &registries) {
        Err(e) if matches!(cli.command, Command::Verify(_)) => return Ok(verify::error_exit(&e)),
        ctx => ctx?,
    };
    match cli.command {
        Command::Login(args) => login::login(&ctx, args).await,
        Command::Logout { registry } => login::logout(&ctx, &registry).await,
        Command::Repos { registry } => browse::repos(&ctx, &registry).await,
        Command::Tags { repository } => browse::tags(&ctx, &repository).await,
        Command::Manifest { reference } => browse::manifest(&ctx, &reference).await,
        Command::Blob { reference, output } => browse::blob(&ctx, &reference, output).await,
        Command::Graph(args) => graph::graph(&ctx, args).await,
        Command::Push(args) => write::push(&ctx, args).await,
        Command::Attach(args) => write::attach(&ctx, args).await,
        Command::Pull(args) => write::pull(&ctx, args).await,
        Command::Cp(args) => write::copy(&ctx, args).await,
        Command::Rm(args) => write::remove(&ctx, args).await,
        Command::Tag(args) => tag::tag(&ctx, args).await,
        Command::Config(args) => image::config(&ctx, args).await,
        Command::Ls(args) => image::ls(&ctx, args).await,
        Command::Sbom(args) => sbom::sbom(&ctx, args).await,
        Command::Verify(args) => return Ok(verify::verify(&ctx, args).await),
        Command::VerifyBlob(args) => return Ok(verify_blob::verify_blob(args)),
        Command::Inspect(args) => inspect::inspect(&ctx, args).await,
    }
    .map(|()| ExitCode::SUCCESS)
}

/// The registries among some locations (layouts have none), for per-registry flags.
fn registries_in(locations: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for l in locations {
        if let stowage::location::Location::Remote(r) = l.parse()? {
            out.push(r.registry);
        }
    }
    Ok(out)
}
