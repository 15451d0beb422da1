//! `claimtrack ingest` and `claimtrack check`: read articles, extract, store one article
//! per transaction, detect conflicts; `check` then prints the reconciliation tables of
//! every conflict the given articles take part in.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use crate::article::Lang;
use crate::cli::{Ctx, Done, Fatal};
use crate::detect::DetectConfig;
use crate::query::{self, ConflictFilter};
use crate::reader::{collect_inputs, read_input, ReadOptions};
use crate::render::{self, Format};
use crate::store::{store_article, ActorIds, Stored};

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders (searched recursively for .txt .md .json .ndjson .jsonl .html .htm), or - for stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Outlet of articles that do not name one.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Publication date (YYYY-MM-DD), overriding what the articles say.
    #[arg(long, value_parser = parse_date)]
    pub published: Option<NaiveDate>,
    /// Language (fr or en), overriding detection.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Time window for conflicts, in hours: events further apart are a later development.
    #[arg(long, default_value_t = crate::detect::DEFAULT_WINDOW_HOURS)]
    pub window: i64,
    /// No summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub ingest: IngestArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    s.parse::<NaiveDate>().map_err(|e| format!("'{s}' is not a date YYYY-MM-DD ({e})"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unsupported language '{s}' (fr, en)"))
}

/// What one ingest run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub new: usize,
    pub already: usize,
    pub skipped: usize,
    pub statements: usize,
    pub claims: usize,
    pub conflicts_created: usize,
    pub claims_attached: usize,
    pub corroborations: usize,
    /// Every article the inputs hold, new or already stored.
    pub article_ids: Vec<i64>,
    pub bytes: usize,
    pub seconds: f64,
}

/// Reads, extracts and stores every input. Skipped inputs are named on stderr.
pub fn run_ingest(ctx: &Ctx, a: &IngestArgs) -> Result<Summary, Fatal> {
    if a.window <= 0 {
        return Err(Fatal(format!("--window must be a positive number of hours, not {}", a.window)));
    }
    // Paths first: a path that does not exist stops everything before anything is written.
    let inputs = collect_inputs(&a.paths)?;
    let (mut conn, pipeline) = ctx.open_with_pipeline()?;
    let actors = ActorIds::sync(&conn, &pipeline).map_err(|e| Fatal(format!("{}: {e}", ctx.db.display())))?;
    let opts = ReadOptions { outlet: a.outlet.clone(), published: a.published, lang: a.lang };
    let cfg = DetectConfig { window_hours: a.window };
    let started = std::time::Instant::now();
    let mut s = Summary::default();
    let stderr = std::io::stderr();
    for input in &inputs {
        for item in read_input(input, &opts) {
            let article = match item {
                Ok(article) => article,
                Err(skip) => {
                    s.skipped += 1;
                    let _ = writeln!(stderr.lock(), "claimtrack: skipped {skip}");
                    continue;
                }
            };
            s.bytes += article.body.len();
            let extraction = pipeline.extract(&article);
            let stored = store_article(&mut conn, &pipeline, &actors, &article, &extraction, &cfg)
                .map_err(|e| Fatal(format!("{}: storing {}: {e}", ctx.db.display(), article.source)))?;
            match stored {
                Stored::New { article_id, statements, claims, detect } => {
                    s.new += 1;
                    s.statements += statements;
                    s.claims += claims;
                    s.conflicts_created += detect.conflicts_created;
                    s.claims_attached += detect.claims_attached;
                    s.corroborations += detect.corroborations;
                    s.article_ids.push(article_id);
                }
                Stored::Already { article_id } => {
                    s.already += 1;
                    s.article_ids.push(article_id);
                }
            }
        }
    }
    s.seconds = started.elapsed().as_secs_f64();
    if !a.quiet {
        let _ = writeln!(
            stderr.lock(),
            "articles: {} new, {} already stored, {} skipped; statements: {}; claims: {}; conflicts: {} flagged, {} claims attached to existing ones; corroborations: {}\nthroughput: {} articles, {:.2} MB in {:.2} s",
            s.new,
            s.already,
            s.skipped,
            s.statements,
            s.claims,
            s.conflicts_created,
            s.claims_attached,
            s.corroborations,
            s.new + s.already,
            s.bytes as f64 / 1e6,
            s.seconds
        );
    }
    Ok(s)
}

fn done(s: &Summary) -> Done {
    if s.skipped > 0 {
        Done::Partial
    } else {
        Done::Ok
    }
}

pub fn ingest(ctx: &Ctx, a: IngestArgs) -> Result<Done, Fatal> {
    let s = run_ingest(ctx, &a)?;
    Ok(done(&s))
}

pub fn check(ctx: &Ctx, a: CheckArgs) -> Result<Done, Fatal> {
    let s = run_ingest(ctx, &a.ingest)?;
    let conn = ctx.open()?;
    let mut list = Vec::new();
    if !s.article_ids.is_empty() {
        let filter = ConflictFilter { articles: s.article_ids.clone(), ..Default::default() };
        list = query::conflicts(&conn, &filter)?;
    }
    let mut out = crate::cmd::stdout();
    render::reconciliations(&list, a.format, &mut out)?;
    crate::cmd::finish(out)?;
    Ok(done(&s))
}
