//! The `claimtrack` binary: parse, run, map the outcome to an exit code.
//! Exit codes: 0 ok; 1 partial (some inputs skipped); 2 error. A broken pipe exits 0.

use clap::Parser;

fn main() {
    let cli = match claimtrack::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match claimtrack::cli::run(cli) {
        Ok(claimtrack::cli::Done::Ok) => 0,
        Ok(claimtrack::cli::Done::Partial) => 1,
        Err(e) if e.0.contains("Broken pipe") => 0,
        Err(e) => {
            eprintln!("claimtrack: {}", e.0);
            2
        }
    };
    std::process::exit(code);
}
