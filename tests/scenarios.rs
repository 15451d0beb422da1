//! Runs every scenario of `fixtures/scenarios/` through the real binary, each in a fresh
//! database, and checks its `expected.toml`: conflicts that must be flagged and look-alike
//! pairs that must not be linked. Scenarios the tool does not yet get right are listed,
//! with the reason, in `fixtures/scenarios/KNOWN_FAILURES`; any other failure fails the
//! test, and so does a listed scenario that starts passing (so the list stays honest).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixtures, TestDir};
use rusqlite::Connection;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Expected {
    #[serde(default)]
    conflict: Vec<ExpectedConflict>,
    #[serde(default)]
    no_conflict: Vec<NoConflict>,
}

#[derive(Debug, Deserialize)]
struct ExpectedConflict {
    kind: String,
    event: String,
    articles: Vec<String>,
    place: Option<String>,
    #[serde(default)]
    why: String,
}

#[derive(Debug, Deserialize)]
struct NoConflict {
    articles: Vec<String>,
    #[serde(default)]
    why: String,
}

/// Conflicts as (id, kind, event, article files, place ids with their ancestors, (file, side) pairs).
type Found = (i64, String, String, Vec<String>, Vec<i64>, Vec<(String, String)>);

fn conflicts(conn: &Connection) -> Vec<Found> {
    let mut stmt = conn.prepare("SELECT id, kind, event_type FROM conflicts").unwrap();
    let heads: Vec<(i64, String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    heads
        .into_iter()
        .map(|(id, kind, event)| {
            let mut a = conn
                .prepare(
                    "SELECT DISTINCT a.source FROM conflict_claims cc JOIN claims c ON c.id = cc.claim_id
                       JOIN articles a ON a.id = c.article_id WHERE cc.conflict_id = ?1",
                )
                .unwrap();
            let files: Vec<String> = a
                .query_map([id], |r| r.get::<_, String>(0))
                .unwrap()
                .map(|s| Path::new(&s.unwrap()).file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            let mut p = conn
                .prepare(
                    "SELECT DISTINCT pa.ancestor_id FROM conflict_claims cc JOIN claim_places cp ON cp.claim_id = cc.claim_id
                       JOIN place_ancestors pa ON pa.place_id = cp.place_id WHERE cc.conflict_id = ?1",
                )
                .unwrap();
            let places: Vec<i64> = p.query_map([id], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            let mut s = conn
                .prepare(
                    "SELECT DISTINCT a.source, cc.side FROM conflict_claims cc JOIN claims c ON c.id = cc.claim_id
                       JOIN articles a ON a.id = c.article_id WHERE cc.conflict_id = ?1",
                )
                .unwrap();
            let sides: Vec<(String, String)> = s
                .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .unwrap()
                .map(|x| {
                    let (src, side) = x.unwrap();
                    (Path::new(&src).file_name().unwrap().to_string_lossy().into_owned(), side)
                })
                .collect();
            (id, kind, event, files, places, sides)
        })
        .collect()
}

fn place_ids(conn: &Connection, name: &str) -> Vec<i64> {
    let folded = claimtrack::text::fold(name);
    let mut stmt = conn.prepare("SELECT id, name, alternates FROM places").unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .filter(|(_, n, alts)| {
            claimtrack::text::fold(n) == folded || alts.split('|').any(|a| claimtrack::text::fold(a) == folded)
        })
        .map(|(id, ..)| id)
        .collect()
}

/// Checks one scenario; returns the list of failed expectations.
fn evaluate(dir: &Path) -> Vec<String> {
    let expected: Expected =
        toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).expect("expected.toml parses");
    let t = TestDir::new();
    let run = t.run(&["check", dir.to_str().unwrap(), "--format", "json"]);
    if run.code() != 0 {
        return vec![format!("check failed\n{}", run.describe())];
    }
    let conn = Connection::open(t.db()).unwrap();
    let found = conflicts(&conn);
    let mut failures = Vec::new();
    for e in &expected.conflict {
        let want_places = e.place.as_deref().map(|p| place_ids(&conn, p)).unwrap_or_default();
        let ok = found.iter().any(|(_, kind, event, files, places, _)| {
            kind == &e.kind
                && event == &e.event
                && e.articles.iter().all(|a| files.contains(a))
                && (want_places.is_empty() || places.iter().any(|p| want_places.contains(p)))
        });
        if !ok {
            failures.push(format!("missing {} conflict on {} between {:?} ({})", e.kind, e.event, e.articles, e.why));
        }
    }
    // A look-alike pair is a false alarm when one conflict sets a claim of one article
    // against a claim of the other (on opposite sides); agreeing claims share a side.
    for n in &expected.no_conflict {
        for (id, kind, event, _, _, sides) in &found {
            let [x, y] = n.articles.as_slice() else { continue };
            let opposed = sides.iter().any(|(fa, sa)| fa == x && sides.iter().any(|(fb, sb)| fb == y && sb != sa));
            if opposed {
                failures
                    .push(format!("false alarm: conflict #{id} ({kind}, {event}) links {:?} ({})", n.articles, n.why));
            }
        }
    }
    failures
}

#[test]
fn scenarios_match_their_expectations() {
    run_set("scenarios");
}

/// The held-out set, written apart from the rules' tuning: it measures generalisation.
#[test]
fn holdout_matches_its_expectations() {
    run_set("holdout");
}

fn run_set(set: &str) {
    let root = fixtures().join(set);
    let known: BTreeMap<String, String> = std::fs::read_to_string(root.join("KNOWN_FAILURES"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, why) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (name.to_string(), why.trim().to_string())
        })
        .collect();
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    let mut report = String::new();
    let mut unexpected = Vec::new();
    let mut passed = 0;
    for d in &dirs {
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        let failures = evaluate(d);
        let listed = known.contains_key(&name);
        report.push_str(&format!("{:<44} {}\n", name, if failures.is_empty() { "pass" } else { "FAIL" }));
        for f in &failures {
            report.push_str(&format!("    {f}\n"));
        }
        match (failures.is_empty(), listed) {
            (true, false) => passed += 1,
            (false, true) => {}
            (true, true) => unexpected.push(format!("{name} passes now: remove it from KNOWN_FAILURES")),
            (false, false) => unexpected.push(format!("{name}: {}", failures.join("; "))),
        }
    }
    println!("{report}\n{passed} of {} scenarios pass; {} known failures", dirs.len(), known.len());
    assert!(unexpected.is_empty(), "{report}\nunexpected:\n{}", unexpected.join("\n"));
}
