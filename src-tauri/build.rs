//! Declares the app's commands so that capabilities can allow each one by name
//! (`allow-<command>`); a command missing from a capability cannot be called.

const COMMANDS: &[&str] = &[
    "sources",
    "add_registry",
    "open_reference",
    "open_layout",
    "pick_layout",
    "close_layout",
    "sign_out",
    "remove_registry",
    "repositories",
    "tags",
    "tag_summaries",
    "content",
    "load_graph",
    "image_config",
    "helm_chart",
    "image_files",
    "layer_file",
    "save_layer_file",
    "cancel",
    "export_graph",
    "pull",
    "confirm_pull",
    "discard_pull",
    "copy",
    "add_tag",
    "delete_preview",
    "delete",
    "inspect_paths",
    "prepare_push",
    "push",
    "discard_push",
    "pick_files",
    "pick_folders",
    "pick_ca_file",
    "sbom_documents",
    "sbom_rows",
    "sbom_package",
    "open_sbom_file",
    "open_sbom_path",
    "save_sbom",
    "export_sbom_csv",
    "signature_details",
    "pick_trusted_root",
    "trust_settings",
    "trust_key",
    "trust_identity",
    "trust_root",
    "untrust",
    "pick_notation_trust",
    "trust_notation",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
