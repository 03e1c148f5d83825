# The README's two commands: `make run` and `make test`. Each sets up what is missing first.
SHELL := /bin/bash
export PATH := $(CURDIR)/target/node/bin:$(HOME)/.cargo/bin:$(PATH)
export STOWAGE_TEST_PYTHON := $(CURDIR)/target/pyenv/bin/python
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

APP_FEATURES := --features stowage-app/custom-protocol

.PHONY: run test setup lint ui app app-debug unit ui-test e2e bench fuzz fuzz-ci

setup:
	@scripts/setup

ui:
	cd ui && npm run build

# The app with the UI inside it (no dev server).
app: ui
	cargo build --release -p stowage-app $(APP_FEATURES)

app-debug: ui
	cargo build -p stowage-app $(APP_FEATURES)

run: setup app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run: no display (DISPLAY/WAYLAND_DISPLAY unset); the app was built at target/release/stowage-app"; exit 1; fi
	./target/release/stowage-app

# The shell embeds ui/dist at compile time, so anything compiling it needs the UI built first.
lint: ui
	cargo fmt --all --check
	scripts/import-circles src && scripts/import-circles src-tauri/src
	for f in bench/run bench/sbom bench/ab bench/lib.sh bench/parts/*.sh; do bash -n "$$f" || exit 1; done
	cargo clippy --workspace --all-targets -- -D warnings
	# The app's end-to-end tests and benchmarks build only with the e2e feature.
	cargo clippy --all-targets --features e2e -- -D warnings
	cd ui && npm run check && npm run lint

unit: ui
	scripts/with-keyring cargo test --workspace --all-targets
	python3 -m unittest bench/report_test.py

ui-test:
	cd ui && npm test && npm run test:screens

# The tests drive a copy of the app: any plain `cargo build` or `cargo test --workspace` rebuilds
# target/debug/stowage-app without the UI inside, and one may run while the tests do.
e2e: setup app-debug
	mkdir -p target/e2e && cp target/debug/stowage-app target/e2e/stowage-app
	STOWAGE_APP_BIN=$(CURDIR)/target/e2e/stowage-app scripts/with-keyring scripts/with-display \
	  cargo test --features e2e --test e2e -- --test-threads=1

# Every fuzz target for FUZZ_SECONDS each (fuzz/README.md), printing executions and exec/s.
FUZZ_SECONDS ?= 300
fuzz: setup
	fuzz/run $(FUZZ_SECONDS)

# A short run of every target, part of `make test`: a parser regression fails CI.
FUZZ_CI_SECONDS ?= 20
fuzz-ci: setup
	fuzz/run $(FUZZ_CI_SECONDS)

test: setup lint unit fuzz-ci ui-test e2e

bench: setup
	bench/run
