//! Turning files into layers: the checks a path passes first, media types sniffed from content, and folders packed and unpacked as reproducible tar+gzip.
//!
//! `stowage push` makes one layer per file (title annotation = file name) and one layer per
//! folder: a tar+gzip whose entries all sit under a top-level folder named like the folder, as
//! oras does, so `oras pull` and `stowage pull` unpack each other's folders.
//!
//! A folder is packed into a file the caller provides (a temporary file, typically) and uploaded
//! from there, rather than streamed: the registry checks the blob digest given on the final PUT,
//! the manifest needs digest and size, and a spooled blob can be re-sent when an upload is retried.
//! [`pack_dir`] hashes the blob while writing it, so the spool file is never read twice.
//!
//! Whether a path may be pushed at all is [`check_path`]'s call, for `push` and for the app's
//! push sheet ([`inspect_paths`]) alike.

mod archive;
mod check;
mod sniff;
mod unpack;
mod ustar;

pub use archive::{pack_dir, pack_dir_watched, PackedDir};
pub(crate) use check::duplicate_title;
pub use check::{check_path, inspect_paths, CheckedPath, PathInfo, Rules, MAX_DEPTH, MAX_ENTRIES};
pub use sniff::{artifact_type_for, parse_file_arg, sniff};
pub use unpack::{unpack, unpack_within, UnpackLimits, UnpackedDir};

/// The file name of a layer, used by `pull` to name what it writes.
pub const TITLE_ANNOTATION: &str = "org.opencontainers.image.title";
/// oras' marker on a folder layer: `"true"` asks the puller to unpack the tarball.
pub const ORAS_UNPACK: &str = "io.deis.oras.content.unpack";
/// oras' digest of a folder layer's uncompressed tar, checked after unpacking.
pub const ORAS_DIGEST: &str = "io.deis.oras.content.digest";
/// The media type of a packed folder layer.
pub const TAR_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

#[cfg(test)]
mod archive_tests;
#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod nobody;
#[cfg(test)]
mod props;
#[cfg(test)]
mod sniff_tests;
