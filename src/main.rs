//! The `stowage` command: a thin layer over the core library, for scripts, CI and benchmarks.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: stowage::allocator::Allocator = stowage::allocator::Allocator;

fn main() -> ExitCode {
    stowage::allocator::give_back_freed_memory();
    let args = cli::Cli::parse();
    let filter = match args.verbose {
        0 => "warn",
        1 => "stowage=debug",
        _ => "debug",
    };
    stowage::log::init(filter);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("stowage: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("stowage: {e}");
            ExitCode::FAILURE
        }
    }
}
