//! `verify-blob`: a Sigstore bundle over a local file, checked offline as `verify` checks an
//! artifact's signatures. Exit 0 when it verifies, 1 when not, 2 when it could not be checked.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use stowage::signature::{self, Verdict};
use stowage::{Error, Result};

use super::trust::TrustArgs;
use super::verify::error_exit;

/// Bundles are kilobytes; a bigger file is not one.
const MAX_BUNDLE_BYTES: u64 = signature::MAX_SIGNATURE_BYTES as u64;

#[derive(Args)]
pub struct VerifyBlobArgs {
    /// The file the bundle signs.
    pub file: PathBuf,
    /// The Sigstore bundle (`cosign sign-blob --bundle`, `*.sigstore.json`).
    #[arg(long, value_name = "BUNDLE")]
    bundle: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
}

pub fn verify_blob(args: VerifyBlobArgs) -> ExitCode {
    match check(&args) {
        Ok(Verdict::Verified { by, .. }) => {
            println!("verified  {}  by {by}", args.file.display());
            ExitCode::SUCCESS
        }
        Ok(Verdict::Failed { reason }) => {
            println!("failed  {}  {reason}", args.file.display());
            ExitCode::FAILURE
        }
        Ok(Verdict::NotChecked { reason }) => {
            println!("not checked  {}  {reason}", args.file.display());
            ExitCode::FAILURE
        }
        Err(e) => error_exit(&e),
    }
}

fn check(args: &VerifyBlobArgs) -> Result<Verdict> {
    let trust = args.trust.trust()?;
    let size = std::fs::metadata(&args.bundle)
        .map_err(|e| Error::io(&args.bundle, e))?
        .len();
    if size > MAX_BUNDLE_BYTES {
        return Err(Error::Invalid(format!(
            "{}: {size} bytes is too large for a Sigstore bundle",
            args.bundle.display()
        )));
    }
    let bundle = std::fs::read(&args.bundle).map_err(|e| Error::io(&args.bundle, e))?;
    let file = std::fs::read(&args.file).map_err(|e| Error::io(&args.file, e))?;
    signature::verify_blob(&file, &bundle, &trust)
        .map_err(|e| Error::Invalid(format!("{}: {e}", args.bundle.display())))
}
