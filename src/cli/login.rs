//! `login` and `logout`: the prompts, over the core's `sign_in` and `sign_out`.

use std::io::BufRead;

use clap::Args;
use stowage::auth::Secret;
use stowage::ops::sign_in::{sign_in, sign_out, SignIn};
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
    let signed_in = sign_in(
        &ctx.settings,
        ctx.client.credentials(),
        SignIn {
            host: args.registry,
            username: Some(username),
            secret: Some(Secret::new(password)),
            registry: ctx.settings.registry(&name),
        },
    )
    .await?;
    signed_in.settings.save(&ctx.dirs.settings_file())?;
    let username = signed_in.username.unwrap_or_default();
    println!(
        "Logged in to {} as {username}; the credentials are in the OS keyring.",
        signed_in.registry
    );
    Ok(())
}

pub async fn logout(ctx: &Context, registry: &str) -> Result<()> {
    let out = sign_out(&ctx.settings, ctx.client.credentials(), registry).await?;
    out.settings.save(&ctx.dirs.settings_file())?;
    let name = out.registry;
    if out.removed {
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
