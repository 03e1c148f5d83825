//! `tag`: more tags for a manifest or index, in the same repository or layout.

use clap::Args;
use stowage::location::Location;
use stowage::reference::validate_tag;
use stowage::store::Store;
use stowage::{Error, Result};

use super::Context;

#[derive(Args)]
pub struct TagArgs {
    /// What to tag: REFERENCE or oci:PATH[:TAG|@DIGEST].
    pub source: String,
    /// The new tags (a tag that exists is moved).
    #[arg(required = true)]
    tags: Vec<String>,
}

pub async fn tag(ctx: &Context, args: TagArgs) -> Result<()> {
    let location: Location = args.source.parse()?;
    let selector = location
        .selector()
        .ok_or_else(|| Error::Invalid(format!("{location}: name what to tag by tag or digest")))?;
    // Every tag checked before the first is written: all or none.
    for t in &args.tags {
        validate_tag(t).map_err(|e| Error::Invalid(format!("tag {t:?}: {e}")))?;
    }
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    let manifest = store.fetch_manifest(&selector).await?;
    for t in &args.tags {
        store.tag(&manifest, t).await?;
        println!("{}:{t}@{}", store.name(), manifest.digest);
    }
    Ok(())
}
