//! Every command the shell registers is declared (build.rs) and allowed to the main window
//! (capabilities/main.json), and nothing else is: a command left out is refused at run time
//! ("not allowed"), which no test with mocked IPC can see.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The names in `generate_handler![commands::module::name, …]`.
fn registered() -> BTreeSet<String> {
    let lib = read("src/lib.rs");
    let start = lib
        .find("generate_handler![")
        .expect("generate_handler! in src/lib.rs");
    let end = start
        + lib[start..]
            .find(']')
            .expect("the end of generate_handler!");
    lib[start + "generate_handler![".len()..end]
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// The quoted names of build.rs's COMMANDS.
fn declared() -> BTreeSet<String> {
    let build = read("build.rs");
    let start = build.find("COMMANDS").expect("COMMANDS in build.rs");
    let end = start + build[start..].find("];").expect("the end of COMMANDS");
    build[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The app's own `allow-<command>` permissions of the main window, as command names.
fn allowed() -> BTreeSet<String> {
    let caps: serde_json::Value =
        serde_json::from_str(&read("capabilities/main.json")).expect("capabilities JSON");
    caps["permissions"]
        .as_array()
        .expect("a permissions list")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|name| name.replace('-', "_"))
        .collect()
}

#[test]
fn every_registered_command_is_declared_and_allowed_and_nothing_more() {
    let registered = registered();
    assert!(registered.contains("load_graph"), "{registered:?}");
    assert_eq!(
        declared(),
        registered,
        "build.rs COMMANDS against generate_handler!"
    );
    assert_eq!(
        allowed(),
        registered,
        "capabilities/main.json against generate_handler!"
    );
}
