//! `sbom`: every SBOM of a reference, layout or file, as a table for people, JSON or CSV.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use clap::{Args, ValueEnum};
use serde::Serialize;
use stowage::cache::ManifestCache;
use stowage::location::Location;
use stowage::manifest::Platform;
use stowage::sbom::{self, Dependency, Document, FindOptions, Package, SbomRef};
use stowage::store::Store;
use stowage::{Error, Result};

use super::Context;

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
pub struct SbomArgs {
    /// An image, index or SBOM (REPOSITORY:TAG, REPOSITORY@DIGEST, oci:PATH[:TAG]), or an SBOM file.
    pub reference: String,
    /// Only the SBOMs of this platform's manifest: OS/ARCH or OS/ARCH/VARIANT.
    #[arg(long, value_name = "OS/ARCH")]
    platform: Option<String>,
    #[arg(short, long, value_enum, default_value = "table")]
    output: Output,
    /// Only packages whose name, version, purl, licence or supplier contains TEXT (any case).
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
}

/// One SBOM as `--output json` prints it (docs/cli.md).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentOut<'a> {
    /// The SBOM's manifest; null for a file.
    digest: Option<String>,
    /// The blob it was read from.
    layer: Option<String>,
    subject: Option<String>,
    platform: Option<String>,
    wrappers: &'a [&'static str],
    #[serde(flatten)]
    document: DocumentView<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentView<'a> {
    format: sbom::Format,
    spec_version: &'a str,
    encoding: sbom::Encoding,
    name: Option<&'a str>,
    namespace: Option<&'a str>,
    created: Option<&'a str>,
    tools: &'a [String],
    authors: &'a [String],
    files: u64,
    packages: Vec<&'a Package>,
    dependencies: Vec<&'a Dependency>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    documents: Vec<DocumentOut<'a>>,
    errors: &'a [ErrorOut],
}

#[derive(Serialize)]
struct ErrorOut {
    digest: Option<String>,
    layer: Option<String>,
    code: stowage::ErrorCode,
    message: String,
}

pub async fn sbom(ctx: &Context, args: SbomArgs) -> Result<()> {
    let platform = args.platform.as_deref().map(parse_platform).transpose()?;
    let filter = args.filter.as_deref().unwrap_or("").to_lowercase();
    let (found, warnings) = if Path::new(&args.reference).is_file() {
        let read = sbom::read_file(Path::new(&args.reference)).await;
        let at = SbomRef {
            manifest: None,
            layer: None,
            media_type: String::new(),
            subject: None,
            platform: None,
            via: None,
        };
        (vec![sbom::FoundSbom { at, read }], Vec::new())
    } else {
        let location: Location = args.reference.parse()?;
        let selector = location.selector().unwrap_or_else(|| "latest".into());
        let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
        let options = FindOptions {
            platform,
            cache: Some(ManifestCache::new(ctx.dirs.manifest_cache())),
        };
        let found = sbom::find(&store, &selector, &options).await?;
        (found.sboms, found.warnings)
    };
    for w in &warnings {
        eprintln!("stowage: warning: {w}");
    }
    let mut documents = Vec::new();
    let mut errors = Vec::new();
    for f in &found {
        match &f.read {
            Ok(s) => documents.push((&f.at, s)),
            Err(e) => errors.push(ErrorOut {
                digest: f.at.manifest.as_ref().map(ToString::to_string),
                layer: f.at.layer.as_ref().map(ToString::to_string),
                code: e.code(),
                message: e.to_string(),
            }),
        }
    }
    let text = match args.output {
        Output::Json => {
            let documents: Vec<DocumentOut> = documents
                .iter()
                .map(|(at, s)| DocumentOut {
                    digest: at.manifest.as_ref().map(ToString::to_string),
                    layer: at.layer.as_ref().map(ToString::to_string),
                    subject: at.subject.as_ref().map(ToString::to_string),
                    platform: at.platform.as_ref().map(ToString::to_string),
                    wrappers: &s.wrappers,
                    document: view(&s.document, &filter),
                })
                .collect();
            // Typed, not a serde_json::Value: a tree of 100,000 packages would cost a second
            // and the document's size again.
            let out = JsonOut {
                documents,
                errors: &errors,
            };
            serde_json::to_string_pretty(&out).map_err(|e| Error::Internal(e.to_string()))? + "\n"
        }
        Output::Csv => {
            let mut out = String::from(sbom::CSV_HEADER);
            out.push_str("\r\n");
            for (at, s) in &documents {
                let source = at
                    .manifest
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_else(|| args.reference.clone());
                let platform = at.platform.as_ref().map(ToString::to_string);
                sbom::csv_rows(&mut out, &s.document, &filter, &source, platform.as_deref());
            }
            out
        }
        Output::Table => {
            let mut out = String::new();
            for (i, (at, s)) in documents.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                table(&mut out, at, &s.document, &filter);
            }
            out
        }
    };
    if !errors.is_empty() && !matches!(args.output, Output::Json) {
        for e in &errors {
            eprintln!("stowage: {}", e.message);
        }
    }
    if documents.is_empty() && errors.is_empty() {
        eprintln!("stowage: no SBOM found for {}", args.reference);
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("<stdout>", e))?;
    match errors.len() {
        0 => Ok(()),
        n => Err(Error::Invalid(format!(
            "{n} of {} SBOMs could not be read",
            n + documents.len()
        ))),
    }
}

fn view<'a>(d: &'a Document, filter: &str) -> DocumentView<'a> {
    let packages: Vec<&Package> = d.packages.iter().filter(|p| p.matches(filter)).collect();
    let dependencies = if filter.is_empty() {
        d.dependencies.iter().collect()
    } else {
        // Dependencies that touch a package kept, so each kept package shows its edges.
        let kept: std::collections::HashSet<&str> =
            packages.iter().map(|p| p.id.as_str()).collect();
        d.dependencies
            .iter()
            .filter(|e| kept.contains(e.from.as_str()) || kept.contains(e.to.as_str()))
            .collect()
    };
    DocumentView {
        format: d.format,
        spec_version: &d.spec_version,
        encoding: d.encoding,
        name: d.name.as_deref(),
        namespace: d.namespace.as_deref(),
        created: d.created.as_deref(),
        tools: &d.tools,
        authors: &d.authors,
        files: d.files,
        packages,
        dependencies,
    }
}

/// A header naming the document, then name, version, licence and ecosystem, sorted by name.
fn table(out: &mut String, at: &SbomRef, d: &Document, filter: &str) {
    let mut head = format!(
        "{} {} ({})",
        d.format.name(),
        d.spec_version,
        d.encoding.name()
    );
    if let Some(m) = &at.manifest {
        let _ = write!(head, "  {m}");
    }
    if let Some(p) = &at.platform {
        let _ = write!(head, "  {p}");
    }
    let _ = writeln!(out, "{head}");
    if let Some(name) = &d.name {
        let _ = writeln!(out, "  name     {name}");
    }
    if !d.tools.is_empty() {
        let _ = writeln!(out, "  made by  {}", d.tools.join(", "));
    }
    if let Some(created) = &d.created {
        let _ = writeln!(out, "  created  {created}");
    }
    let mut rows: Vec<&Package> = d.packages.iter().filter(|p| p.matches(filter)).collect();
    rows.sort_by_cached_key(|p| {
        (
            p.name.as_deref().unwrap_or("").to_lowercase(),
            p.version.clone(),
        )
    });
    let shown = if filter.is_empty() {
        format!("{} packages", d.packages.len())
    } else {
        format!("{} of {} packages", rows.len(), d.packages.len())
    };
    let files = if d.files == 1 { "file" } else { "files" };
    let _ = writeln!(out, "  {shown}, {} {files} (- is not stated)\n", d.files);
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|p| {
            [
                cell(p.name.as_deref()),
                cell(p.version.as_deref()),
                if p.licenses.is_empty() {
                    "-".into()
                } else {
                    p.licenses.join(" | ")
                },
                cell(p.ecosystem()),
            ]
        })
        .collect();
    let header = ["NAME", "VERSION", "LICENSE", "ECOSYSTEM"];
    let caps = [48, 24, 40, 12];
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
                .min(caps[i])
        })
        .collect();
    let line = |out: &mut String, c: [&str; 4]| {
        let parts: Vec<String> = (0..4)
            .map(|i| format!("{:<w$}", fit(c[i], widths[i]), w = widths[i]))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(out, header);
    for c in &cells {
        line(out, [&c[0], &c[1], &c[2], &c[3]]);
    }
}

fn cell(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

/// Cut to `width` characters, the last one an ellipsis when something was cut.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut cut: String = s.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn parse_platform(text: &str) -> Result<Platform> {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [os, arch] | [os, arch, _] if !os.is_empty() && !arch.is_empty() => Ok(Platform {
            os: os.to_string(),
            architecture: arch.to_string(),
            os_version: None,
            variant: parts.get(2).map(|v| v.to_string()),
        }),
        _ => Err(Error::Invalid(format!(
            "--platform {text}: expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64"
        ))),
    }
}
