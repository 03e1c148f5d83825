//! The Stowage desktop app: a Tauri shell over the `stowage` core. Commands are thin; what they
//! call lives in the core, or in `sources`, `grants` and `state` for what only the app needs.

pub mod bindings;
pub mod commands;
pub mod dialogs;
pub mod dto;
pub mod grants;
pub mod layouts;
pub mod pending;
pub mod progress;
pub mod sboms;
pub mod sources;
pub mod state;

use stowage::auth::Credentials;
use stowage::config::Dirs;
use tauri::{Builder, Manager, Runtime, WebviewEvent, WindowEvent};

use crate::state::AppState;

/// The app's plugins, commands and state on any runtime (the real one, or the test mock).
pub fn app<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        // Files dropped on the window are granted here, in Rust, in the same turn of the main loop
        // that tells the webview: a command it sends about the drop comes after the grant, and its
        // paths are accepted because the OS named them, not the webview.
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(drop) = event {
                window.state::<AppState>().grants.on_drag_drop(drop);
            }
        })
        .on_webview_event(|webview, event| {
            if let WebviewEvent::DragDrop(drop) = event {
                webview.state::<AppState>().grants.on_drag_drop(drop);
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::sources::sources,
            commands::sources::add_registry,
            commands::sources::open_reference,
            commands::sources::open_layout,
            commands::sources::pick_layout,
            commands::sources::close_layout,
            commands::image::image_config,
            commands::helm::helm_chart,
            commands::files::image_files,
            commands::files::layer_file,
            commands::files::save_layer_file,
            commands::sources::sign_out,
            commands::sources::remove_registry,
            commands::browse::repositories,
            commands::browse::tags,
            commands::browse::tag_summaries,
            commands::browse::content,
            commands::graph::load_graph,
            commands::graph::cancel,
            commands::export::export_graph,
            commands::transfer::pull,
            commands::transfer::confirm_pull,
            commands::transfer::discard_pull,
            commands::transfer::copy,
            commands::manage::add_tag,
            commands::manage::delete_preview,
            commands::manage::delete,
            commands::push::inspect_paths,
            commands::push::prepare_push,
            commands::push::push,
            commands::push::discard_push,
            commands::pick::pick_files,
            commands::pick::pick_folders,
            commands::pick::pick_ca_file,
            commands::pick::pick_trusted_root,
            commands::sbom::sbom_documents,
            commands::sbom::sbom_rows,
            commands::signature::signature_details,
            commands::trust::trust_settings,
            commands::trust::trust_key,
            commands::trust::trust_identity,
            commands::trust::trust_root,
            commands::trust::untrust,
            commands::trust::trust_notation,
            commands::pick::pick_notation_trust,
            commands::sbom::sbom_package,
            commands::sbom::open_sbom_file,
            commands::sbom::open_sbom_path,
            commands::sbom::save_sbom,
            commands::sbom::export_sbom_csv,
        ])
}

/// Starts the desktop app: logging, the state from Stowage's folders and credentials, and the
/// window's saved size and place. Exits with a message when the state cannot be set up.
pub fn run() {
    // The CLI's log set-up: STOWAGE_LOG, and every line redacted (URLs, credentials).
    stowage::log::init("warn");
    let state = Dirs::from_env().and_then(|dirs| AppState::new(dirs, Credentials::from_env()));
    let state = match state {
        Ok(state) => state,
        Err(e) => {
            eprintln!("stowage-app: {e}");
            std::process::exit(1);
        }
    };
    // Under Stowage's own config folder (STOWAGE_CONFIG_DIR in tests), not Tauri's: the plugin
    // joins this absolute path onto its folder, which leaves the absolute path as it is.
    let window_file = state.dirs.config.join("window-state.json");
    let window_state = tauri_plugin_window_state::Builder::default()
        .with_filename(window_file.to_string_lossy())
        .build();
    let builder = tauri::Builder::default().plugin(window_state);
    if let Err(e) = app(builder, state).run(tauri::generate_context!()) {
        eprintln!("stowage-app: {e}");
        std::process::exit(1);
    }
}
