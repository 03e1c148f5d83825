//! `config`: what an image runs and how it was built, from its config and layers.

use std::fmt::Write as _;

use clap::Args;
use stowage::image::{self, ImageDescription};
use stowage::location::Location;
use stowage::store::Store;
use stowage::{Error, Result};

use super::progress::human_bytes;
use super::write::Output;
use super::Context;

#[derive(Args)]
pub struct ConfigArgs {
    /// The image or index: REFERENCE or oci:PATH[:TAG|@DIGEST].
    pub reference: String,
    /// The platform to read from an index, os/arch[/variant] [default: this machine's].
    #[arg(long)]
    platform: Option<String>,
    #[arg(short, long, value_enum, default_value = "text")]
    output: Output,
}

pub async fn config(ctx: &Context, args: ConfigArgs) -> Result<()> {
    let location: Location = args.reference.parse()?;
    let selector = location.selector().unwrap_or_else(|| "latest".into());
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    let described = image::describe(&store, &selector, args.platform.as_deref()).await?;
    match args.output {
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(&described).map_err(|e| Error::Invalid(e.to_string()))?
        ),
        Output::Text => print!("{}", text(&location.to_string(), &described)),
    }
    Ok(())
}

fn text(name: &str, d: &ImageDescription) -> String {
    let c = &d.config;
    let mut out = String::new();
    let platform = c.platform().unwrap_or_else(|| "platform not stated".into());
    let _ = writeln!(out, "{name} ({platform}) {}", d.manifest);
    if d.platforms.len() > 1 {
        let _ = writeln!(out, "  from an index of: {}", d.platforms.join(", "));
    }
    let mut field = |label: &str, value: String| {
        let _ = writeln!(out, "{label:<12}{value}");
    };
    let none = || "(none)".to_string();
    field("Created", c.created.clone().unwrap_or_else(none));
    if let Some(a) = &c.author {
        field("Author", a.clone());
    }
    field(
        "Entrypoint",
        shell_words(&c.entrypoint).unwrap_or_else(none),
    );
    field("Cmd", shell_words(&c.cmd).unwrap_or_else(none));
    field("User", c.user.clone().unwrap_or_else(|| "(root)".into()));
    field(
        "WorkingDir",
        c.working_dir.clone().unwrap_or_else(|| "/".into()),
    );
    for (i, e) in c.env.iter().enumerate() {
        let label = if i == 0 { "Env" } else { "" };
        field(label, format!("{}={}", e.name, e.value));
    }
    if !c.exposed_ports.is_empty() {
        field("Ports", c.exposed_ports.join(", "));
    }
    if !c.volumes.is_empty() {
        field("Volumes", c.volumes.join(", "));
    }
    for (i, (k, v)) in c.labels.iter().enumerate() {
        let label = if i == 0 { "Labels" } else { "" };
        field(label, format!("{k}={v}"));
    }
    if let Some(s) = &c.stop_signal {
        field("StopSignal", s.clone());
    }
    let _ = writeln!(
        out,
        "Layers      {} ({} compressed)",
        d.layers.len(),
        human_bytes(d.compressed_size)
    );
    let _ = writeln!(out, "History");
    for (i, s) in d.steps.iter().enumerate() {
        let what = s
            .entry
            .created_by
            .as_deref()
            .unwrap_or("(no command recorded)");
        let made = match s.layer.and_then(|n| d.layers.get(n).map(|l| (n, l))) {
            Some((n, l)) => format!("layer {} · {} · {}", n + 1, human_bytes(l.size), l.digest),
            None if s.entry.empty_layer => "no layer".into(),
            None => "layer not matched".into(),
        };
        let _ = writeln!(out, "  {:>3}. {}  [{made}]", i + 1, one_line(what));
    }
    if !d.history_matches_layers {
        let _ = writeln!(
            out,
            "  (the history's steps do not line up with the {} layers: squashed or hand-made)",
            d.layers.len()
        );
    }
    out
}

/// Arguments joined as a shell would read them back; None when there are none.
fn shell_words(words: &[String]) -> Option<String> {
    if words.is_empty() {
        return None;
    }
    let quoted: Vec<String> = words
        .iter()
        .map(|w| {
            let plain = !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
            if plain {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect();
    Some(quoted.join(" "))
}

/// Build steps run to many lines (RUN with `\`); a listing wants one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
