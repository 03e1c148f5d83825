# The README's two commands: `make run` and `make test`. Each sets up what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export STOWAGE_TEST_PYTHON := $(CURDIR)/target/pyenv/bin/python

.PHONY: run test setup lint unit bench

setup:
	@scripts/setup

run: setup
	cargo build --release
	./target/release/stowage --help

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

test: setup lint
	scripts/with-keyring cargo test --all-targets

bench: setup
	bench/run
