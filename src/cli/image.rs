//! `config` and `ls`: what an image runs and how it was built, and the files in its layers.

use std::fmt::Write as _;

use clap::Args;
use stowage::image::files::{self, EntryIndex, EntryKind, FileLimits, LayerEntry};
use stowage::image::{self, ImageDescription};
use stowage::location::Location;
use stowage::manifest::Descriptor;
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
            serde_json::to_string_pretty(&described).map_err(|e| Error::Internal(e.to_string()))?
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

#[derive(Args)]
pub struct LsArgs {
    /// The image, index or artifact: REFERENCE or oci:PATH[:TAG|@DIGEST].
    pub reference: String,
    /// One layer as its archive holds it (whiteouts shown), by position from 1 or by digest,
    /// instead of the merged filesystem.
    #[arg(long)]
    layer: Option<String>,
    /// The platform to read from an index, os/arch[/variant] [default: this machine's].
    #[arg(long)]
    platform: Option<String>,
    /// Also list what layers deleted.
    #[arg(long)]
    deleted: bool,
    /// Read the layers again rather than from the entry index.
    #[arg(long)]
    no_cache: bool,
    #[arg(short, long, value_enum, default_value = "text")]
    output: Output,
}

pub async fn ls(ctx: &Context, args: LsArgs) -> Result<()> {
    let location: Location = args.reference.parse()?;
    let selector = location.selector().unwrap_or_else(|| "latest".into());
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    let resolved = image::resolve(&store, &selector, args.platform.as_deref()).await?;
    let layers = &resolved.manifest.layers;
    let index = (!args.no_cache).then(|| EntryIndex::new(files::index_dir(&ctx.dirs.cache)));
    let limits = FileLimits::default();
    if let Some(wanted) = &args.layer {
        let layer = pick_layer(layers, wanted)?;
        let listing = files::list_layer(&store, layer, &limits, index.as_ref()).await?;
        return match args.output {
            Output::Json => json(&listing),
            Output::Text => {
                let mut out = String::new();
                for e in &listing.entries {
                    let _ = writeln!(out, "{}", line(e, None));
                }
                for r in &listing.refused {
                    let _ = writeln!(out, "refused {:?}: {}", r.name, r.reason);
                }
                print!("{out}");
                Ok(())
            }
        };
    }
    let image_files = files::image_files(&store, layers, &limits, index.as_ref()).await?;
    match args.output {
        Output::Json => json(&image_files),
        Output::Text => {
            let mut out = String::new();
            for m in image_files.tree.entries.values() {
                let _ = writeln!(out, "{}", line(&m.entry, Some(m.layer)));
            }
            if args.deleted {
                for (path, changes) in &image_files.tree.deleted {
                    let by = changes.last().map_or(0, |c| c.layer) + 1;
                    let _ = writeln!(out, "deleted {path}  [layer {by}]");
                }
            }
            for (n, l) in image_files.layers.iter().enumerate() {
                for r in &l.refused {
                    let _ = writeln!(
                        out,
                        "refused in layer {}: {:?}: {}",
                        n + 1,
                        r.name,
                        r.reason
                    );
                }
            }
            print!("{out}");
            Ok(())
        }
    }
}

fn pick_layer<'a>(layers: &'a [Descriptor], wanted: &str) -> Result<&'a Descriptor> {
    let found = match wanted.parse::<usize>() {
        Ok(n) if n >= 1 => layers.get(n - 1),
        Ok(_) => None,
        Err(_) => layers.iter().find(|l| l.digest.to_string() == wanted),
    };
    found.ok_or_else(|| {
        Error::Invalid(format!(
            "no layer {wanted}: the image has {} (give 1 to {} or a layer digest)",
            layers.len(),
            layers.len()
        ))
    })
}

fn json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// One entry as `tar tv` shows it, with the layer it comes from.
fn line(e: &LayerEntry, layer: Option<usize>) -> String {
    let kind = match e.kind {
        EntryKind::File => '-',
        EntryKind::Dir | EntryKind::OpaqueDir => 'd',
        EntryKind::Symlink => 'l',
        EntryKind::Hardlink => 'h',
        EntryKind::CharDevice => 'c',
        EntryKind::BlockDevice => 'b',
        EntryKind::Fifo => 'p',
        EntryKind::Whiteout => 'w',
    };
    let mut text = format!(
        "{kind}{} {:>5}/{:<5} {:>10} {}",
        permissions(e.mode),
        e.uid,
        e.gid,
        e.size,
        if e.path.is_empty() { "." } else { &e.path }
    );
    match (e.kind, &e.link) {
        (EntryKind::Symlink, Some(l)) => text.push_str(&format!(" -> {l}")),
        (EntryKind::Hardlink, Some(l)) => text.push_str(&format!(" link to {l}")),
        (EntryKind::Whiteout, _) => text.push_str("  (deleted here)"),
        (EntryKind::OpaqueDir, _) => text.push_str("  (hides the layers below)"),
        _ => {}
    }
    if let Some(n) = layer {
        text.push_str(&format!("  [layer {}]", n + 1));
    }
    text
}

fn permissions(mode: u32) -> String {
    let bit = |m: u32, c: char| if mode & m != 0 { c } else { '-' };
    [
        bit(0o400, 'r'),
        bit(0o200, 'w'),
        bit(0o100, 'x'),
        bit(0o040, 'r'),
        bit(0o020, 'w'),
        bit(0o010, 'x'),
        bit(0o004, 'r'),
        bit(0o002, 'w'),
        bit(0o001, 'x'),
    ]
    .iter()
    .collect()
}
