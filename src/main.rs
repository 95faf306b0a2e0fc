//! The `paperkg` binary: parse arguments, run, print the error chain, exit 0/1/2.

/// Extraction and normalization make many small, short-lived strings per paper; mimalloc
/// serves them markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long mimalloc keeps freed memory before returning it to the OS, in milliseconds,
/// unless `MIMALLOC_PURGE_DELAY` says otherwise. Its default (10 ms) returns the big
/// buffers of one stage just before the next stage asks for as much again, and the kernel
/// then clears every page anew (see BENCHMARKS.md). A second keeps them from stage to
/// stage and still returns them.
const PURGE_DELAY_MS: std::ffi::c_long = 1000;

fn main() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // mimalloc's option 15 is `mi_option_purge_delay` (v2 and v3 headers); setting an
        // option is safe at any time, it is read when memory is freed.
        // SAFETY: a plain C call with no pointers; the option index is in range.
        unsafe { libmimalloc_sys::mi_option_set(15, PURGE_DELAY_MS) };
    }
    let code = match paperkg::cli::run() {
        Ok(code) => code,
        Err(e) if paperkg::cli::is_broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("paperkg: error: {e:#}");
            2
        }
    };
    std::process::exit(code);
}
