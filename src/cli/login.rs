//! `login` and `logout`: credentials checked against the registry, kept in the OS keyring.

use std::io::BufRead;

use clap::Args;
use stowage::auth::{Credential, Secret};
use stowage::reference::normalize_registry;
use stowage::{Error, Result};

use super::Context;

#[derive(Args)]
pub struct LoginArgs {
    pub registry: String,
    #[arg(short, long)]
    username: Option<String>,
    /// Read the password (or token) from standard input instead of a prompt.
    #[arg(long)]
    password_stdin: bool,
}

pub async fn login(ctx: &Context, args: LoginArgs) -> Result<()> {
    let name = normalize_registry(&args.registry);
    let username = match args.username {
        Some(u) => u,
        None if args.password_stdin => {
            return Err(Error::Invalid("--password-stdin needs --username".into()))
        }
        None => prompt_line("Username: ")?,
    };
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::io("<stdin>", e))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        rpassword::prompt_password("Password: ").map_err(|e| Error::io("<terminal>", e))?
    };
    if username.is_empty() || password.is_empty() {
        return Err(Error::Invalid(
            "username and password must not be empty".into(),
        ));
    }
    let credential = Credential::Basic {
        username: username.clone(),
        password: Secret::new(password),
    };
    ctx.client
        .connect(&name, Some(credential.clone()))?
        .check_credentials()
        .await?;
    let credentials = ctx.client.credentials();
    credentials.store(&name, &credential)?;
    let mut settings = ctx.settings.clone();
    settings
        .registries
        .entry(name.clone())
        .or_default()
        .username = Some(username.clone());
    settings.save(&ctx.dirs.settings_file())?;
    println!("Logged in to {name} as {username}; the credentials are in the OS keyring.");
    Ok(())
}

pub async fn logout(ctx: &Context, registry: &str) -> Result<()> {
    let name = normalize_registry(registry);
    let removed = ctx.client.credentials().erase(&name)?;
    let mut settings = ctx.settings.clone();
    if let Some(entry) = settings.registries.get_mut(&name) {
        entry.username = None;
        settings.save(&ctx.dirs.settings_file())?;
    }
    if removed {
        println!("Removed the credentials for {name} from the OS keyring.");
    } else {
        println!("Stowage had no credentials stored for {name}.");
    }
    // Credentials docker stored stay docker's; say so rather than leave the user guessing.
    if let Some((_, source)) = ctx.client.lookup_credential(&name).await? {
        println!("Credentials for {name} are still available from {source}.");
    }
    Ok(())
}

fn prompt_line(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("<stdin>", e))?;
    Ok(line.trim().to_string())
}
