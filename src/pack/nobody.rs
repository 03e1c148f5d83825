//! Tests of what a user cannot read, run where they run: as root in CI.

/// Runs `f` on a thread whose file accesses are checked as user and group 65534 (nobody).
///
/// The tests run as root in CI, and root reads anything: CAP_DAC_OVERRIDE ignores permission
/// bits (so `chmod 000` proves nothing) and CAP_DAC_READ_SEARCH ignores a folder's missing
/// `x`. Changing the file-system user ID from 0 drops both from the thread's effective set
/// (capabilities(7)), and setfsuid changes only the calling thread (glibc does not relay it to
/// the others, unlike setuid), so the rest of the test process stays root. Not root, the calls
/// fail, change nothing, and the permission bits apply to us anyway.
#[allow(unsafe_code)] // Two system calls the standard library does not wrap.
pub(super) fn as_nobody<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    extern "C" {
        fn setfsuid(uid: u32) -> i32;
        fn setfsgid(gid: u32) -> i32;
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            // SAFETY: plain system calls on this thread's credentials, which the thread then
            // keeps until it ends; no memory is involved.
            unsafe {
                setfsgid(65534);
                setfsuid(65534);
            }
            f()
        })
        .join()
        .expect("the thread ran")
    })
}
