//! The `paperkg` binary: parse arguments, run, print the error chain, exit 0/1/2.

/// Extraction and normalization make many small, short-lived strings per paper; mimalloc
/// serves them markedly faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
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
