//! Command-line arguments and the shared setup every command needs.

mod browse;
mod graph;
mod login;
mod progress;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use stowage::auth::Credentials;
use stowage::config::{Dirs, Settings};
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
    /// Show everything that hangs off a reference: index, manifests, config, layers, referrers.
    Graph(graph::GraphArgs),
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
        let client = Client::new(settings.clone(), Credentials::from_env());
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

pub async fn run(cli: Cli) -> Result<()> {
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
        Command::Graph(a) => vec![registry_of(&a.reference)?],
    };
    let ctx = Context::new(&cli, &registries)?;
    match cli.command {
        Command::Login(args) => login::login(&ctx, args).await,
        Command::Logout { registry } => login::logout(&ctx, &registry).await,
        Command::Repos { registry } => browse::repos(&ctx, &registry).await,
        Command::Tags { repository } => browse::tags(&ctx, &repository).await,
        Command::Manifest { reference } => browse::manifest(&ctx, &reference).await,
        Command::Blob { reference, output } => browse::blob(&ctx, &reference, output).await,
        Command::Graph(args) => graph::graph(&ctx, args).await,
    }
}
