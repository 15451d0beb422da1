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
use std::collections::BTreeMap;
use std::sync::mpsc::sync_channel;

use crate::article::{Article, Skipped};
use crate::detect::Detector;
use crate::extract::Extraction;
use crate::extract::Pipeline;
use crate::store::{rollback, store_article, store_in, ActorIds, Stored, Writes};
use rusqlite::Connection;

/// Articles waiting between reader, extractors and writer: bounds memory, whatever the corpus.
const QUEUE_DEPTH: usize = 64;
/// A batch commits after this many articles or this long, whichever comes first: fewer
/// commits (and WAL checkpoints) than one per article, while other processes wait at most
/// this long for the write lock. A page changed by every batch (the end of an index) is
/// written to the WAL once per commit: 20,000 bench articles wrote 3.2 GB with these
/// bounds, 4.9 GB with 200 articles or 500 ms, and took 2-15% less time (four alternating
/// runs each).
const BATCH_ARTICLES: usize = 1000;
const BATCH_MILLIS: u128 = 2000;

enum Extracted {
    Article(Box<(Article, Extraction)>),
    Skipped(Skipped),
}

/// ... or once the articles of the batch hold this many bytes (they are kept until it commits).
const BATCH_BYTES: usize = 32 << 20;

/// The single writer of an ingest: stores articles in batches, one transaction per batch.
///
/// Each article stays atomic without a savepoint of its own: the articles of the open batch
/// are kept until it commits, and when storing one fails the batch is rolled back and the
/// articles before the failing one are stored again, each in its own transaction. Summary
/// figures count only what was committed.
struct Writer<'a> {
    /// The connection (`writes.conn()`) with the inserts prepared on it.
    writes: Writes<'a>,
    ctx: &'a Ctx,
    pipeline: &'a Pipeline,
    actors: &'a ActorIds,
    detector: Detector,
    pending: Vec<(Article, Extraction, Stored)>,
    pending_bytes: usize,
    started: Option<std::time::Instant>,
    /// Asks the checkpointer thread to copy the WAL into the database after each commit
    /// (None: SQLite's automatic checkpoints, on this thread).
    checkpoints: Option<std::sync::mpsc::SyncSender<()>>,
    /// Batches committed since the WAL last started over (see `Writer::commit`).
    since_wal_reset: usize,
}

/// With a checkpointer thread, once this many batches went into the WAL without it starting
/// over, the writer checkpoints after each commit itself until one copies all of it (see
/// `Writer::commit`). 10,000 bench articles: the WAL file peaked at 128 MB (at `9542db7`);
/// without these checkpoints it grew with the corpus (280 MB at the end).
const WAL_RESET_BATCHES: usize = 4;

impl<'a> Writer<'a> {
    fn fatal(&self, e: impl std::fmt::Display) -> Fatal {
        Fatal(format!("{}: {e}", self.ctx.db.display()))
    }

    fn store(&mut self, article: Article, extraction: Extraction, s: &mut Summary) -> Result<(), Fatal> {
        if self.started.is_none() {
            self.writes.conn().execute_batch("BEGIN IMMEDIATE").map_err(|e| self.fatal(e))?;
            self.started = Some(std::time::Instant::now());
            self.detector.sync(self.writes.conn()).map_err(|e| self.fatal(e))?;
        }
        match store_in(&mut self.writes, self.pipeline, self.actors, &article, &extraction, &mut self.detector) {
            Ok(stored) => {
                self.pending_bytes += article.body.len();
                self.pending.push((article, extraction, stored));
                let full = self.pending.len() >= BATCH_ARTICLES
                    || self.pending_bytes >= BATCH_BYTES
                    || self.started.is_some_and(|t| t.elapsed().as_millis() >= BATCH_MILLIS);
                if full {
                    self.commit(s)?;
                }
                Ok(())
            }
            Err(e) => Err(self.recover(s, format!("storing {}: {e}", article.source))),
        }
    }

    /// Commits the open batch, if any, and counts what it stored.
    fn commit(&mut self, s: &mut Summary) -> Result<(), Fatal> {
        if self.started.take().is_none() {
            return Ok(());
        }
        if let Err(e) =
            self.detector.finish(self.writes.conn()).and_then(|()| self.writes.conn().execute_batch("COMMIT"))
        {
            return Err(self.recover(s, format!("committing: {e}")));
        }
        self.pending_bytes = 0;
        for (_, _, stored) in self.pending.drain(..) {
            s.record(stored);
        }
        self.since_wal_reset += 1;
        if let Some(checkpoints) = &self.checkpoints {
            // A checkpoint that runs beside the writer can never copy all of the WAL while
            // the next batch is being written, and the WAL would grow without end. So every
            // few batches the writer, between its transactions, copies what the checkpointer
            // has not (about one batch), until a checkpoint copies all of it and the next
            // transaction starts the WAL over.
            if self.since_wal_reset >= WAL_RESET_BATCHES {
                if crate::db::checkpoint(self.writes.conn()).unwrap_or(false) {
                    self.since_wal_reset = 0;
                }
            } else {
                // When the channel is full a checkpoint is already waiting to run, and it
                // will copy this batch too.
                let _ = checkpoints.try_send(());
            }
        }
        Ok(())
    }

    /// After a failure inside the batch (`cause`): rolls it back and stores its articles
    /// again, each in its own transaction, so that what went in before the failure is not
    /// lost. Returns the error to report, naming both failures if storing again fails too.
    fn recover(&mut self, s: &mut Summary, cause: String) -> Fatal {
        rollback(self.writes.conn(), &mut self.detector);
        self.started = None;
        self.pending_bytes = 0;
        for (article, extraction, _) in std::mem::take(&mut self.pending) {
            match store_article(&mut self.writes, self.pipeline, self.actors, &article, &extraction, &mut self.detector)
            {
                Ok(stored) => s.record(stored),
                Err(e) => return self.fatal(format!("{cause}; then storing {} again: {e}", article.source)),
            }
        }
        self.fatal(cause)
    }

    /// Articles handed to the writer so far, committed or not (for the progress bar).
    fn seen(&self, s: &Summary) -> usize {
        s.new + s.already + self.pending.len()
    }
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders (searched recursively for .txt .md .json .ndjson .jsonl .html .htm), or - for stdin.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Outlet of the articles, overriding what they name.
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

/// Leaves the schema's CHECK constraints and foreign-key checks out of what this connection
/// writes from now on: the ingest writes only values it made itself.
///
/// - Enumerated columns (statement kind, polarity, modality, date precision, match kind,
///   conflict kind and status) come only from Rust enums, whose names the CHECK lists hold.
///   SQLite evaluates a list of more than two values by building a temporary index for each
///   row inserted, which was 13% of the writer's instructions.
/// - Every id the ingest writes into a referencing column comes from the writer itself:
///   articles, statements, claims, conflicts and outlets it inserted or read inside the same
///   write transaction, which no other process can change under it; actors and places it
///   read when it started, and no command ever deletes an actor or a place (the gazetteer
///   and the lexicon are upserted). Checking each reference costs a lookup in the parent
///   table per column per row: 13% of the writer's CPU time on 10,000 bench articles (perf,
///   alternating runs).
///
/// `tests/cli.rs` ingests every fixture and has `PRAGMA integrity_check` and
/// `foreign_key_check` pass, which check both. Other connections (the sqlite3 shell, other
/// commands) keep the checks.
fn trust_own_values(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF")
}

/// A second connection that runs the WAL checkpoints of an ingest, so that copying pages
/// from the WAL into the database (7% of the writer's time with SQLite's automatic
/// checkpoints, which run inside the writer's commits) happens beside the writer. The
/// writer's connection stops checkpointing only once this one is open. PASSIVE: a
/// checkpoint never waits for the writer; what it could not copy, the next one does, and
/// the WAL starts over from its beginning once a checkpoint has copied all of it.
fn checkpointer(conn: &Connection, db: &std::path::Path) -> Option<Connection> {
    let other = crate::db::open_beside(db).ok()?;
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0").ok()?;
    Some(other)
}

/// How much lower than the writer's the priority of reading and extraction is (a nice
/// increment): the writer is the ingest's critical path.
const FEEDER_NICE: i32 = 10;

/// Lowers the calling thread's priority by `FEEDER_NICE` (nice 10 gets about a tenth of a
/// core that a nice-0 thread also wants): reading and extraction then mostly take the
/// core the writer does not use. At the same priority they took turns with the writer,
/// which was off its core 12% of the time (`perf sched timehist`, 10,000 bench articles);
/// they need much less than the one core the writer leaves them, and still take both
/// cores whenever the writer waits. 10,000 bench articles: 6.0-7.0 s -> 5.4-5.6 s (three
/// runs each, alternated); 100,000: no difference, the writer being the busier there.
/// Linux only: there, `nice` changes the calling thread's priority alone, relative to
/// what it was (so a whole ingest run under `nice` keeps the same order).
fn yield_to_writer() {
    // SAFETY: a plain system call about the calling thread; a failure leaves its priority
    // as it was, which is only slower.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::nice(FEEDER_NICE);
    }
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
    let (conn, pipeline) = ctx.open_with_pipeline()?;
    let actors = ActorIds::sync(&conn, &pipeline).map_err(|e| Fatal(format!("{}: {e}", ctx.db.display())))?;
    trust_own_values(&conn).map_err(|e| Fatal(format!("{}: {e}", ctx.db.display())))?;
    let opts = ReadOptions { outlet: a.outlet.clone(), published: a.published, lang: a.lang };
    let cfg = DetectConfig { window_hours: a.window };
    let started = std::time::Instant::now();
    let mut s = Summary::default();
    let stderr = std::io::stderr();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let progress = progress_bar(a.quiet, inputs.len());
    let pipeline = &pipeline;
    let opts = &opts;
    let inputs = &inputs;

    // Reading and extraction run on every core; one writer stores articles in input order,
    // committing a batch at a time (see `Writer` for how each article stays atomic).
    std::thread::scope(|scope| -> Result<(), Fatal> {
        let (raw_tx, raw_rx) = sync_channel::<(usize, Result<Article, Skipped>)>(QUEUE_DEPTH);
        let (done_tx, done_rx) = sync_channel::<(usize, Extracted)>(QUEUE_DEPTH);
        scope.spawn(move || {
            yield_to_writer();
            let mut seq = 0;
            for input in inputs {
                for item in read_input(input, opts) {
                    if raw_tx.send((seq, item)).is_err() {
                        return;
                    }
                    seq += 1;
                }
            }
        });
        let raw_rx = std::sync::Arc::new(std::sync::Mutex::new(raw_rx));
        for _ in 0..workers {
            let rx = raw_rx.clone();
            let tx = done_tx.clone();
            scope.spawn(move || {
                yield_to_writer();
                loop {
                    let next = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    let out = match next {
                        Ok((seq, Ok(article))) => {
                            let extraction = pipeline.extract(&article);
                            (seq, Extracted::Article(Box::new((article, extraction))))
                        }
                        Ok((seq, Err(skip))) => (seq, Extracted::Skipped(skip)),
                        Err(_) => return,
                    };
                    if tx.send(out).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let checkpoints = checkpointer(&conn, &ctx.db).map(|other| {
            let (tx, rx) = sync_channel::<()>(1);
            scope.spawn(move || {
                for () in rx {
                    let _ = crate::db::checkpoint(&other);
                }
            });
            tx
        });

        let mut pending: BTreeMap<usize, Extracted> = BTreeMap::new();
        let mut next = 0;
        let writes = Writes::prepare(&conn).map_err(|e| Fatal(format!("{}: {e}", ctx.db.display())))?;
        let mut writer = Writer {
            writes,
            ctx,
            pipeline,
            actors: &actors,
            detector: Detector::new(cfg),
            pending: Vec::new(),
            pending_bytes: 0,
            started: None,
            checkpoints,
            since_wal_reset: 0,
        };
        for (seq, item) in done_rx {
            pending.insert(seq, item);
            while let Some(item) = pending.remove(&next) {
                next += 1;
                match item {
                    Extracted::Skipped(skip) => {
                        s.skipped += 1;
                        let _ = writeln!(stderr.lock(), "claimtrack: skipped {skip}");
                    }
                    Extracted::Article(boxed) => {
                        let (article, extraction) = *boxed;
                        s.bytes += article.body.len();
                        // On error, what was stored before stays stored; this article left nothing.
                        writer.store(article, extraction, &mut s)?;
                        if let Some(p) = &progress {
                            p.set_position(writer.seen(&s) as u64);
                            p.set_message(format!("{:.1} MB", s.bytes as f64 / 1e6));
                        }
                    }
                }
            }
        }
        writer.commit(&mut s)
    })?;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    s.seconds = started.elapsed().as_secs_f64();
    if !a.quiet {
        let _ = writeln!(
            stderr.lock(),
            "articles: {} new, {} already stored, {} skipped; statements: {}; claims: {}; conflicts: {} flagged, {} {} attached to existing ones; corroborations: {}\nthroughput: {} articles, {:.2} MB in {:.2} s",
            s.new,
            s.already,
            s.skipped,
            s.statements,
            s.claims,
            s.conflicts_created,
            s.claims_attached,
            if s.claims_attached == 1 { "claim" } else { "claims" },
            s.corroborations,
            s.new + s.already,
            s.bytes as f64 / 1e6,
            s.seconds
        );
    }
    Ok(s)
}

impl Summary {
    fn record(&mut self, stored: Stored) {
        match stored {
            Stored::New { article_id, statements, claims, detect } => {
                self.new += 1;
                self.statements += statements;
                self.claims += claims;
                self.conflicts_created += detect.conflicts_created;
                self.claims_attached += detect.claims_attached;
                self.corroborations += detect.corroborations;
                self.article_ids.push(article_id);
            }
            Stored::Already { article_id } => {
                self.already += 1;
                self.article_ids.push(article_id);
            }
        }
    }
}

/// A progress bar on stderr when it is a terminal; nothing when piped or with --quiet, so
/// scripts stay clean.
fn progress_bar(quiet: bool, files: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {pos} articles from {len} inputs · {msg} · {per_sec} · {elapsed}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_length(files as u64);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
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
