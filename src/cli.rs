//! Command-line surface (clap derive) and the shared context commands get their
//! database and pipeline from. Each subcommand lives in `cmd/<name>.rs`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use rusqlite::Connection;

use crate::extract::Pipeline;
use crate::gazetteer::Gazetteer;
use crate::lexicon::Lexicon;

#[derive(Debug, Parser)]
#[command(
    name = "claimtrack",
    version,
    about = "Sourced claims from news articles, conflicts flagged, reconciliation tables out"
)]
#[command(
    after_help = "Exit codes: 0 ok; 1 partial (some inputs skipped, each named on stderr) or, for audit, a failed check; 2 error."
)]
pub struct Cli {
    /// SQLite database (created with schema.sql on first use).
    #[arg(long, global = true, env = "CLAIMTRACK_DB", default_value = "claimtrack.db")]
    pub db: PathBuf,
    /// Folder with fr.toml / en.toml / actors.toml extending the built-in lexicons.
    #[arg(long, global = true, env = "CLAIMTRACK_LEXICON")]
    pub lexicon: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest articles, then print the reconciliation table of every conflict they take part in.
    Check(crate::cmd::ingest::CheckArgs),
    /// Ingest articles (files, folders, or - for stdin) and print a summary.
    Ingest(crate::cmd::ingest::IngestArgs),
    /// List stored claims.
    Claims(crate::cmd::claims::ClaimsArgs),
    /// List conflicts, one row each.
    Conflicts(crate::cmd::conflicts::ConflictsArgs),
    /// Print one conflict's reconciliation table.
    Conflict(crate::cmd::conflicts::ConflictArgs),
    /// Look up, add or import places.
    #[command(subcommand)]
    Gazetteer(crate::cmd::gazetteer::GazetteerCommand),
    /// Record a verdict on conflicts (kept in an append-only history).
    Review(crate::cmd::review::ReviewArgs),
    /// Rate a single claim.
    Rate(crate::cmd::review::RateArgs),
    /// Reopen a reviewed conflict.
    Reopen(crate::cmd::review::ReopenArgs),
    /// Every step of a conflict: flagged, claims attached, reviews, reopenings.
    History(crate::cmd::review::HistoryArgs),
    /// Conflicts flagged, reviewed and dismissed as false alarms, by kind: the tool's precision.
    Stats(crate::cmd::review::StatsArgs),
    /// Checks for scripts: exit 0 when all hold, 1 when any fails, 2 on error.
    Audit(crate::cmd::audit::AuditArgs),
    /// Export ClaimReview JSON-LD or CSV tables.
    #[command(subcommand)]
    Export(crate::cmd::export::ExportCommand),
    /// Desk report: headline figures, open conflicts, verdicts, source scorecard, timelines.
    Report(crate::cmd::report::ReportArgs),
    /// The source scorecard alone: per claimant and outlet, claims, conflicts, upheld, refuted.
    Sources(crate::cmd::report::SourcesArgs),
}

/// An error for the user: what went wrong, naming the input. Exit code 2.
#[derive(Debug)]
pub struct Fatal(pub String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
}

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Ok,
    /// Some inputs were skipped (each named on stderr).
    Partial,
}

/// Where commands get their database and pipeline.
pub struct Ctx {
    pub db: PathBuf,
    pub lexicon_dir: Option<PathBuf>,
}

impl Ctx {
    pub fn lexicon(&self) -> Result<Lexicon, Fatal> {
        Ok(Lexicon::load(self.lexicon_dir.as_deref())?)
    }

    /// Opens the database, creating or migrating it.
    pub fn open(&self) -> Result<Connection, Fatal> {
        let lexicon = self.lexicon()?;
        Ok(crate::db::open(&self.db, &lexicon)?)
    }

    /// Opens the database and builds the pipeline with its gazetteer (user additions included).
    pub fn open_with_pipeline(&self) -> Result<(Connection, Pipeline), Fatal> {
        let lexicon = self.lexicon()?;
        let conn = crate::db::open(&self.db, &lexicon)?;
        let places = crate::db::load_places(&conn).map_err(|e| Fatal(format!("{}: {e}", self.db.display())))?;
        let pipeline = Pipeline::new(lexicon, Gazetteer::new(places))?;
        Ok((conn, pipeline))
    }
}

pub fn run(cli: Cli) -> Result<Done, Fatal> {
    let ctx = Ctx { db: cli.db, lexicon_dir: cli.lexicon };
    match cli.command {
        Command::Check(a) => crate::cmd::ingest::check(&ctx, a),
        Command::Ingest(a) => crate::cmd::ingest::ingest(&ctx, a),
        Command::Claims(a) => crate::cmd::claims::run(&ctx, a),
        Command::Conflicts(a) => crate::cmd::conflicts::list(&ctx, a),
        Command::Conflict(a) => crate::cmd::conflicts::show(&ctx, a),
        Command::Gazetteer(c) => crate::cmd::gazetteer::run(&ctx, c),
        Command::Review(a) => crate::cmd::review::review(&ctx, a),
        Command::Rate(a) => crate::cmd::review::rate(&ctx, a),
        Command::Reopen(a) => crate::cmd::review::reopen(&ctx, a),
        Command::History(a) => crate::cmd::review::history(&ctx, a),
        Command::Stats(a) => crate::cmd::review::stats(&ctx, a),
        Command::Audit(a) => crate::cmd::audit::run(&ctx, a),
        Command::Export(c) => crate::cmd::export::run(&ctx, c),
        Command::Report(a) => crate::cmd::report::report(&ctx, a),
        Command::Sources(a) => crate::cmd::report::sources(&ctx, a),
    }
}
