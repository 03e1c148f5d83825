//! The `stowage-app` binary: opens the Stowage window.
// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
static ALLOCATOR: stowage::allocator::Allocator = stowage::allocator::Allocator;

fn main() {
    stowage::allocator::give_back_freed_memory();
    stowage_app::run()
}
