//! One module per subcommand, each owning its arguments and a `run`-style function.

pub mod audit;
pub mod claims;
pub mod conflicts;
pub mod export;
pub mod gazetteer;
pub mod ingest;
pub mod report;
pub mod report_render;
pub mod review;

use std::io::Write;

/// Standard output, locked and buffered.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// Writes a whole file at once through a temporary file and a rename: a reader never sees
/// half a report.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), crate::cli::Fatal> {
    let tmp = path.with_extension("tmp-claimtrack");
    std::fs::write(&tmp, bytes).map_err(|e| crate::cli::Fatal(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| crate::cli::Fatal(format!("{}: {e}", path.display())))
}

/// Flushes, mapping the error for the user.
pub fn finish(mut w: impl Write) -> std::io::Result<()> {
    w.flush()
}
