//! Concurrent use: four processes at once on one database for 30 s (CLAIMTRACK_CONCURRENCY_SECS
//! shortens it): two ingest new folders in a loop, two list conflicts as JSON and record
//! reviews on them. No "database is locked"/"busy" may reach the user, every process exits
//! 0, every review reported recorded is in the history, and the counts add up.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::TestDir;
use rusqlite::Connection;

const PLACES: &[&str] = &["Homs", "Hama", "Palmyra", "Daraa", "Aleppo", "Idlib", "Rastan", "Qusayr"];

/// An article that asserts or denies a withdrawal, so pairs of them make conflicts.
fn article(tag: &str, i: usize) -> String {
    // Four versions (asserted and denied, in English and French) per place and day.
    let place = PLACES[(i / 4) % PLACES.len()];
    let day = 1 + (i / (4 * PLACES.len())) % 28;
    let (lang, text) = match i % 4 {
        0 => ("en", format!("Rebel commanders said on Friday that government forces had withdrawn from {place}.")),
        1 => (
            "en",
            format!(
                "The army denied on Friday that its troops had withdrawn from {place}, calling the reports baseless."
            ),
        ),
        2 => ("fr", format!("L'OSDH a déclaré vendredi que les forces du régime se sont retirées de {place}.")),
        _ => ("fr", format!("L'armée a démenti vendredi tout retrait de ses troupes de {place}.")),
    };
    format!(
        "---\ntitle: {tag} {i}\noutlet: Outlet {}\npublished: 2024-12-{day:02}\nlang: {lang}\n---\n{text}\nDispatch {tag}-{i}.\n",
        i % 5
    )
}

fn claimtrack(dir: &Path, args: &[&str]) -> Output {
    common::claimtrack(dir).args(args).stdin(Stdio::null()).output().expect("spawn claimtrack")
}

/// Records a problem with one process: a non-zero exit, or a lock error shown to the user.
fn vet(problems: &Mutex<Vec<String>>, who: &str, args: &[&str], out: &Output) -> bool {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lower = stderr.to_lowercase();
    let mut bad = Vec::new();
    if out.status.code() != Some(0) {
        bad.push(format!("exit {:?}", out.status.code()));
    }
    if lower.contains("locked") || lower.contains("busy") {
        bad.push("a lock error reached the user".to_string());
    }
    if lower.contains("panicked") {
        bad.push("panic".to_string());
    }
    if bad.is_empty() {
        return true;
    }
    problems.lock().unwrap().push(format!("{who}: claimtrack {}: {}\n{stderr}", args.join(" "), bad.join(", ")));
    false
}

fn write_folder(root: &Path, name: &str, tag: &str, from: usize, n: usize) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for i in from..from + n {
        std::fs::write(dir.join(format!("{tag}{i:06}.md")), article(tag, i)).unwrap();
    }
    dir
}

#[test]
fn four_processes_at_once_lose_nothing() {
    let secs: u64 = std::env::var("CLAIMTRACK_CONCURRENCY_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let t = TestDir::new();
    let root = t.path().to_path_buf();
    // Conflicts to review from the start.
    write_folder(&root, "seed", "seed", 0, 120);
    let out = claimtrack(&root, &["ingest", "seed"]);
    assert_eq!(out.status.code(), Some(0), "seed ingest: {}", String::from_utf8_lossy(&out.stderr));
    let seed_conflicts: i64 =
        Connection::open(t.db()).unwrap().query_row("SELECT count(*) FROM conflicts", [], |r| r.get(0)).unwrap();
    assert!(seed_conflicts >= 4, "the seed corpus should make conflicts ({seed_conflicts})");

    let deadline = Instant::now() + Duration::from_secs(secs);
    let problems = Mutex::new(Vec::<String>::new());
    let files = Mutex::new(120usize);
    let reviews = Mutex::new(Vec::<(i64, String)>::new());
    let listings = Mutex::new(0usize);
    let ingests = Mutex::new(0usize);

    std::thread::scope(|s| {
        for tag in ["a", "b"] {
            let (root, problems, files, ingests) = (&root, &problems, &files, &ingests);
            s.spawn(move || {
                let mut k = 0;
                while Instant::now() < deadline {
                    let n = 10 + (k * 7) % 30;
                    let name = format!("{tag}{k:04}");
                    write_folder(root, &name, tag, k * 100, n);
                    let args = ["ingest", &name];
                    let out = claimtrack(root, &args);
                    if vet(problems, &format!("ingester {tag}"), &args, &out) {
                        *files.lock().unwrap() += n;
                        *ingests.lock().unwrap() += 1;
                    }
                    k += 1;
                }
            });
        }
        for parity in [0i64, 1] {
            let (root, problems, reviews, listings) = (&root, &problems, &reviews, &listings);
            s.spawn(move || {
                let verdicts = ["both-wrong", "partly", "unresolvable", "not-a-conflict"];
                let mut n = 0usize;
                while Instant::now() < deadline {
                    let args = ["conflicts", "--format", "json"];
                    let out = claimtrack(root, &args);
                    if !vet(problems, &format!("reviewer {parity}"), &args, &out) {
                        continue;
                    }
                    *listings.lock().unwrap() += 1;
                    let list: serde_json::Value = match serde_json::from_slice(&out.stdout) {
                        Ok(v) => v,
                        Err(e) => {
                            problems.lock().unwrap().push(format!("reviewer {parity}: listing is not JSON: {e}"));
                            continue;
                        }
                    };
                    let ids: Vec<i64> = list
                        .as_array()
                        .map(|a| a.iter().filter_map(|c| c["id"].as_i64()).filter(|id| id % 2 == parity).collect())
                        .unwrap_or_default();
                    // Each reviewer takes its own conflicts (odd or even ids), a few per listing.
                    for id in ids.iter().cycle().skip(n % ids.len().max(1)).take(3.min(ids.len())) {
                        let note = format!("reviewer {parity} pass {n}");
                        let id_s = id.to_string();
                        let by = format!("desk-{parity}");
                        let args = [
                            "review",
                            id_s.as_str(),
                            "--verdict",
                            verdicts[n % verdicts.len()],
                            "--note",
                            &note,
                            "--by",
                            &by,
                        ];
                        let out = claimtrack(root, &args);
                        if vet(problems, &format!("reviewer {parity}"), &args, &out) {
                            let said = String::from_utf8_lossy(&out.stdout);
                            if said.contains(&format!("conflict #{id}: review #")) {
                                reviews.lock().unwrap().push((*id, note));
                            } else {
                                problems.lock().unwrap().push(format!("reviewer {parity}: review said {said:?}"));
                            }
                        }
                        n += 1;
                    }
                    if ids.is_empty() {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
            });
        }
    });

    let problems = problems.into_inner().unwrap();
    let reviews = reviews.into_inner().unwrap();
    let files = files.into_inner().unwrap();
    eprintln!(
        "{secs} s: {} ingests ({files} files in all), {} listings, {} reviews, {} problems",
        ingests.into_inner().unwrap(),
        listings.into_inner().unwrap(),
        reviews.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(!reviews.is_empty(), "no review was recorded");

    // Nothing lost: every review reported recorded is in its conflict's history.
    let by_conflict: BTreeSet<i64> = reviews.iter().map(|(id, _)| *id).collect();
    for id in by_conflict {
        let id_s = id.to_string();
        let out = claimtrack(&root, &["history", &id_s, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "history {id}: {}", String::from_utf8_lossy(&out.stderr));
        let steps: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let notes: BTreeSet<&str> = steps.as_array().unwrap().iter().filter_map(|s| s["why"].as_str()).collect();
        for (_, note) in reviews.iter().filter(|(c, _)| *c == id) {
            assert!(notes.contains(note.as_str()), "conflict #{id}: review {note:?} missing from the history");
        }
    }
    let conn = Connection::open(t.db()).unwrap();
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT count(*) FROM reviews"), reviews.len() as i64, "reviews stored == reviews reported");
    // Each review once, where it was reported, with the note it was given.
    let mut stmt = conn.prepare("SELECT conflict_id, note FROM reviews ORDER BY conflict_id, note").unwrap();
    let stored: Vec<(i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let mut reported = reviews.clone();
    reported.sort();
    assert_eq!(stored, reported, "the reviews stored are the reviews reported");
    assert_eq!(q("SELECT count(*) FROM articles"), files as i64, "articles == distinct files ingested");
    assert_eq!(q("SELECT count(DISTINCT source) FROM articles"), files as i64);
    common::assert_sound(&conn, "after the concurrent runs");
}
