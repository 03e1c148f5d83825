//! Saving an exported graph where the user chooses, through a save dialog opened from Rust.

use super::Answer;
use crate::dialogs;
use crate::dto::{AppError, ExportFormat};
use base64::Engine;
use tauri::{AppHandle, Runtime};

/// Asks where to save, then writes. `data` is base64 for PNG, text otherwise. `None` when the
/// user cancelled the dialog.
#[tauri::command]
pub async fn export_graph<R: Runtime>(
    app: AppHandle<R>,
    format: ExportFormat,
    data: String,
    name: String,
) -> Answer<Option<String>> {
    let bytes = decode(format, data)?;
    let extension = extension(format);
    // A name that already ends in the extension keeps one (`app-1.0.png`, not `app-1.0.png.png`).
    let name = name.strip_suffix(&format!(".{extension}")).unwrap_or(&name);
    let file_name = format!("{}.{extension}", file_stem(name));
    let Some(path) = dialogs::save_file(&app, &file_name, extension).await? else {
        return Ok(None);
    };
    stowage::atomic::write(&path, &bytes)?;
    Ok(Some(path.display().to_string()))
}

fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Png => "png",
        ExportFormat::Svg => "svg",
        ExportFormat::Json => "json",
    }
}

/// The bytes to write: PNG data decoded from base64, SVG and JSON as they are. PNG data that is
/// not base64 is refused (`invalid`).
pub fn decode(format: ExportFormat, data: String) -> Result<Vec<u8>, AppError> {
    match format {
        ExportFormat::Png => base64::engine::general_purpose::STANDARD
            .decode(data.as_bytes())
            .map_err(|e| AppError::invalid(format!("the PNG export is not valid base64: {e}"))),
        ExportFormat::Svg | ExportFormat::Json => Ok(data.into_bytes()),
    }
}

/// A file name from a reference: `ghcr.io/a/b:v1` becomes `ghcr.io_a_b_v1`.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .take(120)
        .collect();
    if stem.trim_matches(['.', '_']).is_empty() {
        "graph".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_become_safe_file_names() {
        assert_eq!(file_stem("ghcr.io/a/b:v1"), "ghcr.io_a_b_v1");
        assert_eq!(file_stem("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(file_stem("//"), "graph");
    }

    #[test]
    fn png_must_be_base64_and_text_is_kept() {
        assert_eq!(decode(ExportFormat::Png, "aGk=".into()).unwrap(), b"hi");
        let bad = decode(ExportFormat::Png, "not base64!".into()).unwrap_err();
        assert_eq!(bad.code, "invalid");
        assert_eq!(
            decode(ExportFormat::Svg, "<svg/>".into()).unwrap(),
            b"<svg/>"
        );
    }
}
