//! The files of an image or a layer as the files view shows them.

use serde::{Deserialize, Serialize};
use stowage::image::files;
use stowage::manifest::Descriptor;
use ts_rs::TS;

/// The files view of one image: each layer's listing, and the filesystem they make together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImageFiles {
    /// The image manifest whose layers these are.
    pub manifest: String,
    /// The manifest's layers, bottom (0) first, as `FileRow::layer` counts them.
    pub layers: Vec<FilesLayer>,
    /// The merged filesystem, by path.
    pub entries: Vec<FileRow>,
    /// Paths a layer deleted, and which layer did.
    pub deleted: Vec<DeletedPath>,
}

/// One layer of the image, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FilesLayer {
    /// The layer's blob digest, `sha256:…`, as the manifest names it.
    pub digest: String,
    /// The blob's size in bytes as the manifest gives it (compressed, as stored).
    #[ts(type = "number")]
    pub size: u64,
    /// Bytes of the uncompressed tar stream.
    #[ts(type = "number")]
    pub uncompressed_size: u64,
    /// `gzip`, `zstd` or `none`, as the blob's first bytes said (not its media type).
    pub compression: String,
    /// How many tar entries the layer lists, whiteouts included.
    pub entries: u32,
    /// Entries not listed, each with why (a name climbing out of the root, say).
    pub refused: Vec<String>,
}

/// One path of the merged filesystem, as a container sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileRow {
    /// The path relative to the image's root, without a leading `/`.
    pub path: String,
    /// file, dir, symlink, hardlink, char-device, block-device, fifo.
    pub kind: String,
    /// The file's size in bytes; 0 for everything but regular files.
    #[ts(type = "number")]
    pub size: u64,
    /// The permission bits from the tar header, setuid, setgid and sticky included.
    pub mode: u32,
    /// The owner's numeric user id.
    #[ts(type = "number")]
    pub uid: u64,
    /// The owner's numeric group id.
    #[ts(type = "number")]
    pub gid: u64,
    /// The modification time, in seconds since the Unix epoch (0 when the header has none).
    #[ts(type = "number")]
    pub mtime: u64,
    /// A symlink's target as written, or a hard link's path; `None` for other kinds.
    pub link: Option<String>,
    /// The layer (from 0) whose entry this is.
    pub layer: u32,
    /// What each layer did to this path: added, changed, deleted.
    pub changes: Vec<FileChange>,
}

/// What one layer did to a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileChange {
    /// The layer's index in the image, bottom (0) first.
    pub layer: u32,
    /// `added`, `changed` or `deleted`.
    pub kind: String,
}

/// A path some layer deleted and no later layer put back, so the image no longer has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeletedPath {
    /// The path deleted, relative to the image's root.
    pub path: String,
    /// The last layer (from 0) that deleted it.
    pub layer: u32,
}

/// The start of one file: as text when it is UTF-8, else as a hex dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FilePreview {
    /// The first bytes as text; `None` when they are not UTF-8 or hold a NUL byte.
    pub text: Option<String>,
    /// The first bytes as a `hexdump -C` dump; `None` when `text` holds them.
    pub hex: Option<String>,
    /// The whole file's size in bytes, which can be more than the preview shows.
    #[ts(type = "number")]
    pub size: u64,
    /// The file goes on past the bytes shown.
    pub truncated: bool,
}

fn kind_name(k: files::EntryKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn change(c: &files::Change) -> FileChange {
    FileChange {
        layer: c.layer as u32,
        kind: match c.kind {
            files::ChangeKind::Added => "added",
            files::ChangeKind::Changed => "changed",
            files::ChangeKind::Deleted => "deleted",
        }
        .into(),
    }
}

impl ImageFiles {
    /// `layers` are the manifest's descriptors, in the listings' order.
    pub fn new(manifest: String, layers: &[Descriptor], f: files::ImageFiles) -> ImageFiles {
        ImageFiles {
            manifest,
            layers: f
                .layers
                .iter()
                .zip(layers)
                .map(|(l, d)| FilesLayer {
                    digest: l.digest.to_string(),
                    size: d.size,
                    uncompressed_size: l.uncompressed_size,
                    compression: l.compression.clone(),
                    entries: l.entries.len() as u32,
                    refused: l
                        .refused
                        .iter()
                        .map(|r| format!("{:?}: {}", r.name, r.reason))
                        .collect(),
                })
                .collect(),
            entries: f
                .tree
                .entries
                .values()
                .filter(|m| !m.entry.path.is_empty())
                .map(|m| FileRow {
                    path: m.entry.path.clone(),
                    kind: kind_name(m.entry.kind),
                    size: m.entry.size,
                    mode: m.entry.mode,
                    uid: m.entry.uid,
                    gid: m.entry.gid,
                    mtime: m.entry.mtime,
                    link: m.entry.link.clone(),
                    layer: m.layer as u32,
                    changes: m.changes.iter().map(change).collect(),
                })
                .collect(),
            deleted: f
                .tree
                .deleted
                .iter()
                .map(|(path, changes)| DeletedPath {
                    path: path.clone(),
                    layer: changes.last().map_or(0, |c| c.layer as u32),
                })
                .collect(),
        }
    }
}

impl From<files::FilePreview> for FilePreview {
    fn from(p: files::FilePreview) -> Self {
        let text = std::str::from_utf8(&p.bytes)
            .ok()
            .filter(|t| !t.contains('\0'))
            .map(str::to_string);
        FilePreview {
            hex: text.is_none().then(|| hex_dump(&p.bytes)),
            text,
            size: p.size,
            truncated: p.truncated,
        }
    }
}

/// `hexdump -C`'s layout: offset, sixteen bytes in hex, the printable ones.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let shown: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!(
            "{:08x}  {:<47}  |{shown}|\n",
            row * 16,
            hex.join(" ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binaries_are_shown_as_a_hex_dump_and_text_as_text() {
        let bin = FilePreview::from(files::FilePreview {
            bytes: b"\x7fELF\x02\x01\x01\0abcdefghijklmnop".to_vec(),
            size: 100,
            truncated: true,
        });
        assert_eq!(bin.text, None);
        let hex = bin.hex.unwrap();
        assert!(
            hex.starts_with(
                "00000000  7f 45 4c 46 02 01 01 00 61 62 63 64 65 66 67 68  |.ELF....abcdefgh|\n"
            ),
            "{hex}"
        );
        assert!(hex.contains("00000010  69 6a"), "{hex}");
        let text = FilePreview::from(files::FilePreview {
            bytes: b"hello\n".to_vec(),
            size: 6,
            truncated: false,
        });
        assert_eq!(text.text.as_deref(), Some("hello\n"));
        assert_eq!(text.hex, None);
    }
}
