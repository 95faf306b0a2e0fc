//! The `paperkg` command line: clap definitions and one function per subcommand.

/// Runs the command line; returns the process exit code.
pub fn run() -> anyhow::Result<i32> {
    Ok(0)
}
