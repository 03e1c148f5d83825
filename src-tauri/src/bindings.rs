//! The IPC contract. `ui/src/ipc/bindings.ts` is generated from the types in `dto`: a test fails
//! when the checked-in file differs from what the types say (`STOWAGE_WRITE_BINDINGS=1 cargo
//! test -p stowage-app bindings` rewrites it). Command names and arguments are checked: the
//! commands of `commands/`, the handler list, `build.rs`, the capability and the UI's calls in
//! `ui/src/ipc/index.ts` must name the same commands, with the arguments the commands take.

use ts_rs::TS;

use stowage::ErrorCode;

use crate::dto::*;

/// Every IPC type, in the order they appear in the file.
pub fn typescript() -> String {
    let decls = [
        SourceKind::decl(),
        SourceOrigin::decl(),
        Source::decl(),
        AddRegistry::decl(),
        OpenedReference::decl(),
        KeyValue::decl(),
        ImageLayer::decl(),
        BuildStep::decl(),
        ImageSummary::decl(),
        ChartDependency::decl(),
        HelmChart::decl(),
        FilesLayer::decl(),
        FileChange::decl(),
        FileRow::decl(),
        DeletedPath::decl(),
        ImageFiles::decl(),
        FilePreview::decl(),
        CatalogState::decl(),
        Repositories::decl(),
        TagSummary::decl(),
        NodeKind::decl(),
        GraphNode::decl(),
        EdgeKind::decl(),
        Via::decl(),
        GraphEdge::decl(),
        GraphData::decl(),
        GraphEvent::decl(),
        Content::decl(),
        ExportFormat::decl(),
        ErrorCode::decl(),
        AppError::decl(),
        BlobState::decl(),
        BlobProgress::decl(),
        TransferProgress::decl(),
        Pulled::decl(),
        PullConfirmation::decl(),
        PullAnswer::decl(),
        CopyTarget::decl(),
        Copied::decl(),
        DeleteEntry::decl(),
        PathEntry::decl(),
        InspectedPaths::decl(),
        PushFile::decl(),
        PushSpec::decl(),
        BlobAction::decl(),
        PlannedBlob::decl(),
        PushPreview::decl(),
        PushResult::decl(),
        SbomHeader::decl(),
        SbomSummary::decl(),
        SbomDocuments::decl(),
        SbomRows::decl(),
        SbomHash::decl(),
        SbomExternalRef::decl(),
        SbomPackage::decl(),
        DependencyNode::decl(),
        SbomPackageDetails::decl(),
        SignatureStatus::decl(),
        SignatureDetails::decl(),
        Signer::decl(),
        ProvenanceCard::decl(),
        VulnCard::decl(),
        TrustView::decl(),
        TrustedKey::decl(),
        TrustedIdentity::decl(),
        TrustedRootView::decl(),
        TrustEntry::decl(),
        NotationView::decl(),
        NotationPick::decl(),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/dto.rs by `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`. Do not edit.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    fn read(relative: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The quoted strings of `text` between `start` and the next `end`.
    fn quoted_between(text: &str, start: &str, end: &str) -> Vec<String> {
        let from = text.find(start).expect(start) + start.len();
        let part = &text[from..from + text[from..].find(end).expect(end)];
        part.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    /// Splits at the commas that are not inside `<>`, `()`, `{}` or `[]`.
    fn split_top(text: &str) -> Vec<String> {
        let (mut items, mut depth, mut item) = (Vec::new(), 0i32, String::new());
        for ch in text.chars() {
            match ch {
                '<' | '(' | '{' | '[' => depth += 1,
                '>' | ')' | '}' | ']' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(std::mem::take(&mut item));
                    continue;
                }
                _ => {}
            }
            item.push(ch);
        }
        items.push(item);
        items
            .into_iter()
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .collect()
    }

    fn camel_case(snake: &str) -> String {
        let mut parts = snake.split('_');
        let first = parts.next().unwrap_or_default().to_string();
        parts.fold(first, |mut out, p| {
            let mut chars = p.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
            out
        })
    }

    /// Every `#[tauri::command]` of `commands/`: its name and the arguments the webview passes
    /// (camelCase, as Tauri reads them), without what Tauri injects (state, app, window).
    fn commands() -> BTreeMap<String, BTreeSet<String>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
        let mut found = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            // `#[tauri::command]` or `#[tauri::command(async)]`.
            for part in text.split("#[tauri::command").skip(1) {
                let after = &part[part.find("fn ").unwrap() + 3..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let open = after.find('(').unwrap();
                let (mut depth, mut close) = (0, open);
                for (i, ch) in after[open..].char_indices() {
                    depth += match ch {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    if depth == 0 {
                        close = open + i;
                        break;
                    }
                }
                let args = split_top(&after[open + 1..close])
                    .into_iter()
                    .filter_map(|param| {
                        let (arg, ty) = param.split_once(':')?;
                        let injected = ["State<", "AppHandle<", "Window<", "WebviewWindow<"];
                        (!injected.iter().any(|t| ty.trim().starts_with(t)))
                            .then(|| camel_case(arg.trim().trim_start_matches("mut ")))
                    })
                    .collect();
                found.insert(name, args);
            }
        }
        found
    }

    /// The UI's calls: command name, the argument names it passes, and whether it also spreads
    /// an object (`...request`), whose keys only its TypeScript type knows.
    fn ui_calls() -> Vec<(String, BTreeSet<String>, bool)> {
        let text = read("../ui/src/ipc/index.ts");
        let mut calls = Vec::new();
        for part in text.split("call<").skip(1) {
            let Some(open) = part.find("(\"") else {
                continue;
            };
            let rest = &part[open + 2..];
            let name = rest[..rest.find('"').unwrap()].to_string();
            let after = &rest[name.len() + 1..];
            let (mut keys, mut spread) = (BTreeSet::new(), false);
            if let Some(body) = after.trim_start().strip_prefix(", {") {
                let body = &body[..body.find("})").unwrap()];
                for item in split_top(body) {
                    if item.starts_with("...") {
                        spread = true;
                    } else {
                        keys.insert(item.split(':').next().unwrap().trim().to_string());
                    }
                }
            }
            calls.push((name, keys, spread));
        }
        calls
    }

    #[test]
    fn commands_agree_across_the_shell_the_capability_and_the_ui() {
        let commands = commands();
        let defined: BTreeSet<String> = commands.keys().cloned().collect();
        let declared: BTreeSet<String> = quoted_between(&read("build.rs"), "COMMANDS", "];")
            .into_iter()
            .collect();
        assert_eq!(
            declared, defined,
            "build.rs's COMMANDS and the commands of commands/"
        );
        let lib = read("src/lib.rs");
        let handled: BTreeSet<String> = lib[lib.find("generate_handler![").unwrap()..]
            .split("])")
            .next()
            .unwrap()
            .split(',')
            .filter_map(|path| path.trim().rsplit("::").next())
            .filter(|name| !name.is_empty() && !name.contains('['))
            .map(str::to_string)
            .collect();
        assert_eq!(handled, defined, "lib.rs's generate_handler! and commands/");
        let allowed: BTreeSet<String> = read("capabilities/main.json")
            .split('"')
            .filter_map(|s| s.strip_prefix("allow-"))
            .map(|s| s.replace('-', "_"))
            .collect();
        assert_eq!(allowed, defined, "capabilities/main.json and commands/");

        let calls = ui_calls();
        let called: BTreeSet<String> = calls.iter().map(|(n, _, _)| n.clone()).collect();
        assert_eq!(
            called, defined,
            "ui/src/ipc/index.ts calls every command, and only those"
        );
        for (name, keys, spread) in calls {
            let takes = &commands[&name];
            if spread {
                assert!(
                    keys.is_subset(takes),
                    "{name}: passes {keys:?}, takes {takes:?}"
                );
            } else {
                assert_eq!(&keys, takes, "{name}: the arguments the UI passes");
            }
        }
    }

    #[test]
    fn bindings_ts_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        let generated = super::typescript();
        if std::env::var_os("STOWAGE_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "{} is stale: run `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`",
            path.display()
        );
    }
}
