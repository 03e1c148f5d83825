//! The `stowage-app` binary: opens the Stowage window.
// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    stowage_app::run()
}
