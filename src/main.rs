fn main() {
    std::process::exit(match paperkg::cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("paperkg: error: {e:#}");
            2
        }
    })
}
