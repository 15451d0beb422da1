//! Crashes: an ingest of 5,000 small articles killed with SIGKILL, 20 times. After each kill
//! the database must be sound (integrity_check, foreign keys, no conflict pointing at a
//! missing claim) and hold every stored article whole (its statements, claims and places,
//! exactly as a clean ingest of the same corpus stores them). Running the same ingest again
//! must finish with no duplicates and, table by table, the rows of the clean ingest.
//!
//! The kills come in series of ten: a series starts from no database and runs the same
//! ingest again after each kill, so that it goes on from what the kill left. The kill points
//! are spread over the corpus (one in each tenth of its first 95%, counted in committed
//! articles, plus a random moment within a batch); the first of a series often lands before
//! the schema or the first batch is committed, and a point below what is already stored
//! lands while the rerun passes over the stored articles. After a series, the ingest runs to
//! its end. So the reruns are bounded whatever the seed: eleven runs per series, ten of them
//! cut short (about 50 s in all on 2 cores, where the clean ingest takes 6 s).
//!
//! Randomness is a seeded LCG: the seed is printed; CLAIMTRACK_CRASH_SEED replays a run,
//! CLAIMTRACK_CRASH_KILLS changes the number of kills (default 20).

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{one, TestDir};
use rusqlite::{Connection, OpenFlags};

/// 5,000 articles; 1,000 in a debug build (run with --release for the full corpus).
const ARTICLES: usize = if cfg!(debug_assertions) { 1_000 } else { 5_000 };

/// Knuth's MMIX LCG; the high bits are the good ones.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const PLACES_FR: &[&str] = &["Homs", "Hama", "Palmyre", "Deraa", "Alep", "Idleb", "Damas", "Deir ez-Zor", "Rastane"];
const PLACES_EN: &[&str] =
    &["Homs", "Hama", "Palmyra", "Daraa", "Aleppo", "Idlib", "Damascus", "Deir ez-Zor", "Rastan"];
const CLAIMANTS_FR: &[&str] =
    &["L'OSDH", "Un commandant rebelle", "Une source militaire", "Le gouverneur", "Un habitant", "L'agence SANA"];
const CLAIMANTS_EN: &[&str] =
    &["The Syrian Observatory", "A rebel commander", "A military source", "The governor", "A resident", "SANA"];
const DAYS_FR: &[&str] = &["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
const DAYS_EN: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const OUTLETS: &[&str] =
    &["Reuters", "AFP", "SANA", "RFI", "Le Monde", "The National", "Al Jazeera", "L'Orient-Le Jour"];

/// One article, different for every `i` (its number is in the text): 5 to 15 sentences, a
/// few of them claims that can conflict (withdrawals asserted and denied, captures, tolls,
/// distances), the rest colour without places, stored but never compared (detection is
/// slow on many comparable claims, see tests/hardening.rs).
fn article(rng: &mut Lcg, i: usize) -> String {
    let fr = rng.below(2) == 0;
    let sentences = 5 + rng.below(11) as usize;
    // Days spread over a year: articles about one place and day come in twos and threes.
    let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
    let mut body = String::new();
    for s in 0..sentences {
        let claim = rng.below(8) == 0;
        let line = if fr {
            let (p, c, d) = (rng.pick(PLACES_FR), rng.pick(CLAIMANTS_FR), rng.pick(DAYS_FR));
            match (claim, rng.below(5)) {
                (true, 0) => format!("{c} a déclaré {d} que les forces du régime se sont retirées de {p}."),
                (true, 1) => format!("L'armée a démenti {d} tout retrait de ses troupes de {p}, qualifiant ces informations de sans fondement."),
                (true, 2) => format!("Selon {}, au moins {} combattants ont été tués près de {p} {d}.", c.to_lowercase(), 3 + rng.below(60)),
                (true, 3) => format!("Les rebelles ont pris le contrôle de {p} {d}, a affirmé {}.", c.to_lowercase()),
                (true, _) => format!("Les rebelles se trouvent à {} km de {p}, selon l'OSDH.", 5 + rng.below(40)),
                (false, 0) => format!("Des habitants décrivent {d} des rues désertes et des barrages abandonnés."),
                (false, 1) => "Les écoles sont restées fermées et les boulangeries manquaient de farine.".to_string(),
                (false, 2) => "La route vers la côte était encombrée de voitures.".to_string(),
                (false, 3) => "Les analystes estiment que la situation reste très incertaine.".to_string(),
                (false, _) => format!("Le marché central était fermé {d}, selon des commerçants."),
            }
        } else {
            let (p, c, d) = (rng.pick(PLACES_EN), rng.pick(CLAIMANTS_EN), rng.pick(DAYS_EN));
            match (claim, rng.below(5)) {
                (true, 0) => format!("{c} said on {d} that government forces had withdrawn from {p}."),
                (true, 1) => format!(
                    "The army denied on {d} that its troops had pulled out of {p}, calling the reports baseless."
                ),
                (true, 2) => {
                    format!("At least {} fighters were killed near {p} on {d}, {} said.", 3 + rng.below(60), c)
                }
                (true, 3) => format!("Rebels captured {p} on {d}, {c} told Reuters."),
                (true, _) => format!("Rebel forces are {} km from {p}, the Observatory said.", 5 + rng.below(40)),
                (false, 0) => format!("Residents described empty streets and abandoned checkpoints on {d}."),
                (false, 1) => "Schools stayed closed and bakeries were short of flour.".to_string(),
                (false, 2) => "The road to the coast was jammed with cars.".to_string(),
                (false, 3) => "Analysts say the situation remains highly uncertain.".to_string(),
                (false, _) => format!("The central market was closed on {d}, traders said."),
            }
        };
        body.push_str(&line);
        // Some sentences share a paragraph; the article number keeps every body unique.
        if s == 0 {
            body.push_str(&format!(" (dispatch {i})"));
        }
        body.push(if rng.below(3) == 0 { ' ' } else { '\n' });
    }
    format!(
        "---\ntitle: Dispatch {i}\noutlet: {}\npublished: 2024-{month:02}-{day:02}\nlang: {}\n---\n{}\n",
        rng.pick(OUTLETS),
        if fr { "fr" } else { "en" },
        body.trim_end()
    )
}

/// Per stored article (by source): statements, claims, claim places.
type Shape = HashMap<String, (i64, i64, i64)>;

fn shapes(conn: &Connection) -> Shape {
    let mut stmt = conn
        .prepare(
            "SELECT a.source,
                    (SELECT count(*) FROM statements s WHERE s.article_id = a.id),
                    (SELECT count(*) FROM claims c WHERE c.article_id = a.id),
                    (SELECT count(*) FROM claim_places cp JOIN claims c ON c.id = cp.claim_id WHERE c.article_id = a.id)
               FROM articles a",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))).unwrap().map(Result::unwrap).collect()
}

/// Everything that must hold after a kill. Returns the number of articles stored.
fn check(db: &Path, reference: &Shape, context: &str) -> usize {
    if !db.exists() {
        return 0;
    }
    let conn = Connection::open(db).unwrap_or_else(|e| panic!("{context}: open: {e}"));
    let version = one(&conn, "PRAGMA user_version");
    if version == 0 {
        // Killed before the schema was committed: nothing there at all.
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok", "{context}: integrity_check");
        let tables = one(&conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
        assert_eq!(tables, 0, "{context}: user_version 0 but {tables} tables (a half-applied migration)");
        return 0;
    }
    assert_eq!(version, claimtrack::db::schema_version(), "{context}: user_version");
    assert!(one(&conn, "SELECT count(*) FROM places") > 0, "{context}: schema without its gazetteer");
    common::assert_sound(&conn, context);
    assert_eq!(
        one(&conn, "SELECT count(*) FROM articles"),
        one(&conn, "SELECT count(DISTINCT source) FROM articles"),
        "{context}: an article stored twice"
    );
    let stored = shapes(&conn);
    for (source, shape) in &stored {
        let want = reference.get(source).unwrap_or_else(|| panic!("{context}: unknown article {source}"));
        assert_eq!(
            shape, want,
            "{context}: {source} stored with (statements, claims, places) {shape:?}, a clean ingest gives {want:?}"
        );
    }
    stored.len()
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn ingest(dir: &Path, db: &str) -> Command {
    let mut cmd = common::claimtrack(dir);
    cmd.args(["--db", db, "ingest", "corpus"]).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// The articles a run has committed so far, read beside it (WAL lets a reader in while it
/// writes), without ever creating the database: 0 before the schema exists.
fn committed(db: &Path, conn: &mut Option<Connection>) -> usize {
    if conn.is_none() {
        *conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).ok();
    }
    let n = conn.as_ref().map(|c| c.query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0)));
    match n {
        Some(Ok(n)) => n as usize,
        _ => {
            *conn = None;
            0
        }
    }
}

/// Table sizes that a clean ingest and an interrupted-then-finished one must share.
const TOTALS: &[&str] =
    &["articles", "statements", "claims", "claim_places", "conflicts", "conflict_claims", "corroborations"];

fn totals(conn: &Connection) -> Vec<(&'static str, i64)> {
    TOTALS.iter().map(|t| (*t, one(conn, &format!("SELECT count(*) FROM {t}")))).collect()
}

/// Kills per series: each series starts from no database and resumes after each kill.
const KILLS_PER_SERIES: usize = 10;

#[test]
fn sigkill_during_ingest_leaves_a_sound_database() {
    let seed: u64 = std::env::var("CLAIMTRACK_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20241206);
    let kills: usize = std::env::var("CLAIMTRACK_CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    eprintln!("crash test seed {seed} (CLAIMTRACK_CRASH_SEED={seed} replays it), {kills} kills");
    let started = Instant::now();
    let t = TestDir::new();
    // The corpus does not depend on the seed: only the kill moments do.
    let mut corpus_rng = Lcg(7);
    for i in 0..ARTICLES {
        t.write(&format!("corpus/{:02}/d{i:05}.md", i % 50), article(&mut corpus_rng, i));
    }

    // What every article must look like once stored, and what the whole database must hold
    // once the ingest is through: a clean ingest of the same corpus.
    let t0 = Instant::now();
    let out = ingest(t.path(), "clean.db").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "clean ingest: {}", String::from_utf8_lossy(&out.stderr));
    let full = t0.elapsed();
    eprintln!("clean ingest: {full:.2?}; {}", String::from_utf8_lossy(&out.stderr).trim());
    let clean = Connection::open(t.path().join("clean.db")).unwrap();
    common::assert_sound(&clean, "clean ingest");
    let reference = shapes(&clean);
    let clean_totals = totals(&clean);
    drop(clean);
    assert_eq!(reference.len(), ARTICLES, "the clean ingest stores every article");
    assert!(clean_totals.iter().all(|(_, n)| *n > 0), "the corpus fills every table: {clean_totals:?}");

    let mut rng = Lcg(seed);
    let db = t.path().join("crash.db");
    let mut killed = 0;
    let mut run = 0;
    let mut series = 0;
    // Kill points of the current series, in articles committed: spread over the corpus, one
    // in each tenth of it, the first in the first tenth (often before anything is committed).
    let mut plan: Vec<usize> = Vec::new();
    // Ends a series: the same ingest again, to the end, gives what the clean ingest gave.
    let finish = |series: usize| {
        let out = ingest(t.path(), "crash.db").output().unwrap();
        let context = format!("seed {seed}, series {series}, the ingest run again to the end");
        assert_eq!(out.status.code(), Some(0), "{context}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(check(&db, &reference, &context), ARTICLES, "{context}: every article, once");
        let conn = Connection::open(&db).unwrap();
        assert_eq!(one(&conn, "SELECT count(DISTINCT content_hash) FROM articles"), ARTICLES as i64, "{context}");
        assert_eq!(totals(&conn), clean_totals, "{context}: rows per table, against the clean ingest");
    };
    while killed < kills {
        if plan.is_empty() {
            if series > 0 {
                finish(series);
            }
            series += 1;
            remove_db(&db);
            let n = KILLS_PER_SERIES.min(kills - killed);
            // Up to 95% of the corpus, so that the last run of a series is seldom through
            // before its kill.
            let span = ARTICLES * 19 / 20;
            plan = (0..n).rev().map(|k| (k * span + rng.below(span as u64) as usize) / n).collect();
        }
        let target = plan.pop().unwrap();
        run += 1;
        assert!(run <= kills * 2, "seed {seed}: only {killed} of {kills} runs could be killed in {run} tries");
        // Past the target, a moment within a batch (they commit every 2 s or 1,000 articles).
        let extra = Duration::from_millis(rng.below(700));
        let mut child = ingest(t.path(), "crash.db").spawn().unwrap();
        let t1 = Instant::now();
        let mut reader = None;
        let mut reached: Option<Instant> = None;
        let finished = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            match reached {
                Some(at) if at.elapsed() >= extra => break None,
                Some(_) => {}
                None if committed(&db, &mut reader) >= target => reached = Some(Instant::now()),
                None => {}
            }
            assert!(t1.elapsed() < full * 4 + Duration::from_secs(60), "seed {seed}, run {run}: no progress");
            std::thread::sleep(Duration::from_millis(5));
        };
        drop(reader);
        let at = t1.elapsed();
        if finished.is_none() {
            let _ = child.kill(); // SIGKILL on Unix
            killed += 1;
        }
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut stderr);
        }
        let context = format!("seed {seed}, series {series}, run {run} (kill at {target} articles + {extra:?})");
        assert!(!stderr.contains("panicked"), "{context}: panic\n{stderr}");
        let stored = check(&db, &reference, &context);
        eprintln!(
            "run {run:2}: target {target:>4} + {:>3} ms, at {:>6} ms: {}; {stored} articles stored",
            extra.as_millis(),
            at.as_millis(),
            if finished.is_some() { format!("finished first ({status})") } else { format!("kill {killed}") }
        );
        if finished.is_some() {
            // It got to the end before its kill: that series is through.
            assert_eq!(status.code(), Some(0), "{context}: {stderr}");
            assert_eq!(stored, ARTICLES, "{context}");
            plan.clear();
        }
    }
    finish(series);
    eprintln!("crash test: {killed} kills in {run} runs, {series} series, {:.1?} in all", started.elapsed());
}
