# shellcheck shell=bash
# Parts "app" and "sbom-view": the release app (with its UI inside) under Xvfb, driven over
# WebDriver by a Rust example that writes its own rows.
#   app: `cargo run --release --features e2e --example app_bench` (bench/app/main.rs): the
#     1,794-node graph's layout, first render and panning frame times, `tags:open` for 10,000
#     tags, start to an interactive window, memory; the same UI with mocked IPC in Chromium
#     beside it (bench/app/chromium.mjs). Each round starts the app afresh.
#   sbom-view: bench/make-sboms' SBOMs in the Local store, opened by `--example app_sbom`
#     (bench/app_sbom.rs): selection of the SBOM node to its table painted, a keystroke in the
#     filter to the table repainted.

# run_app_example NAME [ENV=VALUE...]: the example under a private keyring and display, in a
# process group of its own (the display, tauri-driver, the app, a registry, Chromium), so an
# interrupted run stops them all.
run_app_example() {
  local example=$1
  shift
  # A private copy of the app: another `cargo build` in the tree may replace target/release's.
  cp "${CARGO_TARGET_DIR:-$root_dir/target}/release/stowage-app" "$work/stowage-app"
  mkdir -p "$work/$example"
  say "$part: STOWAGE_APP_BIN=$work/stowage-app $* scripts/with-keyring scripts/with-display cargo run --release --features e2e --example $example"
  # Services the keyring's D-Bus session starts print on stdout, hence rows through BENCH_ROWS;
  # their chatter on stderr is dropped too.
  env TMPDIR="$work/$example" STOWAGE_APP_BIN="$work/stowage-app" BENCH_ROWS="$rows" "$@" \
    setsid scripts/with-keyring scripts/with-display \
    cargo run --release --quiet --features e2e --example "$example" >/dev/null \
    2> >(grep -v -e 'dbus-daemon' -e 'portal' -e 'pw.conf' -e '^$' -e 'SpiRegistry' -e 'max threads' >&2) &
  app_pid=$!
  wait "$app_pid"
  app_pid=""
}

bench_app() {
  run_app_example app_bench
  local driver
  driver=$(cargo install --list 2>/dev/null | awk '/^tauri-driver / {print $2}' | tr -d ':')
  note "versions: WebKitGTK $(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?'), tauri-driver ${driver:-?}, the app built with \`cargo build --release -p stowage-app --features stowage-app/custom-protocol\` (LTO thin)"
  note "display: Xvfb 1280x800x24, no GPU (WEBKIT_DISABLE_DMABUF_RENDERER=1: software rendering), the app window 1280x800; Chromium's viewport 1280x800"
}

bench_sbom_view() {
  "$bench_dir/make-sboms" "$work/sboms"
  title "The SBOM view in the app"
  run_app_example app_sbom BENCH_SBOMS="$work/sboms"
  note "$rounds rounds, each a fresh app process; selection via the graph's select (the click's handler), the measures are the UI's sbom:open and sbom:filter (key \"e\")"
}
