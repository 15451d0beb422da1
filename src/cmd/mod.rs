//! One module per subcommand, each owning its arguments and a `run`-style function.

pub mod claims;
pub mod conflicts;
pub mod gazetteer;
pub mod ingest;

use std::io::Write;

/// Standard output, locked and buffered.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// Flushes, mapping the error for the user.
pub fn finish(mut w: impl Write) -> std::io::Result<()> {
    w.flush()
}
