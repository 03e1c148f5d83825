//! The memory allocator of Stowage's binaries (the `stowage` command and the app).
//!
//! mimalloc reads a large SBOM about a fifth faster than glibc's allocator: fewer page faults
//! on the buffers of a few hundred MB a read takes, cheaper small strings for a model of
//! 100,000 packages (docs/benchmarks.md, section 10). Left to itself it keeps memory freed on a
//! thread that then goes idle, as a finished read's thread does: the app would hold every large
//! SBOM's read buffer. [`give_back_freed_memory`] makes it return freed memory at once.

pub use mimalloc::MiMalloc as Allocator;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h, v2 and v3): how long freed memory is kept
/// before it goes back to the system. The sys crate names no constant for it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets mimalloc to give freed memory back to the system at once, on whichever thread frees
/// it. Called first thing in `main`, before any thread is started. The app lives long and would
/// otherwise hold every large SBOM's buffers. The CLI's downloads free their buffers on other
/// threads than they were taken on: with mimalloc's default delay a 1 GiB `stowage blob` peaked
/// at 64-67 MiB (its target is under 64) and a pull at 64 MiB, against 49-52 MiB at once, for
/// 10-25 % less wall time (faults of fresh pages after each purge); measured with `bench/ab`,
/// docs/benchmarks.md "Re-run for issue 14". The memory target wins; pooled buffers would give
/// both.
#[allow(unsafe_code)] // A call into mimalloc's C API, which has no safe wrapper for options.
pub fn give_back_freed_memory() {
    // SAFETY: mi_option_set only stores a number in mimalloc's option table; it has no
    // precondition on memory or threads.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_purge_delay_set_is_the_one_read_back() {
        give_back_freed_memory();
        // SAFETY: as above, a read of the option table.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(delay, 0);
    }
}
