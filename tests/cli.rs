//! The command line as a user meets it: each test runs the real binary in a fresh temporary
//! folder (its own `claimtrack.db`) and checks what the README promises: the quick start's
//! founding conflict, the JSON contract, exit codes, formats, filters, the gazetteer
//! commands, a quiet broken pipe and tables that fit 100 columns.
//!
//! Tests name what they guard. Claim and conflict ids are never hard-coded: extraction
//! improves, and ids move with it; the tests find things by what they say.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use common::{fixtures, one, Run, TestDir};
use serde_json::Value;

const SIDES: [&str; 8] =
    ["government", "opposition", "kurdish-led", "monitor", "foreign-government", "media", "local", "unknown"];
const MODALITIES: [&str; 3] = ["certain", "reported", "hedged"];
const KINDS: [&str; 4] = ["denial", "control", "numeric", "date"];
const STATUSES: [&str; 4] = ["open", "in-review", "resolved", "dismissed"];
const FORMATS: [&str; 4] = ["table", "json", "csv", "markdown"];

/// A French article with front matter: the OSDH reports a withdrawal from Palmyra.
const PALMYRA_FR: &str =
    "---\ntitle: Retrait de Palmyre\noutlet: Test Quotidien\npublished: 2024-12-06\nlang: fr\n---\n\
Selon l'OSDH, les forces du régime se sont retirées de Palmyre le 6 décembre 2024.\n";

/// A fresh folder with the seeds ingested by the quick start's `check`.
fn seeded() -> TestDir {
    let t = TestDir::new();
    let seeds = t.seeds();
    t.run(&["check", seeds]).expect_code(0);
    t
}

fn array<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("{what} is not an array: {v}"))
}

fn string<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("'{key}' is not a string in {v}"))
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    array(v.get(key).unwrap_or_else(|| panic!("no '{key}' in {v}")), key)
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("'{key}' holds a non-string: {v}")).to_string())
        .collect()
}

fn null_or_string(v: &Value, key: &str) {
    match v.get(key) {
        Some(Value::Null) | Some(Value::String(_)) => {}
        other => panic!("'{key}' should be a string or null, found {other:?} in {v}"),
    }
}

/// Checks one claim object of the JSON contract; its `text` must be in the article's file.
fn check_claim_contract(t: &TestDir, c: &Value) {
    assert!(c.get("claim_id").and_then(Value::as_i64).is_some(), "claim_id: {c}");
    let article = c.get("article").unwrap_or_else(|| panic!("no article in {c}"));
    let article_id = article.get("id").and_then(Value::as_i64).unwrap_or_else(|| panic!("article.id: {c}"));
    for key in ["title", "outlet", "url", "published"] {
        null_or_string(article, key);
    }
    assert!(!string(c, "claimant").is_empty(), "empty claimant: {c}");
    assert!(SIDES.contains(&string(c, "side")), "side: {c}");
    null_or_string(c, "relayed_by");
    assert!(["asserted", "denied"].contains(&string(c, "polarity")), "polarity: {c}");
    assert!(MODALITIES.contains(&string(c, "modality")), "modality: {c}");
    assert!(!string(c, "event").is_empty(), "event: {c}");
    strings(c, "places");
    null_or_string(c, "actor");
    null_or_string(c, "date");
    assert!(["day", "month", "year", "unknown"].contains(&string(c, "date_precision")), "date_precision: {c}");
    null_or_string(c, "quantity");
    if let Some(d) = c.get("date").and_then(Value::as_str) {
        assert!(d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-', "date {d:?} is not YYYY-MM-DD");
    }
    let text = string(c, "text");
    assert!(!text.trim().is_empty(), "empty text: {c}");
    let source: String =
        t.conn().query_row("SELECT source FROM articles WHERE id = ?1", [article_id], |r| r.get(0)).unwrap();
    let file = std::fs::read_to_string(t.path().join(&source)).unwrap_or_else(|e| panic!("{source}: {e}"));
    assert!(file.contains(text), "claim text is not in {source}: {text:?}");
}

/// Checks one conflict object of the JSON contract, claims included.
fn check_conflict_contract(t: &TestDir, k: &Value) {
    assert!(k.get("id").and_then(Value::as_i64).is_some(), "id: {k}");
    assert!(KINDS.contains(&string(k, "kind")), "kind: {k}");
    assert!(STATUSES.contains(&string(k, "status")), "status: {k}");
    assert!(!string(k, "event").is_empty(), "event: {k}");
    assert!(!strings(k, "places").is_empty(), "no places: {k}");
    assert!(!string(k, "explanation").trim().is_empty(), "empty explanation: {k}");
    assert!(k.get("new_material").and_then(Value::as_bool).is_some(), "new_material: {k}");
    assert!(!string(k, "created").is_empty(), "created: {k}");
    assert!(!strings(k, "reasons").is_empty(), "reasons: {k}");
    for s in array(k.get("corroboration").unwrap_or_else(|| panic!("no corroboration in {k}")), "corroboration") {
        assert!(!string(s, "side").is_empty(), "corroboration side: {k}");
        assert!(s.get("independent_claimants").and_then(Value::as_u64).is_some(), "independent_claimants: {k}");
        strings(s, "claimants");
    }
    let claims = array(k.get("claims").unwrap_or_else(|| panic!("no claims in {k}")), "claims");
    assert!(claims.len() >= 2, "a conflict needs two claims: {k}");
    for c in claims {
        check_claim_contract(t, c);
    }
}

/// The quick start's conflict: a denial of the withdrawal, by "une source militaire".
fn founding_conflict(conflicts: &[Value]) -> Option<&Value> {
    conflicts.iter().find(|k| {
        k["kind"] == "denial"
            && k["event"] == "withdrawal"
            && array(&k["claims"], "claims").iter().any(|c| {
                c["polarity"] == "denied"
                    && c["claimant"].as_str().unwrap_or("").to_lowercase() == "une source militaire"
            })
    })
}

#[test]
fn quick_start_check_prints_the_founding_denial() {
    let t = TestDir::new();
    let seeds = t.seeds();
    let r = t.run(&["check", seeds]);
    r.expect_code(0)
        .expect_stdout_contains("Conflict #")
        .expect_stdout_contains("denial · withdrawal")
        .expect_stdout_contains("une source militaire")
        .expect_stdout_contains("Why flagged:")
        .expect_stderr_contains("articles: 2 new, 0 already stored, 0 skipped");
    assert!(t.db().exists(), "check did not create claimtrack.db in the current folder");
}

#[test]
fn quick_start_json_follows_the_contract() {
    let t = TestDir::new();
    let seeds = t.seeds();
    let r = t.run(&["check", seeds, "--format", "json"]);
    r.expect_code(0);
    let v = r.json();
    let conflicts = array(&v, "check --format json");
    assert!(!conflicts.is_empty(), "no conflicts\n{}", r.describe());
    for k in conflicts {
        check_conflict_contract(&t, k);
    }
    let k =
        founding_conflict(conflicts).unwrap_or_else(|| panic!("no denial by une source militaire\n{}", r.describe()));
    let claims = array(&k["claims"], "claims");

    let denial = claims.iter().find(|c| c["polarity"] == "denied").unwrap();
    let relay = denial["relayed_by"].as_str().unwrap_or_else(|| panic!("the denial has no relay: {denial}"));
    let relay_folded = relay.to_lowercase().replace('’', "'");
    assert!(
        relay_folded.contains("sana") || relay_folded.contains("agence de presse officielle syrienne"),
        "relayed by {relay:?}, not the SANA agency"
    );
    let relay_actor: Option<String> = t
        .conn()
        .query_row(
            "SELECT x.name FROM claims c JOIN actors x ON x.id = c.relay_actor_id WHERE c.id = ?1",
            [denial["claim_id"].as_i64().unwrap()],
            |r| r.get(0),
        )
        .ok();
    assert_eq!(relay_actor.as_deref(), Some("SANA"), "the relay is not resolved to the SANA actor");
    assert!(denial["text"].as_str().unwrap().contains("sans fondement"), "{denial}");

    let asserted: Vec<&Value> = claims.iter().filter(|c| c["polarity"] == "asserted").collect();
    let local = asserted
        .iter()
        .find(|c| {
            let text = c["text"].as_str().unwrap();
            text.contains("Sukhna") && text.contains("Farqlas") && text.contains("Palmyre")
        })
        .unwrap_or_else(|| panic!("no asserted claim on Sukhna/Farqlas/Palmyra in {k}"));
    assert!(local["claimant"].as_str().unwrap().to_lowercase().contains("sources locales"), "{local}");
    assert_eq!(local["side"], "local", "{local}");
    let places = strings(local, "places");
    for p in ["Tadmur", "As Sukhnah", "Al Furqlus"] {
        assert!(places.iter().any(|x| x == p), "{p} missing from {places:?}");
    }
    let t4 = asserted
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains("T4"))
        .unwrap_or_else(|| panic!("no asserted claim on the T4 air base in {k}"));
    assert!(strings(t4, "places").iter().any(|p| p.contains("T4")), "{t4}");
    assert!(strings(k, "places").iter().any(|p| p == "Tadmur"), "{k}");
}

#[test]
fn rastan_and_talbiseh_spellings_resolve_to_the_same_places() {
    let t = seeded();
    let conn = t.conn();
    // Place ids the names resolve to, and the claims, for statements holding `words`.
    let resolve = |words: &str| -> (BTreeSet<i64>, BTreeSet<i64>) {
        let mut stmt = conn
            .prepare(
                "SELECT cp.place_id, c.id FROM claim_places cp JOIN claims c ON c.id = cp.claim_id
                   JOIN statements s ON s.id = c.statement_id
                  WHERE instr(s.text, ?1) > 0
                    AND (lower(cp.surface) LIKE '%rast%' OR lower(cp.surface) LIKE '%talbis%')",
            )
            .unwrap();
        let rows: Vec<(i64, i64)> =
            stmt.query_map([words], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        (rows.iter().map(|r| r.0).collect(), rows.iter().map(|r| r.1).collect())
    };
    let (places_000, claims_000) = resolve("Rasten, Talbise ");
    let (places_004, claims_004) = resolve("Rastan et Talbiseh");
    assert_eq!(places_000.len(), 2, "Rasten, Talbise (article 000) resolve to {places_000:?}");
    assert_eq!(places_000, places_004, "Rasten/Talbise and Rastan/Talbiseh resolve differently");
    for id in &places_000 {
        let in_homs: i64 = conn
            .query_row(
                "SELECT count(*) FROM place_ancestors pa JOIN places p ON p.id = pa.ancestor_id
                  WHERE pa.place_id = ?1 AND p.kind = 'admin1' AND p.name = 'Homs'",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(in_homs, 1, "place #{id} is not in Homs governorate");
    }
    // Both articles report the rebels taking the towns: no conflict may oppose them.
    let mut stmt = conn.prepare("SELECT conflict_id, claim_id FROM conflict_claims").unwrap();
    let links: Vec<(i64, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    for (k, _) in &links {
        let members: BTreeSet<i64> = links.iter().filter(|(x, _)| x == k).map(|(_, c)| *c).collect();
        let both = !members.is_disjoint(&claims_000) && !members.is_disjoint(&claims_004);
        assert!(!both, "conflict #{k} sets Rasten/Talbise against Rastan/Talbiseh: {members:?}");
    }
}

fn table_counts(t: &TestDir) -> Vec<(&'static str, i64)> {
    ["articles", "statements", "claims", "claim_places", "conflicts", "conflict_claims", "corroborations", "places"]
        .into_iter()
        .map(|table| (table, t.count(table)))
        .collect()
}

#[test]
fn ingesting_the_same_folder_twice_changes_nothing() {
    let t = TestDir::new();
    let seeds = t.seeds();
    t.run(&["ingest", seeds]).expect_code(0).expect_stderr_contains("2 new, 0 already stored");
    let counts = table_counts(&t);
    let conflicts = t.run(&["conflicts", "--format", "json"]).expect_code(0).stdout();
    t.run(&["ingest", seeds]).expect_code(0).expect_stderr_contains("0 new, 2 already stored, 0 skipped");
    assert_eq!(table_counts(&t), counts, "a second ingest changed the tables");
    let again = t.run(&["conflicts", "--format", "json"]).expect_code(0).stdout();
    assert_eq!(again, conflicts, "a second ingest changed the conflicts");
}

#[test]
fn a_missing_path_exits_2_and_writes_nothing() {
    let t = TestDir::new();
    let seeds = t.seeds();
    let r = t.run(&["ingest", seeds, "no-such-folder/"]);
    r.expect_code(2).expect_stderr_contains("no-such-folder");
    assert!(!t.db().exists() || t.count("articles") == 0, "articles were stored\n{}", r.describe());
    let r = t.run(&["check", "missing.txt"]);
    r.expect_code(2).expect_stderr_contains("missing.txt");
    assert!(!t.db().exists() || t.count("articles") == 0, "articles were stored\n{}", r.describe());
}

#[test]
fn empty_and_binary_files_are_skipped_named_and_exit_1() {
    let t = TestDir::new();
    t.write("inbox/good.txt", std::fs::read(common::fixtures().join("seeds/000_b6a498fc50757be2.txt")).unwrap());
    t.write("inbox/empty.txt", "");
    t.write("inbox/photo.txt", [0x89u8, b'P', b'N', b'G', 0, 0, 0, 0x0d, 0xff, 0xfe, 0, 1, 2, 3]);
    let r = t.run(&["ingest", "inbox"]);
    r.expect_code(1).expect_stderr_contains("empty.txt").expect_stderr_contains("photo.txt");
    assert!(!r.stderr().contains("good.txt"), "the good article is named as a problem\n{}", r.describe());
    assert_eq!(t.count("articles"), 1, "the good article was not stored\n{}", r.describe());
}

#[test]
fn a_malformed_ndjson_line_is_named_by_file_and_line() {
    let t = TestDir::new();
    t.write(
        "feed.ndjson",
        concat!(
            r#"{"title": "Un", "body": "Selon l'OSDH, les forces du régime se sont retirées de Palmyre.", "published": "2024-12-06", "lang": "fr"}"#,
            "\n{not json at all\n",
            r#"{"title": "Two", "body": "The army said it had not withdrawn from Palmyra.", "published": "2024-12-06", "lang": "en"}"#,
            "\n"
        ),
    );
    let r = t.run(&["ingest", "feed.ndjson"]);
    r.expect_code(1).expect_stderr_contains("feed.ndjson:2");
    assert!(!r.stderr().contains("feed.ndjson:1") && !r.stderr().contains("feed.ndjson:3"), "{}", r.describe());
    assert_eq!(t.count("articles"), 2, "the two good lines were not stored\n{}", r.describe());
}

#[test]
fn broken_front_matter_is_skipped_and_named() {
    let t = TestDir::new();
    t.write("in/good.md", PALMYRA_FR);
    t.write("in/no-colon.md", "---\ntitle: x\nthis line is not a key\n---\nLes forces du régime se sont retirées.\n");
    t.write("in/unclosed.md", "---\ntitle: x\nLes forces du régime se sont retirées de Palmyre.\n");
    let r = t.run(&["ingest", "in"]);
    r.expect_code(1)
        .expect_stderr_contains("no-colon.md")
        .expect_stderr_contains("unclosed.md")
        .expect_stderr_contains("front matter");
    assert_eq!(t.count("articles"), 1, "{}", r.describe());
}

#[test]
fn an_unknown_event_type_exits_2() {
    let t = TestDir::new();
    t.run(&["claims", "--event", "bogus"]).expect_code(2).expect_stderr_contains("bogus");
    t.run(&["conflicts", "--event", "bogus"]).expect_code(2).expect_stderr_contains("bogus");
}

#[test]
fn a_missing_conflict_exits_2_with_a_message() {
    let t = seeded();
    let r = t.run(&["conflict", "999"]);
    r.expect_code(2).expect_stderr_contains("999");
    assert!(r.stdout().is_empty(), "{}", r.describe());
}

#[test]
fn a_database_that_is_not_sqlite_exits_2_naming_it() {
    let t = TestDir::new();
    let junk = "these are my notes, not a database; long enough to fill a SQLite header and more.\n".repeat(4);
    t.write("notes.db", &junk);
    t.run(&["--db", "notes.db", "claims"]).expect_code(2).expect_stderr_contains("notes.db");
    t.write("article.md", PALMYRA_FR);
    t.run(&["--db", "notes.db", "ingest", "article.md"]).expect_code(2).expect_stderr_contains("notes.db");
    assert_eq!(std::fs::read_to_string(t.path().join("notes.db")).unwrap(), junk, "the file was changed");
}

#[test]
fn stdin_is_read_with_a_dash() {
    let t = TestDir::new();
    let body = "Selon l'OSDH, les forces du régime se sont retirées de Palmyre le 6 décembre 2024.\n";
    let r = t.run_stdin(&["ingest", "--outlet", "Le Test", "-"], Some(body.as_bytes()));
    r.expect_code(0).expect_stderr_contains("1 new");
    let claims = t.run(&["claims", "--format", "json"]).expect_code(0).json();
    let c = &array(&claims, "claims")[0];
    assert_eq!(c["article"]["outlet"], "Le Test");
    assert_eq!(c["event"], "withdrawal");
    assert!(strings(c, "places").contains(&"Tadmur".to_string()), "{c}");
    let source: String = t.conn().query_row("SELECT source FROM articles", [], |r| r.get(0)).unwrap();
    assert_eq!(source, "<stdin>");
}

/// Runs a listing in every format and checks each parses as what it claims to be.
fn every_format(t: &TestDir, args: &[&str], csv_first: &str, markdown_first: &str) {
    for f in FORMATS {
        let mut full = args.to_vec();
        full.extend(["--format", f]);
        let r = t.run(&full);
        r.expect_code(0);
        let out = r.stdout();
        assert!(!out.trim().is_empty(), "empty output\n{}", r.describe());
        match f {
            "json" => {
                r.json();
            }
            "csv" => {
                let first = out.lines().next().unwrap();
                assert!(first.starts_with(csv_first), "CSV header {first:?}\n{}", r.describe());
                let mut rd = csv::Reader::from_reader(out.as_bytes());
                let width = rd.headers().unwrap().len();
                let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.expect("CSV record")).collect();
                assert!(!rows.is_empty(), "CSV without rows\n{}", r.describe());
                assert!(rows.iter().all(|row| row.len() == width), "ragged CSV\n{}", r.describe());
            }
            "markdown" => {
                assert!(out.starts_with(markdown_first), "Markdown starts {:?}\n{}", &out[..40], r.describe())
            }
            _ => {}
        }
    }
}

#[test]
fn every_listing_accepts_every_format() {
    let t = seeded();
    let conflicts = t.run(&["conflicts", "--format", "json"]).expect_code(0).json();
    let id = array(&conflicts, "conflicts")[0]["id"].as_i64().unwrap().to_string();
    every_format(&t, &["claims"], "claim_id,", "| # |");
    every_format(&t, &["conflicts"], "id,kind,", "| id |");
    every_format(&t, &["conflict", &id], "conflict_id,", "### Conflict #");
    every_format(&t, &["check", "fixtures/seeds/"], "conflict_id,", "### Conflict #");
    let one = t.run(&["conflict", &id, "--format", "json"]).json();
    assert_eq!(one["id"].as_i64().unwrap().to_string(), id, "conflict ID --format json is one object");
    check_conflict_contract(&t, &one);
    for c in array(&t.run(&["claims", "--format", "json"]).json(), "claims") {
        check_claim_contract(&t, c);
    }
}

#[test]
fn claims_about_homs_include_palmyra() {
    let t = seeded();
    let r = t.run(&["claims", "--place", "Homs", "--format", "json"]);
    let claims = r.expect_code(0).json();
    let claims = array(&claims, "claims");
    assert!(
        claims.iter().any(|c| strings(c, "places").iter().any(|p| p == "Tadmur")),
        "no Palmyra claim under Homs\n{}",
        r.describe()
    );
    let conn = t.conn();
    for c in claims {
        let in_homs: i64 = conn
            .query_row(
                "SELECT count(*) FROM claim_places cp JOIN place_ancestors pa ON pa.place_id = cp.place_id
                   JOIN places p ON p.id = pa.ancestor_id WHERE cp.claim_id = ?1 AND p.name = 'Homs'",
                [c["claim_id"].as_i64().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert!(in_homs > 0, "claim outside Homs: {c}");
    }
    let all = t.run(&["claims", "--format", "json"]).json();
    assert!(claims.len() < array(&all, "claims").len(), "--place Homs filtered nothing");
}

#[test]
fn polarity_event_and_claimant_filters_keep_only_their_claims() {
    let t = seeded();
    let all = array(&t.run(&["claims", "--format", "json"]).json(), "claims").len();
    let denied = t.run(&["claims", "--polarity", "denied", "--format", "json"]).expect_code(0).json();
    let denied = array(&denied, "claims");
    assert!(!denied.is_empty(), "no denied claim in the seeds");
    assert!(denied.iter().all(|c| c["polarity"] == "denied"), "{denied:?}");
    let asserted = t.run(&["claims", "--polarity", "asserted", "--format", "json"]).json();
    assert_eq!(array(&asserted, "claims").len() + denied.len(), all);
    let withdrawals = t.run(&["claims", "--event", "withdrawal", "--format", "json"]).expect_code(0).json();
    let withdrawals = array(&withdrawals, "claims");
    assert!(!withdrawals.is_empty() && withdrawals.iter().all(|c| c["event"] == "withdrawal"));
    let military = t.run(&["claims", "--claimant", "source militaire", "--format", "json"]).json();
    let military = array(&military, "claims");
    assert!(!military.is_empty() && military.len() < all, "--claimant found nothing or everything");
    assert!(
        military.iter().all(|c| {
            let named = |k: &str| c[k].as_str().unwrap_or("").to_lowercase().contains("source militaire");
            named("claimant") || named("relayed_by")
        }),
        "{military:?}"
    );
    t.run(&["claims", "--polarity", "maybe"]).expect_code(2);
}

#[test]
fn conflicts_filter_by_kind() {
    let t = seeded();
    let denials = t.run(&["conflicts", "--kind", "denial", "--format", "json"]).expect_code(0).json();
    let denials = array(&denials, "conflicts");
    assert!(!denials.is_empty(), "no denial conflict in the seeds");
    assert!(denials.iter().all(|k| k["kind"] == "denial"));
    // The seeds hold only a denial: scenarios with the other kinds make each filter choose.
    for d in ["06-control-hama", "07-numeric-casualties-idlib", "09-date-salamiyah"] {
        t.run(&["ingest", &format!("{}/fixtures/scenarios/{d}", env!("CARGO_MANIFEST_DIR"))]).expect_code(0);
    }
    let all = t.run(&["conflicts", "--limit", "0", "--format", "json"]).expect_code(0).json();
    for kind in ["denial", "control", "numeric", "date"] {
        let v = t.run(&["conflicts", "--kind", kind, "--limit", "0", "--format", "json"]).expect_code(0).json();
        let v = array(&v, "conflicts");
        assert!(!v.is_empty() && v.iter().all(|k| k["kind"] == kind), "--kind {kind}: {v:?}");
        assert!(v.len() < array(&all, "conflicts").len(), "--kind {kind} filtered nothing");
    }
    let homs = t.run(&["conflicts", "--place", "Homs", "--format", "json"]).expect_code(0).json();
    assert!(founding_conflict(array(&homs, "conflicts")).is_some(), "--place Homs lost the founding conflict");
    t.run(&["conflicts", "--kind", "bogus"]).expect_code(2);
}

#[test]
fn a_place_added_by_hand_is_found_in_articles() {
    let t = TestDir::new();
    let r = t.run(&["gazetteer", "add", "Jabal Test", "--in", "Homs", "--alias", "Mont Test"]);
    r.expect_code(0).expect_stdout_contains("Jabal Test").expect_stdout_contains("in Homs");
    t.run(&["gazetteer", "find", "Mont Test"]).expect_code(0).expect_stdout_contains("Jabal Test");
    t.write(
        "a.md",
        "---\ntitle: Mont Test\npublished: 2024-12-06\nlang: fr\n---\n\
         Selon l'OSDH, les forces du régime se sont retirées du Mont Test le 6 décembre 2024.\n",
    );
    t.run(&["ingest", "a.md"]).expect_code(0);
    let claims = t.run(&["claims", "--format", "json"]).json();
    let claims = array(&claims, "claims");
    assert!(
        claims.iter().any(|c| strings(c, "places").iter().any(|p| p == "Jabal Test")),
        "no claim about Jabal Test: {claims:?}"
    );
    let in_homs = t.run(&["claims", "--place", "Homs", "--format", "json"]).json();
    assert!(!array(&in_homs, "claims").is_empty(), "the added place is not inside Homs");
    t.run(&["gazetteer", "add", "Nowhere", "--in", "Atlantis"]).expect_code(2).expect_stderr_contains("Atlantis");
}

#[test]
fn gazetteer_find_gives_the_place_and_its_parents() {
    let t = TestDir::new();
    t.run(&["gazetteer", "find", "Palmyre"])
        .expect_code(0)
        .expect_stdout_contains("Tadmur [city]")
        .expect_stdout_contains("in Homs < Syria");
    t.run(&["gazetteer", "find", "Homs"]).expect_code(0).expect_stdout_contains("[admin1]");
    t.run(&["gazetteer", "find", "Xyzzyville"]).expect_code(0).expect_stdout_contains("No place named");
}

/// One GeoNames row: the 19 tab-separated columns of `CC.txt` / allCountries.txt.
fn geonames_row(id: i64, name: &str, alternates: &str, class: &str, code: &str, admin1: &str) -> String {
    let cols = [
        id.to_string(),
        name.into(),
        name.into(),
        alternates.into(),
        "33.3".into(),
        "35.6".into(),
        class.into(),
        code.into(),
        "LB".into(),
        String::new(),
        admin1.into(),
        String::new(),
        String::new(),
        String::new(),
        "5000".into(),
        String::new(),
        String::new(),
        "Asia/Beirut".into(),
        "2024-01-01".into(),
    ];
    cols.join("\t") + "\n"
}

#[test]
fn a_geonames_import_puts_towns_in_their_governorate() {
    let t = TestDir::new();
    let file = [
        geonames_row(7_000_001, "Nabatieh Governorate", "Mohafazat Nabatiye", "A", "ADM1", "08"),
        geonames_row(7_000_002, "Marjayoun", "Marjeyoun", "P", "PPL", "08"),
        geonames_row(7_000_003, "Khiam", "El Khiam,Al Khiyam", "P", "PPL", "08"),
        geonames_row(7_000_004, "Wadi Test", "", "H", "STM", "08"),
    ]
    .concat();
    t.write("LB.txt", file);
    t.run(&["gazetteer", "find", "Marjayoun"]).expect_code(0).expect_stdout_contains("No place named");
    t.run(&["gazetteer", "import", "LB.txt"]).expect_code(0).expect_stdout_contains("imported 3 places");
    t.run(&["gazetteer", "find", "Marjayoun"])
        .expect_code(0)
        .expect_stdout_contains("Marjayoun [city]")
        .expect_stdout_contains("in Nabatieh Governorate < Lebanon");
    t.run(&["gazetteer", "find", "El Khiam"]).expect_code(0).expect_stdout_contains("Khiam [city]");
    let r = t.run_stdin(
        &["ingest", "--lang", "en", "-"],
        Some(b"Israeli troops withdrew from Marjayoun on Dec. 6, 2024, according to local residents.\n"),
    );
    r.expect_code(0);
    let lebanon = t.run(&["claims", "--place", "Lebanon", "--format", "json"]).json();
    assert!(!array(&lebanon, "claims").is_empty(), "the imported town is not found in articles");
    t.write("bad.txt", "1\tonly\tthree columns\n");
    t.run(&["gazetteer", "import", "bad.txt"]).expect_code(2).expect_stderr_contains("bad.txt:1");
}

#[test]
fn a_reader_that_closes_early_gets_no_panic() {
    let t = seeded();
    let runs: Vec<Vec<&str>> = FORMATS
        .iter()
        .map(|f| vec!["claims", "--format", f])
        .chain([vec!["conflicts"], vec!["check", "fixtures/seeds/"], vec!["gazetteer", "find", "Homs"]])
        .collect();
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimtrack"))
            .current_dir(t.path())
            .args(&args)
            .env_remove("CLAIMTRACK_DB")
            .env_remove("CLAIMTRACK_LEXICON")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before claimtrack has opened its database: every write fails.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let printed = stderr.lines().filter(|l| !l.starts_with("articles:") && !l.starts_with("throughput:"));
        let printed: Vec<&str> = printed.collect();
        assert!(!stderr.contains("panicked"), "claimtrack {args:?} panicked on a closed pipe:\n{stderr}");
        assert!(printed.is_empty(), "claimtrack {args:?} complained about a closed pipe:\n{stderr}");
        assert_eq!(out.status.code(), Some(0), "claimtrack {args:?}: {}\n{stderr}", out.status);
    }
}

fn widest_line(r: &Run) -> (usize, String) {
    r.stdout().lines().map(|l| (l.chars().count(), l.to_string())).max().unwrap_or_default()
}

#[test]
fn reconciliation_tables_fit_100_columns() {
    let t = TestDir::new();
    let seeds = t.seeds();
    let r = t.run(&["check", seeds]);
    r.expect_code(0).expect_stdout_contains("Conflict #");
    let (w, line) = widest_line(&r);
    assert!(w <= 100, "a line of {w} columns:\n{line}\n{}", r.describe());
    let conflicts = t.run(&["conflicts", "--format", "json"]).json();
    for k in array(&conflicts, "conflicts") {
        let r = t.run(&["conflict", &k["id"].to_string()]);
        let (w, line) = widest_line(r.expect_code(0));
        assert!(w <= 100, "a line of {w} columns:\n{line}\n{}", r.describe());
    }
}

#[test]
fn listing_tables_fit_100_columns() {
    let t = seeded();
    for args in [&["claims"][..], &["conflicts"][..]] {
        let r = t.run(args);
        let (w, line) = widest_line(r.expect_code(0));
        assert!(w <= 100, "a line of {w} columns:\n{line}\n{}", r.describe());
    }
}

#[test]
fn claims_table_keeps_words_whole() {
    let t = seeded();
    let r = t.run(&["claims"]);
    let out = r.expect_code(0).stdout();
    let words: BTreeSet<String> = out.split(|c: char| !c.is_alphanumeric()).map(str::to_string).collect();
    for c in array(&t.run(&["claims", "--format", "json"]).json(), "claims") {
        let event = c["event"].as_str().unwrap();
        assert!(words.contains(event), "'{event}' is cut in the claims table\n{}", r.describe());
    }
}

#[test]
fn the_database_comes_from_db_or_claimtrack_db() {
    let t = TestDir::new();
    t.write("a.md", PALMYRA_FR);
    t.run(&["--db", "first.db", "ingest", "a.md"]).expect_code(0);
    assert!(t.path().join("first.db").exists() && !t.db().exists());
    t.run_env(&["ingest", "a.md"], &[("CLAIMTRACK_DB", "second.db")]).expect_code(0);
    assert!(t.path().join("second.db").exists() && !t.db().exists());
    let r = t.run_env(&["claims", "--format", "json"], &[("CLAIMTRACK_DB", "second.db")]);
    assert_eq!(array(&r.expect_code(0).json(), "claims").len(), 1);
}

#[test]
fn a_lexicon_folder_adds_actors() {
    let t = TestDir::new();
    t.write(
        "lex/actors.toml",
        "[[actor]]\nname = \"Brigade Zeta\"\nside = \"opposition\"\nkind = \"armed\"\naliases = [\"Brigade Zeta\"]\n",
    );
    t.write(
        "a.md",
        "---\ntitle: Zeta\npublished: 2024-12-06\nlang: fr\n---\n\
         Selon la Brigade Zeta, les forces du régime se sont retirées de Palmyre le 6 décembre 2024.\n",
    );
    t.run(&["--lexicon", "lex", "ingest", "a.md"]).expect_code(0);
    let claims = t.run(&["claims", "--format", "json"]).json();
    let c = &array(&claims, "claims")[0];
    assert!(c["claimant"].as_str().unwrap().contains("Brigade Zeta"), "{c}");
    assert_eq!(c["side"], "opposition", "the lexicon folder's actor was not used: {c}");
    t.write("bad/actors.toml", "[[actor]\nname = ");
    t.run(&["--lexicon", "bad", "claims"]).expect_code(2).expect_stderr_contains("actors.toml");
}

#[test]
fn the_window_decides_between_conflict_and_later_development() {
    let t = TestDir::new();
    t.write("a.md", PALMYRA_FR);
    t.write(
        "b.md",
        "---\ntitle: Démenti\noutlet: Autre Quotidien\npublished: 2024-12-09\nlang: fr\n---\n\
         Une source militaire a démenti que l'armée se soit retirée de Palmyre le 9 décembre 2024.\n",
    );
    t.run(&["ingest", "a.md", "b.md"]).expect_code(0);
    let none = t.run(&["conflicts", "--format", "json"]).json();
    assert!(array(&none, "conflicts").is_empty(), "72 h apart is a later development with 48 h: {none}");
    t.run(&["--db", "wide.db", "ingest", "--window", "96", "a.md", "b.md"]).expect_code(0);
    let wide = t.run(&["--db", "wide.db", "conflicts", "--format", "json"]).json();
    let wide = array(&wide, "conflicts");
    assert!(wide.iter().any(|k| k["kind"] == "denial"), "no denial with a 96 h window: {wide:?}");
    t.run(&["ingest", "--window", "0", "a.md"]).expect_code(2).expect_stderr_contains("--window");
}

#[test]
fn opposition_claimants_are_not_given_to_the_government() {
    let t = seeded();
    let claims = t.run(&["claims", "--format", "json"]).json();
    let opposition: Vec<&Value> = array(&claims, "claims")
        .iter()
        .filter(|c| c["claimant"].as_str().unwrap().to_lowercase().contains("opposition"))
        .collect();
    assert!(!opposition.is_empty(), "the seeds quote the opposition");
    for c in opposition {
        assert_eq!(c["side"], "opposition", "{}: {}", c["claimant"], c["text"]);
    }
}

#[test]
fn quantities_print_whole_numbers_without_a_decimal() {
    let t = TestDir::new();
    t.write(
        "a.md",
        "---\ntitle: Villages\npublished: 2024-12-06\nlang: fr\n---\n\
         Selon l'OSDH, les rebelles ont pris le contrôle d'environ 50 villages de la province de Deraa.\n",
    );
    t.run(&["ingest", "a.md"]).expect_code(0);
    let claims = t.run(&["claims", "--format", "json"]).json();
    let quantities: Vec<&str> = array(&claims, "claims").iter().filter_map(|c| c["quantity"].as_str()).collect();
    assert!(!quantities.is_empty(), "no quantity read from \"environ 50 villages\"");
    for q in quantities {
        let bad = q.split(|ch: char| !(ch.is_ascii_digit() || ch == '.')).any(|n| n.ends_with(".0"));
        assert!(!bad, "quantity {q:?} prints a whole number with a decimal");
    }
}

#[test]
fn an_article_that_fails_midway_leaves_nothing_and_the_articles_before_it_stay() {
    let t = TestDir::new();
    t.run(&["claims"]).expect_code(0);
    // Storing a claim by a saboteur fails, as a full disk would, after the article's
    // statements and first claims are written.
    let conn = rusqlite::Connection::open(t.db()).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER refuse_saboteur BEFORE INSERT ON claims WHEN NEW.claimant LIKE '%saboteur%'
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
    )
    .unwrap();
    drop(conn);
    let article = |title: &str, extra: &str| {
        format!(
            "---\ntitle: {title}\noutlet: Test Wire\npublished: 2024-12-06\nlang: en\n---\n\
             Local residents said government forces withdrew from Palmyra on Friday.\n\n\
             A military source denied that the army had withdrawn from Palmyra.\n\n{extra}\n"
        )
    };
    t.write("in/a.md", article("First", "Rebels said they entered Hama on Thursday."));
    t.write("in/b.md", article("Second", "A saboteur said that rebels captured Homs on Friday."));
    t.write("in/c.md", article("Third", "The governor said Homs was calm."));
    let r = t.run(&["ingest", "in"]);
    r.expect_code(2).expect_stderr_contains("b.md").expect_stderr_contains("refused by the test");
    let titles = |t: &TestDir| -> Vec<String> {
        let conn = rusqlite::Connection::open(t.db()).unwrap();
        let mut s = conn.prepare("SELECT title FROM articles ORDER BY id").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(titles(&t), ["First"], "{}", r.describe());
    let orphans = |sql: &str| {
        let conn = rusqlite::Connection::open(t.db()).unwrap();
        conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap()
    };
    assert_eq!(orphans("SELECT count(*) FROM statements WHERE article_id NOT IN (SELECT id FROM articles)"), 0);
    assert_eq!(orphans("SELECT count(*) FROM claims WHERE article_id NOT IN (SELECT id FROM articles)"), 0);
    assert_eq!(orphans("SELECT count(*) FROM statements"), 3, "the first article whole, nothing of the second");

    let conn = rusqlite::Connection::open(t.db()).unwrap();
    conn.execute_batch("DROP TRIGGER refuse_saboteur").unwrap();
    drop(conn);
    t.run(&["ingest", "in"]).expect_code(0).expect_stderr_contains("2 new, 1 already stored");
    assert_eq!(titles(&t), ["First", "Second", "Third"]);
}

#[test]
fn conflicts_lists_the_newest_first_and_says_when_the_list_is_cut() {
    let t = TestDir::new();
    let dirs = ["06-control-hama", "07-numeric-casualties-idlib"];
    for d in dirs {
        t.run(&["ingest", &format!("{}/fixtures/scenarios/{d}", env!("CARGO_MANIFEST_DIR"))]).expect_code(0);
    }
    let all = t.run(&["conflicts", "--limit", "0", "--format", "json"]);
    all.expect_code(0);
    assert!(!all.stderr().contains("--limit"), "nothing was cut: {}", all.describe());
    let ids: Vec<i64> = array(&all.json(), "conflicts").iter().map(|k| k["id"].as_i64().unwrap()).collect();
    assert!(ids.len() >= 2, "{}", all.describe());
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let one = t.run(&["conflicts", "--limit", "1", "--format", "json"]);
    one.expect_code(0);
    let listed: Vec<i64> = array(&one.json(), "conflicts").iter().map(|k| k["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, [ids[0]]);
    one.expect_stderr_contains(&format!("the 1 newest of {} conflicts", ids.len()));
}

/// A conflict is about one event at one time (claims-spec §5): reports chained day after
/// day, each pair within the 48 h window, do not all pile into the first conflict.
#[test]
fn a_conflict_does_not_grow_along_a_chain_of_days() {
    let t = TestDir::new();
    let article = |name: &str, day: &str, outlet: &str, sentence: &str| {
        t.write(
            &format!("in/{name}.md"),
            format!("---\ntitle: {name}\noutlet: {outlet}\npublished: 2024-12-{day}\nlang: en\n---\n{sentence}\n"),
        );
    };
    // Bodies differ: an article is known by its body.
    let says = |who: &str| format!("Government forces withdrew from Palmyra, {who} said.");
    let denies = |when: &str| {
        format!("A military source said {when} that reports of the army's withdrawal from Palmyra are baseless.")
    };
    article("a", "02", "Reuters", &says("local sources"));
    article("b", "02", "SANA", &denies("today"));
    article("c", "04", "SANA", &denies("again"));
    article("d", "06", "AP", &says("residents"));
    t.run(&["ingest", "in"]).expect_code(0);
    let conn = rusqlite::Connection::open(t.db()).unwrap();
    let members = |sql: &str| -> Vec<(i64, String, String)> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    let rows = members(
        "SELECT cc.conflict_id, a.published, c.polarity FROM conflict_claims cc
           JOIN claims c ON c.id = cc.claim_id JOIN articles a ON a.id = c.article_id
          ORDER BY cc.conflict_id, a.published",
    );
    let days = |conflict: i64| -> Vec<&str> { rows.iter().filter(|r| r.0 == conflict).map(|r| r.1.as_str()).collect() };
    let conflicts: BTreeSet<i64> = rows.iter().map(|r| r.0).collect();
    let conflicts: Vec<i64> = conflicts.into_iter().collect();
    assert_eq!(conflicts.len(), 2, "{rows:?}");
    // The 2 December pair and the denial two days later; then that denial and the report
    // four days after the first, which is too far from 2 December to be the same event.
    assert_eq!(days(conflicts[0]), ["2024-12-02", "2024-12-02", "2024-12-04"], "{rows:?}");
    assert_eq!(days(conflicts[1]), ["2024-12-04", "2024-12-06"], "{rows:?}");
    let anchor: Vec<String> = conflicts
        .iter()
        .map(|id| conn.query_row("SELECT event_date FROM conflicts WHERE id = ?1", [id], |r| r.get(0)).unwrap())
        .collect();
    assert_eq!(anchor, ["2024-12-02", "2024-12-04"]);
}

/// The ingest leaves the schema's CHECK constraints and foreign-key checks out of its
/// statements (see `trust_own_values`): whatever it writes must still pass them. Every
/// fixture article goes in (headings, bullets, boilerplate, denials, hedges, fuzzy and near
/// places, every kind of conflict), then `PRAGMA integrity_check`, which tests CHECK
/// constraints, and `foreign_key_check` must pass; and they do catch a value the CHECK
/// refuses and a dangling reference, written the same way.
#[test]
fn ingest_writes_only_values_the_schema_checks_accept() {
    let t = TestDir::new();
    let all = fixtures();
    t.run(&["ingest", all.to_str().unwrap()]).expect_code(0);
    let conn = t.conn();
    let kinds = one(&conn, "SELECT count(DISTINCT kind) FROM statements");
    assert!(kinds >= 3, "the fixtures hold only {kinds} statement kinds");
    assert!(one(&conn, "SELECT count(DISTINCT kind) FROM conflicts") >= 3);
    common::assert_sound(&conn, "every fixture ingested");
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         UPDATE statements SET kind = 'not-a-kind' WHERE id = (SELECT min(id) FROM statements);
         PRAGMA ignore_check_constraints = OFF;",
    )
    .unwrap();
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert!(verdict.contains("CHECK constraint failed"), "integrity_check missed a bad kind: {verdict}");
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         UPDATE conflict_claims SET claim_id = (SELECT max(id) + 1 FROM claims)
          WHERE claim_id = (SELECT min(claim_id) FROM conflict_claims);",
    )
    .unwrap();
    assert!(
        one(&conn, "SELECT count(*) FROM pragma_foreign_key_check") > 0,
        "foreign_key_check missed a dangling claim"
    );
}

/// Since migration 5 a conflict membership stores the pair of claims that attached it, and an
/// agreement its rule, not their reasons in words: `conflict ID`, `history` and `export csv`
/// write the reasons from the claims, each naming the two claims of its pair.
#[test]
fn reasons_stored_as_pairs_are_written_out_when_read() {
    let t = seeded();
    let conn = t.conn();
    let mut stmt = conn
        .prepare("SELECT conflict_id, claim_id, pair_a, pair_b, reason IS NULL FROM conflict_claims ORDER BY 1, 2")
        .unwrap();
    let rows: Vec<(i64, i64, i64, i64, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!rows.is_empty(), "the seeds hold a conflict");
    let names_pair =
        |text: &str, a: i64, b: i64| text.contains(&format!("#{a} (")) && text.contains(&format!("#{b} ("));
    for (conflict, claim, a, b, no_words) in &rows {
        assert!(no_words, "conflict #{conflict}, claim #{claim}: words stored");
        assert!(claim == a || claim == b, "claim #{claim} is not in its pair ({a}, {b})");
        let k = t.run(&["conflict", &conflict.to_string(), "--format", "json"]).expect_code(0).json();
        let reasons = strings(&k, "reasons");
        assert!(reasons.iter().any(|r| names_pair(r, *a, *b)), "no reason names #{a} and #{b}: {reasons:?}");
    }
    let out = export_csv(&t);
    let members = CsvTable::read(&out.join("conflict_claims.csv"));
    let at = |name: &str| members.col(name);
    let mut seen = 0;
    for rec in &members.rows {
        let (a, b): (i64, i64) = (rec[at("pair_a")].parse().unwrap(), rec[at("pair_b")].parse().unwrap());
        assert!(names_pair(&rec[at("reason")], a, b), "conflict_claims.csv: {rec:?}");
        seen += 1;
    }
    assert_eq!(seen, rows.len());
    let corroborations = CsvTable::read(&out.join("corroborations.csv"));
    let reason = corroborations.col("reason");
    let records = corroborations.rows;
    assert!(!records.is_empty(), "the seeds hold agreeing claims");
    for rec in records {
        assert!(rec[reason].starts_with("agrees"), "corroborations.csv: {rec:?}");
    }
}

/// The conflicts of a database, each as its kind and the ids of its claims.
fn conflict_sets(t: &TestDir) -> BTreeSet<(String, Vec<i64>)> {
    let conn = t.conn();
    let mut stmt = conn
        .prepare(
            "SELECT k.kind, group_concat(cc.claim_id) FROM conflicts k JOIN conflict_claims cc ON cc.conflict_id = k.id
              GROUP BY k.id",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
    rows.map(Result::unwrap)
        .map(|(kind, ids)| {
            let mut ids: Vec<i64> = ids.split(',').map(|i| i.parse().unwrap()).collect();
            ids.sort_unstable();
            (kind, ids)
        })
        .collect()
}

/// Detection builds the candidates of days no earlier claim speaks of from the claims it
/// stores, and reads the others from the database: articles stored in one run, or one run
/// each (every day then read back), must give the same conflicts with the same claims.
#[test]
fn one_run_and_a_run_per_article_give_the_same_conflicts() {
    let mut compared = 0;
    for scenario in std::fs::read_dir(fixtures().join("scenarios")).unwrap().map(|e| e.unwrap().path()) {
        if !scenario.is_dir() {
            continue;
        }
        let mut articles: Vec<_> = std::fs::read_dir(&scenario)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e != "toml"))
            .collect();
        articles.sort();
        let together = TestDir::new();
        together.run(&["ingest", scenario.to_str().unwrap()]).expect_code(0);
        let apart = TestDir::new();
        for a in &articles {
            apart.run(&["ingest", a.to_str().unwrap()]).expect_code(0);
        }
        let sets = conflict_sets(&together);
        assert_eq!(conflict_sets(&apart), sets, "{}: one run per article differs", scenario.display());
        compared += sets.len();
    }
    assert!(compared >= 10, "the scenarios hold only {compared} conflicts");
}

// Reasons written when read (migration 5): `conflict ID`, `conflicts`, `history` and
// `export csv` must give the words detection would have stored, never a stand-in.

/// What `detect::Reasons` writes when the facts a reason needs are missing: a claim or a
/// place gone, no pair stored, a rule this version does not know, a figure missing. Never
/// for claims that are stored.
const STAND_INS: [&str; 4] =
    ["no longer stored", "no reason stored", "unknown to this version", "give different figures"];

/// Every fixture article (scenarios, holdout, seeds) ingested in runs by letter: the `a-`
/// articles of every folder in one run, then the `b-` ones, and so on, then the seeds.
/// Conflicts flagged in one run grow in the next ones: their reasons are written from claims
/// stored in the same run and from claims read back from the database. The runs take turns
/// with windows of 48, 72 and 96 hours, which reasons state.
fn every_fixture_by_letter() -> TestDir {
    let t = TestDir::new();
    let mut articles: Vec<std::path::PathBuf> = Vec::new();
    for set in ["scenarios", "holdout"] {
        for folder in std::fs::read_dir(fixtures().join(set)).unwrap().map(|e| e.unwrap().path()) {
            if folder.is_dir() {
                articles.extend(
                    std::fs::read_dir(folder)
                        .unwrap()
                        .map(|e| e.unwrap().path())
                        .filter(|p| p.extension().is_some_and(|e| e != "toml")),
                );
            }
        }
    }
    let letter = |p: &std::path::PathBuf| p.file_name().unwrap().to_string_lossy().chars().next().unwrap();
    let letters: BTreeSet<char> = articles.iter().map(letter).collect();
    assert!(letters.len() >= 3, "articles by letter: {letters:?}");
    for (l, window) in letters.into_iter().zip(["48", "72", "96"].into_iter().cycle()) {
        let mut args = vec!["ingest".to_string(), "--window".to_string(), window.to_string()];
        args.extend(articles.iter().filter(|p| letter(p) == l).map(|p| p.to_string_lossy().into_owned()));
        t.run(&args.iter().map(String::as_str).collect::<Vec<_>>()).expect_code(0);
    }
    let seeds = t.seeds();
    t.run(&["ingest", seeds]).expect_code(0);
    t
}

/// Every conflict, as `conflicts --limit 0 --format json` gives them.
fn all_conflicts(t: &TestDir) -> Vec<Value> {
    let list = t.run(&["conflicts", "--limit", "0", "--format", "json"]).expect_code(0).json();
    let list = array(&list, "conflicts").clone();
    assert!(list.len() >= 20, "the fixtures hold only {} conflicts", list.len());
    list
}

/// A reason for a claim's place in a conflict of `kind`, in words: it starts with the kind,
/// says how the places relate, and is no stand-in.
fn check_member_reason(kind: &str, reason: &str, context: &str) {
    assert!(reason.starts_with(&format!("{kind}: ")), "{context}: a reason not about a {kind}: {reason:?}");
    assert!(
        reason.contains("same place: ") || reason.contains(" lies in "),
        "{context}: a reason that does not relate the places: {reason:?}"
    );
    for s in STAND_INS {
        assert!(!reason.contains(s), "{context}: a stand-in ({s:?}) for a reason: {reason:?}");
    }
}

/// The words a conflict was flagged with (its stored `explanation`) are those `conflict ID`
/// writes from the pair of claims that flagged it; every claim has a reason naming it, each
/// claim attached after the first two its own; none is a stand-in. `conflicts` gives each
/// conflict as `conflict ID` does.
#[test]
fn every_conflict_gives_the_reasons_it_was_flagged_and_grown_with() {
    let t = every_fixture_by_letter();
    let mut windows = BTreeSet::new();
    for listed in all_conflicts(&t) {
        let id = listed["id"].as_i64().unwrap();
        windows.extend(["48 h", "72 h", "96 h"].into_iter().filter(|w| string(&listed, "explanation").contains(w)));
        let k = t.run(&["conflict", &id.to_string(), "--format", "json"]).expect_code(0).json();
        assert_eq!(k, listed, "conflict {id} and the conflicts listing differ");
        let (kind, explanation, reasons) = (string(&k, "kind"), string(&k, "explanation"), strings(&k, "reasons"));
        let context = format!("conflict #{id}");
        assert!(reasons.iter().any(|r| r == explanation), "{context}: {explanation:?} is not among {reasons:#?}");
        for r in &reasons {
            check_member_reason(kind, r, &context);
        }
        let claims = array(&k["claims"], "claims");
        for c in claims {
            let named = format!("#{} (", c["claim_id"]);
            assert!(
                reasons.iter().any(|r| r.contains(&named)),
                "{context}: no reason names claim {named}: {reasons:#?}"
            );
        }
        // The two claims that flagged the conflict share its explanation; every claim
        // attached after them was attached by a pair of its own.
        assert_eq!(reasons.len(), claims.len() - 1, "{context}: {reasons:#?}");
    }
    assert_eq!(windows.len(), 3, "conflicts flagged with a window of each size: {windows:?}");
}

/// `history`, before and after a verdict, gives the words the conflict was flagged with and
/// the reason each later claim was attached for, as `conflict ID` gives them.
#[test]
fn history_gives_the_reasons_conflict_gives() {
    let t = every_fixture_by_letter();
    let conflicts = all_conflicts(&t);
    let ids: Vec<String> = conflicts.iter().map(|k| k["id"].to_string()).collect();
    let mut args = vec!["review"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--verdict", "partly", "--note", "each side has part of it", "--by", "desk"]);
    t.run(&args).expect_code(0);
    let conn = t.conn();
    let mut attached_in_all = 0;
    for k in &conflicts {
        let id = k["id"].as_i64().unwrap();
        let context = format!("conflict #{id}");
        let reasons = strings(k, "reasons");
        let steps = t.run(&["history", &id.to_string(), "--format", "json"]).expect_code(0).json();
        let steps = array(&steps, "history");
        assert_eq!(steps[0]["what"], "flagged", "{context}: {steps:#?}");
        assert_eq!(steps[0]["why"], k["explanation"], "{context}");
        assert_eq!(steps.last().unwrap()["what"], "verdict partly", "{context}: {steps:#?}");
        let attached: Vec<&Value> = steps.iter().filter(|s| string(s, "what").ends_with(" attached")).collect();
        let later = one(
            &conn,
            &format!(
                "SELECT count(*) FROM conflict_claims cc JOIN conflicts k ON k.id = cc.conflict_id
                  WHERE k.id = {id} AND cc.added > k.created"
            ),
        );
        assert_eq!(attached.len() as i64, later, "{context}: {steps:#?}");
        for s in attached {
            let (what, why) = (string(s, "what"), string(s, "why"));
            assert!(reasons.iter().any(|r| r == why), "{context}, {what}: {why:?} is not among {reasons:#?}");
            let claim = what.trim_start_matches("claim ").trim_end_matches(" attached");
            assert!(why.contains(&format!("{claim} (")), "{context}, {what}: {why:?}");
            check_member_reason(string(k, "kind"), why, &context);
        }
        attached_in_all += later;
    }
    assert!(attached_in_all >= 20, "only {attached_in_all} claims attached in later runs");
}

/// One table of an `export csv`: its header and rows.
struct CsvTable {
    header: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

impl CsvTable {
    fn read(path: &std::path::Path) -> CsvTable {
        let mut csv = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header = csv.headers().unwrap().clone();
        CsvTable { header, rows: csv.records().map(Result::unwrap).collect() }
    }

    /// The index of column `name`.
    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} in {:?}", self.header))
    }
}

/// Runs `export csv` into the test's folder and returns that folder.
fn export_csv(t: &TestDir) -> std::path::PathBuf {
    let out = t.path().join("csv");
    t.run(&["export", "csv", out.to_str().unwrap()]).expect_code(0);
    out
}

/// `export csv` gives each conflict claim the reason `conflict ID` gives it: per conflict,
/// the reasons of conflict_claims.csv in the order the claims were attached are the
/// conflict's `reasons`, and the two claims that flagged it (the only pair that attached
/// both its claims) have its explanation word for word.
#[test]
fn export_csv_gives_the_reasons_conflict_gives() {
    let t = every_fixture_by_letter();
    let table = CsvTable::read(&export_csv(&t).join("conflict_claims.csv"));
    let (at, records) = (|name: &str| table.col(name), &table.rows);
    let conflicts = all_conflicts(&t);
    for k in &conflicts {
        let id = k["id"].to_string();
        let context = format!("conflict #{id}");
        let mut rows: Vec<&csv::StringRecord> = records.iter().filter(|r| r[at("conflict_id")] == *id).collect();
        assert_eq!(rows.len(), array(&k["claims"], "claims").len(), "{context}");
        rows.sort_by_key(|r| (r[at("added")].to_string(), r[at("claim_id")].parse::<i64>().unwrap()));
        let mut in_csv: Vec<&str> = Vec::new();
        for r in &rows {
            if !in_csv.contains(&&r[at("reason")]) {
                in_csv.push(&r[at("reason")]);
            }
        }
        assert_eq!(in_csv, strings(k, "reasons"), "{context}: conflict_claims.csv and conflict {id} differ");
        let flagging: Vec<&&csv::StringRecord> = rows
            .iter()
            .filter(|r| {
                let pair = [&r[at("pair_a")], &r[at("pair_b")]];
                let attached_by_it = rows.iter().filter(|o| [&o[at("pair_a")], &o[at("pair_b")]] == pair);
                attached_by_it.map(|o| &o[at("claim_id")]).collect::<BTreeSet<_>>() == pair.into_iter().collect()
            })
            .collect();
        assert_eq!(flagging.len(), 2, "{context}: the claims that flagged it: {flagging:?}");
        for r in flagging {
            assert_eq!(&r[at("reason")], string(k, "explanation"), "{context}: {r:?}");
        }
    }
    assert_eq!(records.len(), conflicts.iter().map(|k| array(&k["claims"], "claims").len()).sum::<usize>());
}

/// Agreements are stored as the agreeing claim and a rule since migration 5; `export csv`
/// writes each out in the words of its rule, about the claim's own figure, event or side,
/// with the places: never a stand-in.
#[test]
fn export_csv_writes_every_agreement_in_the_words_of_its_rule() {
    let t = every_fixture_by_letter();
    let out = export_csv(&t);
    let claims = CsvTable::read(&out.join("claims.csv"));
    let facts: std::collections::HashMap<String, (String, String, String)> = claims
        .rows
        .iter()
        .map(|c| {
            let fact = |name: &str| c[claims.col(name)].to_string();
            (fact("id"), (fact("event_type"), fact("actor_side"), fact("quantity_measure")))
        })
        .collect();
    let corroborations = CsvTable::read(&out.join("corroborations.csv"));
    let at = |name: &str| corroborations.col(name);
    let mut rules = BTreeSet::new();
    for r in &corroborations.rows {
        let (rule, reason) = (&r[at("rule")], &r[at("reason")]);
        let (event, side, measure) = &facts[&r[at("claim_id")]];
        let words = match rule {
            "count" => format!("agrees on {measure} (ranges overlap); "),
            "event" => format!("agrees: both assert the {event}; "),
            "control" => format!("agrees: both put the place in {side} hands; "),
            other => panic!("an agreement under a rule this version does not write: {other:?} in {r:?}"),
        };
        assert!(reason.starts_with(&words), "corroborations.csv: {words:?} expected: {r:?}");
        let places = &reason[words.len()..];
        assert!(places.starts_with("same place: ") || places.contains(" lies in "), "no places: {r:?}");
        for s in STAND_INS {
            assert!(!reason.contains(s), "a stand-in ({s:?}) for an agreement: {r:?}");
        }
        rules.insert(rule.to_string());
    }
    assert_eq!(rules, ["control", "count", "event"].map(String::from).into(), "the fixtures agree under every rule");
}
