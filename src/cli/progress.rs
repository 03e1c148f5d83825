//! Progress on the terminal: one line on stderr, redrawn a few times a second, only on a TTY.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use stowage::transfer::{watch, BlobState, Snapshot, Transfer};

pub const INTERVAL: Duration = Duration::from_millis(200);

/// Runs `work` with a progress line when stderr is a terminal.
pub async fn with_progress<T>(
    transfer: &Transfer,
    work: impl std::future::Future<Output = T>,
) -> T {
    if !std::io::stderr().is_terminal() {
        return work.await;
    }
    let out = watch(transfer, INTERVAL, draw, work).await;
    eprint!("\r\x1b[2K");
    out
}

fn draw(s: &Snapshot) {
    let finished = s
        .blobs
        .iter()
        .filter(|b| matches!(b.state, BlobState::Done(_)))
        .count();
    let mut line = format!(
        "{finished}/{} blobs  {} / {}",
        s.blobs.len(),
        human_bytes(s.done),
        human_bytes(s.total)
    );
    if s.rate > 0.0 {
        line.push_str(&format!("  {}/s", human_bytes(s.rate as u64)));
    }
    if let Some(eta) = s.eta_secs {
        line.push_str(&format!("  {eta:.0}s left"));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{line}");
    let _ = err.flush();
}

pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
