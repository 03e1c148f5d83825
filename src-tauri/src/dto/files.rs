//! The files of an image or a layer as the files view shows them.

use serde::{Deserialize, Serialize};
use stowage::image::files;
use stowage::manifest::Descriptor;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImageFiles {
    /// The image manifest whose layers these are.
    pub manifest: String,
    pub layers: Vec<FilesLayer>,
    /// The merged filesystem, by path.
    pub entries: Vec<FileRow>,
    /// Paths a layer deleted, and which layer did.
    pub deleted: Vec<DeletedPath>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FilesLayer {
    pub digest: String,
    #[ts(type = "number")]
    pub size: u64,
    #[ts(type = "number")]
    pub uncompressed_size: u64,
    pub compression: String,
    pub entries: u32,
    /// Entries not listed, each with why (a name climbing out of the root, say).
    pub refused: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileRow {
    pub path: String,
    /// file, dir, symlink, hardlink, char-device, block-device, fifo.
    pub kind: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mode: u32,
    #[ts(type = "number")]
    pub uid: u64,
    #[ts(type = "number")]
    pub gid: u64,
    #[ts(type = "number")]
    pub mtime: u64,
    pub link: Option<String>,
    /// The layer (from 0) whose entry this is.
    pub layer: u32,
    /// What each layer did to this path: added, changed, deleted.
    pub changes: Vec<FileChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileChange {
    pub layer: u32,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeletedPath {
    pub path: String,
    pub layer: u32,
}

/// The start of one file: as text when it is UTF-8, else as a hex dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FilePreview {
    pub text: Option<String>,
    pub hex: Option<String>,
    #[ts(type = "number")]
    pub size: u64,
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
