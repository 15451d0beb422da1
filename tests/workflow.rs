//! The fact-checkers' workflow end to end, through the real binary: verdicts, ratings,
//! reopening, the append-only history, reviews surviving re-ingestion and new material,
//! concurrent reviewers, audits and their exit codes, ClaimReview and CSV exports, and the
//! desk report (escaping, self-containment, filters).
//!
//! Every test builds its own small desk in a fresh directory: a Reuters-style article
//! (local sources say government forces withdrew from Palmyra on 6 Dec 2024), a SANA-style
//! denial the same day (a military source calls the reports baseless), a wire article whose
//! quoted statement carries `<script>` and `"onerror=` and joins the Palmyra conflict, and a
//! second AFP / SANA pair about Hama, so there are two conflicts to review.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::TestDir;
use rusqlite::Connection;
use serde_json::Value;

const REUTERS: &str = "---
title: Syrian government forces withdraw from Palmyra, residents say
outlet: Reuters
url: https://example.org/reuters/syria-palmyra-withdrawal-2024-12-06
published: 2024-12-06
lang: en
---
Syrian government forces withdraw from Palmyra, residents say
AMMAN, Dec 6 (Reuters) - Syrian government forces withdrew from the desert city of Palmyra on Friday, local sources said.
The soldiers headed west towards Homs, leaving heavy weapons behind, one of the residents said.
Reuters could not independently verify the reports.
";

const SANA: &str = "---
title: Military source - reports of withdrawal from Palmyra baseless
outlet: SANA
url: https://example.org/sana/en/military-source-palmyra-baseless
published: 2024-12-06
lang: en
---
Military source: reports of withdrawal from Palmyra baseless
Damascus, SANA - A military source said on Friday that reports circulated by some media outlets about the withdrawal of army units from Palmyra are baseless.
The source said army units are present in the city and continue to carry out their duties.
";

const SCRIPT: &str = "---
title: Monitor says army left Palmyra
outlet: Example Wire
url: https://example.org/wire/palmyra-monitor
published: 2024-12-06
lang: en
---
Monitor says army left Palmyra
The Syrian Observatory for Human Rights said government forces withdrew from Palmyra on Friday, calling it \"<script>alert(1)</script> a rout \"onerror=alert(2)\".
";

const AFP_HAMA: &str = "---
title: Syrian army leaves Hama, monitor says
outlet: AFP
url: https://example.org/afp/army-leaves-hama-2024-12-05
published: 2024-12-05
lang: en
---
Syrian army leaves Hama, monitor says
BEIRUT, Dec 5 (AFP) - Syrian troops withdrew from the city of Hama on Thursday, the Syrian Observatory for Human Rights said.
";

const SANA_HAMA: &str = "---
title: Military source - reports about Hama are false
outlet: SANA
url: https://example.org/sana/en/military-source-hama-false
published: 2024-12-05
lang: en
---
Military source: reports about Hama are false
Damascus, SANA - A military source said on Thursday that reports of the withdrawal of army units from Hama are completely false.
";

/// Ingested later: one more asserting claim for the Palmyra conflict.
const GUARDIAN: &str = "---
title: Assad's forces abandon Palmyra
outlet: The Guardian
url: https://example.org/theguardian/2024/dec/07/assad-forces-abandon-palmyra
published: 2024-12-07
lang: en
---
Assad's forces abandon Palmyra
Government forces abandoned the ancient city of Palmyra on Friday night, according to local residents.
";

const ARTICLE_URLS: [&str; 6] = [
    "https://example.org/reuters/syria-palmyra-withdrawal-2024-12-06",
    "https://example.org/sana/en/military-source-palmyra-baseless",
    "https://example.org/wire/palmyra-monitor",
    "https://example.org/afp/army-leaves-hama-2024-12-05",
    "https://example.org/sana/en/military-source-hama-false",
    "https://example.org/theguardian/2024/dec/07/assad-forces-abandon-palmyra",
];

const FILES: [&str; 5] = ["a-reuters.md", "b-sana.md", "c-wire.md", "d-afp.md", "e-sana.md"];

/// A desk with the fixture checked in and the ids the tests need.
struct Desk {
    t: TestDir,
    /// The Palmyra withdrawal conflict and its claims.
    palmyra: i64,
    palmyra_claims: Vec<i64>,
    /// Local sources (Reuters): asserts the withdrawal.
    asserted: i64,
    /// The military source (SANA): denies it.
    denied: i64,
    /// The monitor's statement carrying `<script>` and `"onerror=`.
    script_claim: i64,
    /// The Hama withdrawal conflict and its claims.
    hama: i64,
    hama_claims: Vec<i64>,
}

fn conflict_claims(c: &Value) -> Vec<i64> {
    c["claims"].as_array().unwrap().iter().map(|k| k["claim_id"].as_i64().unwrap()).collect()
}

fn write_articles(t: &TestDir) {
    t.write("a-reuters.md", REUTERS);
    t.write("b-sana.md", SANA);
    t.write("c-wire.md", SCRIPT);
    t.write("d-afp.md", AFP_HAMA);
    t.write("e-sana.md", SANA_HAMA);
}

/// Checks the five articles into a fresh database in `t` and finds the conflicts and claims.
fn check_desk(t: TestDir) -> Desk {
    write_articles(&t);
    let mut args = vec!["check"];
    args.extend(FILES);
    let r = t.run(&args);
    r.expect_code(0);
    assert!(r.stdout().contains("Conflict #"), "check prints the reconciliation tables\n{}", r.describe());
    let list = t.run(&["conflicts", "--format", "json"]).expect_code(0).json();
    let list = list.as_array().expect("conflicts JSON is an array");
    assert_eq!(list.len(), 2, "the fixture flags two conflicts: {list:#?}");
    let has_place = |c: &Value, p: &str| c["places"].as_array().unwrap().iter().any(|x| x.as_str() == Some(p));
    let palmyra = list.iter().find(|c| has_place(c, "Tadmur")).expect("Palmyra conflict");
    let hama = list.iter().find(|c| has_place(c, "Hamah")).expect("Hama conflict");
    for c in [palmyra, hama] {
        assert_eq!(c["kind"], "denial");
        assert_eq!(c["event"], "withdrawal");
        assert_eq!(c["status"], "open");
        assert_eq!(c["new_material"], false);
    }
    let claim_where = |c: &Value, f: &dyn Fn(&Value) -> bool| -> i64 {
        c["claims"].as_array().unwrap().iter().find(|k| f(k)).unwrap_or_else(|| panic!("claim missing in {c:#}"))
            ["claim_id"]
            .as_i64()
            .unwrap()
    };
    let asserted = claim_where(palmyra, &|k| k["claimant"] == "local sources" && k["polarity"] == "asserted");
    let denied = claim_where(palmyra, &|k| k["article"]["outlet"] == "SANA" && k["polarity"] == "denied");
    let script_claim = claim_where(palmyra, &|k| k["text"].as_str().unwrap().contains("<script>alert(1)</script>"));
    Desk {
        palmyra: palmyra["id"].as_i64().unwrap(),
        palmyra_claims: conflict_claims(palmyra),
        asserted,
        denied,
        script_claim,
        hama: hama["id"].as_i64().unwrap(),
        hama_claims: conflict_claims(hama),
        t,
    }
}

/// Checked once per test run (creating a database costs about two seconds, mostly waiting
/// on the disk); every test gets its own copy of the database file and the articles.
static TEMPLATE: std::sync::OnceLock<Desk> = std::sync::OnceLock::new();

fn desk() -> Desk {
    let tpl = TEMPLATE.get_or_init(|| {
        // Under target/tmp: a static is never dropped, `cargo clean` removes it.
        let dir = tempfile::Builder::new()
            .prefix("workflow-desk-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("template dir");
        let d = check_desk(TestDir { dir });
        // Everything into the main file, so copying that one file copies the database.
        let conn = d.sql();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        drop(conn);
        d
    });
    let t = TestDir::new();
    write_articles(&t);
    std::fs::copy(tpl.t.db(), t.db()).expect("copy the template database");
    Desk {
        t,
        palmyra: tpl.palmyra,
        palmyra_claims: tpl.palmyra_claims.clone(),
        asserted: tpl.asserted,
        denied: tpl.denied,
        script_claim: tpl.script_claim,
        hama: tpl.hama,
        hama_claims: tpl.hama_claims.clone(),
    }
}

/// The same desk built from scratch in the test's own directory (no copy).
#[test]
fn check_flags_the_fixture_conflicts_in_a_fresh_database() {
    let d = check_desk(TestDir::new());
    let tpl = desk();
    assert_eq!((d.palmyra, d.hama), (tpl.palmyra, tpl.hama));
    assert_eq!(d.palmyra_claims, tpl.palmyra_claims);
    assert!(d.palmyra_claims.contains(&d.script_claim), "the <script> statement is a claim of the conflict");
    assert!(d.palmyra_claims.contains(&d.asserted) && d.palmyra_claims.contains(&d.denied));
    assert_eq!(d.hama_claims.len(), 2);
    assert_eq!(
        d.run(&["history", &d.palmyra.to_string(), "--format", "json"]).expect_code(0).json()[0]["what"],
        "flagged"
    );
    // The copy is a working database of its own.
    tpl.run(&["audit"]).expect_code(0);
}

impl Desk {
    fn run(&self, args: &[&str]) -> common::Run {
        self.t.run(args)
    }

    fn sql(&self) -> Connection {
        Connection::open(self.t.db()).unwrap()
    }

    fn conflict(&self, id: i64) -> Value {
        self.run(&["conflict", &id.to_string(), "--format", "json"]).expect_code(0).json()
    }

    fn status(&self, id: i64) -> String {
        self.conflict(id)["status"].as_str().unwrap().to_string()
    }

    fn history(&self, id: i64) -> Vec<Value> {
        self.run(&["history", &id.to_string(), "--format", "json"]).expect_code(0).json().as_array().unwrap().clone()
    }

    fn reviews(&self) -> i64 {
        self.sql().query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap()
    }

    fn review(&self, id: i64, verdict: &str, note: &str, by: &str, extra: &[&str]) -> common::Run {
        let id = id.to_string();
        let mut args = vec!["review", &id, "--verdict", verdict, "--note", note, "--by", by];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn report_json(&self, extra: &[&str]) -> Value {
        let mut args = vec!["report", "--format", "json"];
        args.extend_from_slice(extra);
        self.run(&args).expect_code(0).json()
    }
}

/// The ids of every conflict a JSON report shows, open and resolved.
fn report_conflicts(r: &Value) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for events in r["open"].as_object().unwrap().values() {
        for list in events.as_object().unwrap().values() {
            for c in list.as_array().unwrap() {
                out.push((c["id"].as_i64().unwrap(), c["status"].as_str().unwrap().to_string()));
            }
        }
    }
    for x in r["resolved"].as_array().unwrap() {
        out.push((x["conflict"]["id"].as_i64().unwrap(), x["conflict"]["status"].as_str().unwrap().to_string()));
    }
    out.sort();
    out
}

fn precision(d: &Desk) -> Option<f64> {
    let s = d.run(&["stats", "--format", "json"]).expect_code(0).json();
    let denial = s.as_array().unwrap().iter().find(|k| k["kind"] == "denial").expect("denial row in stats");
    denial["precision"].as_f64()
}

// ---------------------------------------------------------------------------------------
// Verdicts

#[test]
fn upheld_with_a_claim_of_the_conflict_resolves_it() {
    let d = desk();
    let upheld = format!("upheld:{}", d.asserted);
    let r = d.review(d.palmyra, &upheld, "Satellite imagery shows the base empty", "Alice", &[]);
    r.expect_code(0);
    assert!(r.stdout().contains("status resolved"), "{}", r.describe());
    assert_eq!(d.status(d.palmyra), "resolved");
    let h = d.history(d.palmyra);
    let last = h.last().unwrap();
    assert_eq!(last["what"], format!("verdict upheld: claim #{}", d.asserted));
    assert_eq!(last["who"], "Alice");
    assert_eq!(last["status"], "resolved");
    // The other conflict is untouched.
    assert_eq!(d.status(d.hama), "open");
}

#[test]
fn upheld_with_a_foreign_claim_is_refused_and_stores_nothing() {
    let d = desk();
    let foreign = d.hama_claims[0];
    assert!(!d.palmyra_claims.contains(&foreign));
    let r = d.review(d.palmyra, &format!("upheld:{foreign}"), "wrong claim", "Alice", &[]);
    r.expect_code(2);
    assert!(r.stderr().contains("not part of conflict"), "{}", r.describe());
    assert_eq!(d.reviews(), 0);
    assert_eq!(d.status(d.palmyra), "open");
    assert_eq!(d.history(d.palmyra).len(), 1, "only the 'flagged' step");
    // A claim id that does not exist at all, and a malformed one.
    d.review(d.palmyra, "upheld:99999", "no such claim", "Alice", &[]).expect_code(2);
    d.review(d.palmyra, "upheld:abc", "malformed", "Alice", &[]).expect_code(2);
    assert_eq!(d.reviews(), 0);
}

#[test]
fn both_wrong_and_partly_resolve() {
    let d = desk();
    d.review(d.palmyra, "both-wrong", "Troops left the town but not the airbase", "Alice", &[]).expect_code(0);
    d.review(d.hama, "partly", "Partial withdrawal from the northern districts", "Bob", &[]).expect_code(0);
    assert_eq!(d.status(d.palmyra), "resolved");
    assert_eq!(d.status(d.hama), "resolved");
    assert_eq!(d.history(d.palmyra).last().unwrap()["what"], "verdict both-wrong");
    assert_eq!(d.history(d.hama).last().unwrap()["what"], "verdict partly");
    let resolved = d.run(&["conflicts", "--status", "resolved", "--format", "json"]).expect_code(0).json();
    assert_eq!(resolved.as_array().unwrap().len(), 2);
}

#[test]
fn not_a_conflict_dismisses_and_lowers_precision() {
    let d = desk();
    assert_eq!(precision(&d), None, "no review yet, no precision");
    d.review(d.palmyra, &format!("upheld:{}", d.denied), "Army still there", "Alice", &[]).expect_code(0);
    assert_eq!(precision(&d), Some(1.0));
    d.review(d.hama, "not-a-conflict", "The two reports speak of different districts", "Bob", &[]).expect_code(0);
    assert_eq!(d.status(d.hama), "dismissed");
    assert_eq!(precision(&d), Some(0.5));
    let s = d.run(&["stats", "--format", "json"]).expect_code(0).json();
    let denial = &s.as_array().unwrap()[0];
    assert_eq!(denial["flagged"], 2);
    assert_eq!(denial["reviewed"], 2);
    assert_eq!(denial["dismissed_false_alarm"], 1);
    assert_eq!(denial["open"], 0);
    let table = d.run(&["stats"]).expect_code(0).stdout();
    assert!(table.contains("50%"), "{table}");
}

#[test]
fn unresolvable_leaves_the_conflict_in_review() {
    let d = desk();
    let r = d.review(d.palmyra, "unresolvable", "No independent access to Palmyra", "Alice", &[]);
    r.expect_code(0);
    assert!(r.stdout().contains("status in-review"), "{}", r.describe());
    assert_eq!(d.status(d.palmyra), "in-review");
    let list = d.run(&["conflicts", "--status", "in-review", "--format", "json"]).expect_code(0).json();
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![d.palmyra]);
}

#[test]
fn confidence_and_evidence_are_stored_apart_and_shown_in_history() {
    let d = desk();
    d.review(
        d.palmyra,
        &format!("upheld:{}", d.asserted),
        "Imagery and two witnesses",
        "Alice",
        &[
            "--confidence",
            "medium",
            "--evidence",
            "https://example.org/imagery/palmyra-2024-12-07",
            "--evidence",
            "http://example.org/witness",
        ],
    )
    .expect_code(0);
    let (verdict, confidence, evidence): (String, String, String) = d
        .sql()
        .query_row("SELECT verdict, confidence, evidence FROM reviews", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    assert_eq!(verdict, "upheld", "confidence is not folded into the verdict");
    assert_eq!(confidence, "medium");
    let ev: Vec<String> = serde_json::from_str(&evidence).unwrap();
    assert_eq!(ev, ["https://example.org/imagery/palmyra-2024-12-07", "http://example.org/witness"]);
    let last = d.history(d.palmyra).last().unwrap().clone();
    assert_eq!(last["confidence"], "medium");
    assert_eq!(last["evidence"][0], "https://example.org/imagery/palmyra-2024-12-07");
    assert_eq!(last["evidence"][1], "http://example.org/witness");
    let table = d.run(&["history", &d.palmyra.to_string()]).expect_code(0).stdout();
    assert!(table.contains("confidence: medium"), "{table}");
    assert!(table.contains("evidence:"), "{table}");
    // Without --confidence the column stays empty.
    d.review(d.hama, "partly", "Some units left", "Bob", &[]).expect_code(0);
    assert!(d.history(d.hama).last().unwrap()["confidence"].is_null());
}

#[test]
fn invalid_review_input_exits_2_and_stores_nothing() {
    let d = desk();
    let id = d.palmyra;
    let bad: Vec<(&str, Vec<&str>)> = vec![
        ("unknown confidence", vec!["--confidence", "certain"]),
        ("evidence not a URL", vec!["--evidence", "a witness told me"]),
        ("evidence not http(s)", vec!["--evidence", "javascript:alert(1)"]),
        ("evidence ftp", vec!["--evidence", "ftp://example.org/x"]),
    ];
    for (why, extra) in bad {
        let r = d.review(id, "partly", "note", "Alice", &extra);
        assert_eq!(r.code(), 2, "{why}\n{}", r.describe());
    }
    d.review(id, "maybe", "note", "Alice", &[]).expect_code(2);
    d.review(id, "partly", "  ", "Alice", &[]).expect_code(2);
    d.review(id, "partly", "note", "", &[]).expect_code(2);
    d.review(99999, "partly", "no such conflict", "Alice", &[]).expect_code(2);
    d.run(&["review", &id.to_string(), "--verdict", "partly", "--by", "Alice"]).expect_code(2); // no --note
    assert_eq!(d.reviews(), 0);
    assert_eq!(d.status(id), "open");
}

/// `review A B --verdict upheld:X` where X belongs to A only: the command fails (exit 2), yet
/// the verdict on A is already committed — a retry after the error then records it twice.
#[test]
fn review_of_several_ids_is_all_or_nothing() {
    let d = desk();
    let upheld = format!("upheld:{}", d.asserted);
    let r = d.run(&[
        "review",
        &d.palmyra.to_string(),
        &d.hama.to_string(),
        "--verdict",
        &upheld,
        "--note",
        "n",
        "--by",
        "Alice",
    ]);
    assert_eq!(r.code(), 2, "{}", r.describe());
    assert_eq!(d.reviews(), 0, "an error must leave nothing stored\n{}", r.describe());
    assert_eq!(d.status(d.palmyra), "open");
}

#[test]
fn review_of_several_ids_records_each() {
    let d = desk();
    let r = d.run(&[
        "review",
        &d.palmyra.to_string(),
        &d.hama.to_string(),
        "--verdict",
        "both-wrong",
        "--note",
        "n",
        "--by",
        "A",
    ]);
    r.expect_code(0);
    assert_eq!(r.stdout().lines().filter(|l| l.contains("recorded")).count(), 2, "{}", r.describe());
    assert_eq!(d.reviews(), 2);
    assert_eq!(d.status(d.palmyra), "resolved");
    assert_eq!(d.status(d.hama), "resolved");
}

// ---------------------------------------------------------------------------------------
// Ratings

#[test]
fn rate_records_a_rating_and_refuses_invalid_ones() {
    let d = desk();
    let claim = d.denied.to_string();
    let r = d.run(&["rate", &claim, "--rating", "mostly-false", "--note", "Army gone by Saturday", "--by", "Carol"]);
    r.expect_code(0);
    assert!(r.stdout().contains("mostly-false"), "{}", r.describe());
    for rating in ["true", "mostly-true", "mixed", "false", "unverifiable"] {
        d.run(&["rate", &claim, "--rating", rating, "--note", "n", "--by", "Carol"]).expect_code(0);
    }
    let count =
        |d: &Desk| -> i64 { d.sql().query_row("SELECT count(*) FROM claim_ratings", [], |r| r.get(0)).unwrap() };
    assert_eq!(count(&d), 6);
    d.run(&["rate", &claim, "--rating", "pants-on-fire", "--note", "n", "--by", "Carol"]).expect_code(2);
    d.run(&["rate", &claim, "--rating", "True", "--note", "n", "--by", "Carol"]).expect_code(2);
    d.run(&["rate", "99999", "--rating", "true", "--note", "n", "--by", "Carol"]).expect_code(2);
    d.run(&["rate", &claim, "--rating", "true", "--note", "", "--by", "Carol"]).expect_code(2);
    d.run(&["rate", &claim, "--rating", "true", "--note", "n", "--by", " "]).expect_code(2);
    assert_eq!(count(&d), 6, "refused ratings store nothing");
    let (rating, reviewer): (String, String) = d
        .sql()
        .query_row("SELECT rating, reviewer FROM claim_ratings ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((rating.as_str(), reviewer.as_str()), ("mostly-false", "Carol"));
}

// ---------------------------------------------------------------------------------------
// Reopening and history

#[test]
fn reopen_returns_a_reviewed_conflict_to_open_and_refuses_an_open_one() {
    let d = desk();
    let id = d.palmyra.to_string();
    let r = d.run(&["reopen", &id, "--note", "not reviewed yet", "--by", "Dan"]);
    r.expect_code(2);
    assert!(r.stderr().contains("already open"), "{}", r.describe());
    assert_eq!(d.reviews(), 0);

    d.review(d.palmyra, "not-a-conflict", "different units", "Alice", &[]).expect_code(0);
    assert_eq!(d.status(d.palmyra), "dismissed");
    d.run(&["reopen", &id, "--note", "The SANA denial names the same units", "--by", "Dan"]).expect_code(0);
    assert_eq!(d.status(d.palmyra), "open");
    d.run(&["reopen", &id, "--note", "again", "--by", "Dan"]).expect_code(2);

    d.review(d.palmyra, "unresolvable", "no access", "Alice", &[]).expect_code(0);
    d.run(&["reopen", &id, "--note", "a witness came forward", "--by", "Dan"]).expect_code(0);
    assert_eq!(d.status(d.palmyra), "open");
    d.review(d.palmyra, "partly", "witness says some left", "Alice", &[]).expect_code(0);
    d.run(&["reopen", &id, "--note", "new imagery", "--by", "Dan"]).expect_code(0);
    assert_eq!(d.status(d.palmyra), "open");

    d.run(&["reopen", &id, "--note", "", "--by", "Dan"]).expect_code(2);
    d.run(&["reopen", "99999", "--note", "n", "--by", "Dan"]).expect_code(2);
    let last = d.history(d.palmyra).last().unwrap().clone();
    assert_eq!(last["what"], "reopened");
    assert_eq!(last["who"], "Dan");
    assert_eq!(last["why"], "new imagery");
    assert_eq!(last["status"], "open");
}

#[test]
fn history_lists_every_step_in_order_with_who_what_why() {
    let d = desk();
    let id = d.palmyra.to_string();
    d.review(d.palmyra, "unresolvable", "No access to the city", "Alice", &[]).expect_code(0);
    d.run(&["reopen", &id, "--note", "Reuters photographer reached Palmyra", "--by", "Bob"]).expect_code(0);
    // A second apart, so the order is visible in the timestamps too.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    d.review(
        d.palmyra,
        "both-wrong",
        "Units left the town, stayed at the airbase",
        "Carol",
        &["--confidence", "low", "--evidence", "https://example.org/photos/palmyra"],
    )
    .expect_code(0);
    d.run(&["reopen", &id, "--note", "Airbase abandoned too", "--by", "Dan"]).expect_code(0);
    d.review(d.palmyra, &format!("upheld:{}", d.asserted), "Full withdrawal confirmed", "Erin", &[]).expect_code(0);

    let h = d.history(d.palmyra);
    let col = |k: &str| h.iter().map(|s| s[k].as_str().unwrap_or("").to_string()).collect::<Vec<_>>();
    assert_eq!(
        col("what"),
        [
            "flagged".to_string(),
            "verdict unresolvable".into(),
            "reopened".into(),
            "verdict both-wrong".into(),
            "reopened".into(),
            format!("verdict upheld: claim #{}", d.asserted),
        ]
    );
    assert_eq!(col("who"), ["claimtrack", "Alice", "Bob", "Carol", "Dan", "Erin"]);
    assert_eq!(col("status"), ["open", "in-review", "open", "resolved", "open", "resolved"]);
    let why = col("why");
    assert!(why[0].starts_with("denial:"), "flagged step says why: {}", why[0]);
    assert_eq!(
        &why[1..],
        [
            "No access to the city",
            "Reuters photographer reached Palmyra",
            "Units left the town, stayed at the airbase",
            "Airbase abandoned too",
            "Full withdrawal confirmed"
        ]
    );
    let when = col("when");
    for w in &when {
        assert_eq!(w.len(), 24, "ISO timestamp to the millisecond: {w}");
        assert!(w.ends_with('Z') && w.as_bytes()[10] == b'T', "ISO timestamp: {w}");
    }
    assert!(when.windows(2).all(|p| p[0] <= p[1]), "chronological: {when:?}");
    assert!(when[2] < when[3], "the sleep separates reopen and the second verdict: {when:?}");
    assert_eq!(h[3]["confidence"], "low");
    assert_eq!(h[3]["evidence"][0], "https://example.org/photos/palmyra");

    // The table shows the same steps, oldest first.
    let table = d.run(&["history", &id]).expect_code(0).stdout();
    let pos = |s: &str| table.find(s).unwrap_or_else(|| panic!("{s} missing in\n{table}"));
    assert!(pos("flagged") < pos("Alice"));
    assert!(pos("Alice") < pos("Bob") && pos("Bob") < pos("Carol") && pos("Carol") < pos("Dan"));
    assert!(pos("Dan") < pos("Erin"));
    d.run(&["history", "99999"]).expect_code(2);
}

#[test]
fn reviews_and_ratings_are_append_only() {
    let d = desk();
    d.review(d.palmyra, "partly", "original note", "Alice", &[]).expect_code(0);
    d.run(&["rate", &d.denied.to_string(), "--rating", "false", "--note", "original", "--by", "Carol"]).expect_code(0);
    let conn = d.sql();
    for sql in [
        "UPDATE reviews SET note = 'rewritten'",
        "UPDATE reviews SET verdict = 'both-wrong'",
        "DELETE FROM reviews",
        "UPDATE claim_ratings SET rating = 'true'",
        "DELETE FROM claim_ratings",
    ] {
        let err = conn.execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    drop(conn);
    let last = d.history(d.palmyra).last().unwrap().clone();
    assert_eq!(last["why"], "original note");
    assert_eq!(last["what"], "verdict partly");
    assert_eq!(d.reviews(), 1);
    // A second verdict is a new row; the first stays as it was.
    d.review(d.palmyra, "both-wrong", "second look", "Bob", &[]).expect_code(0);
    let h = d.history(d.palmyra);
    assert_eq!(h.len(), 3);
    assert_eq!(h[1]["why"], "original note");
    assert_eq!(h[2]["why"], "second look");
}

// ---------------------------------------------------------------------------------------
// Reviews survive re-ingestion and new material

#[test]
fn reviews_survive_reingest_and_new_claims_mark_new_material() {
    let d = desk();
    let upheld = format!("upheld:{}", d.asserted);
    d.review(d.palmyra, &upheld, "Confirmed by imagery", "Alice", &["--confidence", "high"]).expect_code(0);
    d.review(d.hama, "not-a-conflict", "different units", "Bob", &[]).expect_code(0);
    let before = d.history(d.palmyra);

    // The same files again: nothing new, nothing reopened, nothing rewritten.
    let mut args = vec!["ingest"];
    args.extend(FILES);
    d.run(&args).expect_code(0);
    d.run(&["check", "a-reuters.md", "b-sana.md"]).expect_code(0);
    assert_eq!(d.history(d.palmyra), before);
    let c = d.conflict(d.palmyra);
    assert_eq!(c["status"], "resolved");
    assert_eq!(c["new_material"], false);
    assert_eq!(d.status(d.hama), "dismissed");

    // A new article with one more claim on the resolved conflict.
    d.t.write("f-guardian.md", GUARDIAN);
    d.run(&["ingest", "f-guardian.md"]).expect_code(0);
    let c = d.conflict(d.palmyra);
    assert_eq!(c["status"], "resolved", "new material does not reopen silently");
    assert_eq!(c["new_material"], true);
    let claims = conflict_claims(&c);
    assert_eq!(claims.len(), d.palmyra_claims.len() + 1, "the new claim is attached");
    let new_claim = *claims.iter().find(|k| !d.palmyra_claims.contains(k)).unwrap();
    let listed = d.run(&["conflicts", "--format", "json"]).expect_code(0).json();
    let row = listed.as_array().unwrap().iter().find(|x| x["id"] == d.palmyra).unwrap().clone();
    assert_eq!(row["new_material"], true);
    assert_eq!(row["status"], "resolved");
    assert!(d.run(&["conflict", &d.palmyra.to_string()]).expect_code(0).stdout().contains("NEW MATERIAL"));

    // The review is still there, the attachment comes after it.
    let h = d.history(d.palmyra);
    assert_eq!(&h[..before.len()], &before[..]);
    let attached = h.last().unwrap();
    assert_eq!(attached["what"], format!("claim #{new_claim} attached"));
    assert_eq!(attached["who"], "claimtrack");
    let (verdict, upheld_claim): (String, i64) = d
        .sql()
        .query_row("SELECT verdict, upheld_claim_id FROM reviews WHERE conflict_id = ?1", [d.palmyra], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((verdict.as_str(), upheld_claim), ("upheld", d.asserted));
    // The other conflict is not touched by the Palmyra article.
    assert_eq!(d.conflict(d.hama)["new_material"], false);

    // Ingesting the new article again changes nothing; a fresh verdict takes the new material in.
    d.run(&["ingest", "f-guardian.md"]).expect_code(0);
    assert_eq!(d.history(d.palmyra).len(), h.len());
    d.review(d.palmyra, &upheld, "Guardian report agrees", "Alice", &[]).expect_code(0);
    let c = d.conflict(d.palmyra);
    assert_eq!(c["new_material"], false);
    assert_eq!(c["status"], "resolved");
}

/// A conflict left in review (verdict unresolvable) has had a review; a claim attached after
/// it is new material the reviewer is waiting for (schema.sql: "new_material: claims attached
/// after a review"), but detection only flags resolved and dismissed conflicts.
#[test]
fn new_claims_on_an_in_review_conflict_mark_new_material() {
    let d = desk();
    d.review(d.palmyra, "unresolvable", "waiting for more sources", "Alice", &[]).expect_code(0);
    d.t.write("f-guardian.md", GUARDIAN);
    d.run(&["ingest", "f-guardian.md"]).expect_code(0);
    let c = d.conflict(d.palmyra);
    assert_eq!(c["status"], "in-review");
    assert_eq!(conflict_claims(&c).len(), d.palmyra_claims.len() + 1);
    assert_eq!(c["new_material"], true, "{c:#}");
}

/// A claim attached after the verdict was never seen by the reviewer; publishing a
/// ClaimReview for it (and counting it in the scorecard) silently extends the verdict.
#[test]
fn claims_attached_after_the_verdict_are_not_exported_as_reviewed() {
    let d = desk();
    d.review(d.palmyra, &format!("upheld:{}", d.asserted), "Confirmed", "Alice", &[]).expect_code(0);
    // Make sure the attachment is strictly later than the review.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    d.t.write("f-guardian.md", GUARDIAN);
    d.run(&["ingest", "f-guardian.md"]).expect_code(0);
    let c = d.conflict(d.palmyra);
    let new_claim = *conflict_claims(&c).iter().find(|k| !d.palmyra_claims.contains(k)).unwrap();
    let out = d
        .run(&["export", "claimreview", "--publisher", "Desk", "--publisher-url", "https://desk.example.org"])
        .expect_code(0)
        .json();
    let urls: Vec<String> = out.as_array().unwrap().iter().map(|x| x["url"].as_str().unwrap().to_string()).collect();
    assert!(
        !urls.iter().any(|u| u.ends_with(&format!("#claim-{new_claim}"))),
        "claim #{new_claim} arrived after the verdict and was never reviewed: {urls:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Concurrency

fn spawn_review(dir: &Path, id: i64, verdict: &str, note: &str, by: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_claimtrack"))
        .current_dir(dir)
        .env_remove("CLAIMTRACK_DB")
        .env_remove("CLAIMTRACK_LEXICON")
        .args(["review", &id.to_string(), "--verdict", verdict, "--note", note, "--by", by])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn claimtrack review")
}

#[test]
fn two_reviewers_at_the_same_moment_both_get_their_review_stored() {
    let d = desk();
    let rounds = 10;
    for round in 0..rounds {
        // Even rounds: two different conflicts; odd rounds: both on the Palmyra conflict.
        let (first, second) = if round % 2 == 0 { (d.palmyra, d.hama) } else { (d.palmyra, d.palmyra) };
        let note_a = format!("round {round} reviewer A");
        let note_b = format!("round {round} reviewer B");
        let a = spawn_review(d.t.path(), first, "partly", &note_a, "Reviewer A");
        let b = spawn_review(d.t.path(), second, "both-wrong", &note_b, "Reviewer B");
        for (name, child) in [("A", a), ("B", b)] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: reviewer {name} failed ({})\nstdout: {}\nstderr: {}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let notes: Vec<String> = [d.history(first), d.history(second)]
            .concat()
            .iter()
            .map(|s| s["why"].as_str().unwrap().to_string())
            .collect();
        assert!(notes.contains(&note_a), "round {round}: A's review missing: {notes:?}");
        assert!(notes.contains(&note_b), "round {round}: B's review missing: {notes:?}");
    }
    assert_eq!(d.reviews(), 2 * rounds);
    // Palmyra got A every round and B on odd rounds; Hama got B on even rounds.
    let steps = |id: i64| d.history(id).iter().filter(|s| s["what"].as_str().unwrap().starts_with("verdict")).count();
    assert_eq!(steps(d.palmyra), 15);
    assert_eq!(steps(d.hama), 5);

    // A burst: eight reviewers at once, half on each conflict.
    let burst: Vec<(String, Child)> = (0..8)
        .map(|i| {
            let note = format!("burst reviewer {i}");
            let id = if i % 2 == 0 { d.palmyra } else { d.hama };
            let child = spawn_review(d.t.path(), id, "unresolvable", &note, &format!("Burst {i}"));
            (note, child)
        })
        .collect();
    for (note, child) in burst {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{note}: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    let notes: Vec<String> = [d.history(d.palmyra), d.history(d.hama)]
        .concat()
        .iter()
        .map(|s| s["why"].as_str().unwrap().to_string())
        .collect();
    for i in 0..8 {
        assert!(notes.contains(&format!("burst reviewer {i}")), "burst reviewer {i} missing");
    }
    assert_eq!(d.reviews(), 2 * rounds + 8);
    d.run(&["audit"]).expect_code(0);
}

// ---------------------------------------------------------------------------------------
// Audits

fn audit_json(d: &Desk, extra: &[&str], code: i32) -> Value {
    let mut args = vec!["audit", "--format", "json"];
    args.extend_from_slice(extra);
    let r = d.run(&args);
    r.expect_code(code);
    let text = r.stdout();
    let compact: String = text.split_whitespace().collect();
    assert!(compact.ends_with("\"complete\":true}"), "\"complete\": true must be the last key\n{text}");
    r.json()
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("check {name} missing in {report:#}"))
}

#[test]
fn audit_passes_on_a_healthy_database_with_complete_json() {
    let d = desk();
    let r = d.run(&["audit"]).expect_code(0).stdout();
    assert!(!r.contains("FAIL"), "{r}");
    let j = audit_json(&d, &[], 0);
    for name in ["integrity_check", "foreign_key_check", "statement_spans"] {
        assert_eq!(check(&j, name)["ok"], true, "{name}: {j:#}");
    }
    assert_eq!(check(&j, "integrity_check")["detail"], "ok");
    assert_eq!(j["failed"], 0);
    assert_eq!(j["complete"], true);
    assert_eq!(j["counts"]["articles"], 5);
    assert_eq!(j["counts"]["conflicts"], 2);
    assert_eq!(j["counts"]["open"], 2);
}

#[test]
fn audit_max_open() {
    let d = desk();
    assert_eq!(check(&audit_json(&d, &["--max-open", "2"], 0), "max_open")["ok"], true);
    let j = audit_json(&d, &["--max-open", "1"], 1);
    assert_eq!(check(&j, "max_open")["ok"], false);
    assert_eq!(check(&j, "max_open")["figure"], 2);
    assert_eq!(j["failed"], 1);
    assert!(d.run(&["audit", "--max-open", "0"]).expect_code(1).stdout().contains("FAIL max_open"));
    // In review still counts as open; resolved and dismissed do not.
    d.review(d.palmyra, "unresolvable", "n", "A", &[]).expect_code(0);
    d.run(&["audit", "--max-open", "1"]).expect_code(1);
    d.review(d.palmyra, "partly", "n", "A", &[]).expect_code(0);
    d.run(&["audit", "--max-open", "1"]).expect_code(0);
    d.review(d.hama, "not-a-conflict", "n", "A", &[]).expect_code(0);
    d.run(&["audit", "--max-open", "0"]).expect_code(0);
}

#[test]
fn audit_max_age() {
    let d = desk();
    assert_eq!(check(&audit_json(&d, &["--max-age", "24"], 0), "max_age")["figure"], 0);
    d.sql()
        .execute(
            "UPDATE conflicts SET created = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-72 hours') WHERE id = ?1",
            [d.hama],
        )
        .unwrap();
    let j = audit_json(&d, &["--max-age", "24"], 1);
    assert_eq!(check(&j, "max_age")["ok"], false);
    assert_eq!(check(&j, "max_age")["figure"], 1);
    assert!(d.run(&["audit", "--max-age", "48"]).expect_code(1).stdout().contains("FAIL max_age"));
    d.run(&["audit", "--max-age", "100"]).expect_code(0);
    // Without --max-age the old conflict is not a failure.
    d.run(&["audit"]).expect_code(0);
    // Once resolved it no longer counts.
    d.review(d.hama, "both-wrong", "n", "A", &[]).expect_code(0);
    d.run(&["audit", "--max-age", "24"]).expect_code(0);
}

#[test]
fn audit_unreviewed_kind() {
    let d = desk();
    let j = audit_json(&d, &["--unreviewed-kind", "denial", "--unreviewed-kind", "numeric"], 1);
    assert_eq!(check(&j, "unreviewed_denial")["ok"], false);
    assert_eq!(check(&j, "unreviewed_denial")["figure"], 2);
    assert_eq!(check(&j, "unreviewed_numeric")["ok"], true);
    d.run(&["audit", "--unreviewed-kind", "numeric"]).expect_code(0);
    d.review(d.palmyra, "partly", "n", "A", &[]).expect_code(0);
    assert_eq!(check(&audit_json(&d, &["--unreviewed-kind", "denial"], 1), "unreviewed_denial")["figure"], 1);
    d.review(d.hama, "unresolvable", "n", "A", &[]).expect_code(0);
    d.run(&["audit", "--unreviewed-kind", "denial"]).expect_code(0);
    // A reopened conflict has had a review: still counts as reviewed.
    d.run(&["reopen", &d.hama.to_string(), "--note", "n", "--by", "B"]).expect_code(0);
    d.run(&["audit", "--unreviewed-kind", "denial"]).expect_code(0);
    d.run(&["audit", "--unreviewed-kind", "rumour"]).expect_code(2);
}

#[test]
fn audit_statement_spans_detects_a_changed_statement() {
    let d = desk();
    d.sql().execute("UPDATE statements SET text = 'x' WHERE id = (SELECT min(id) FROM statements)", []).unwrap();
    let r = d.run(&["audit"]);
    r.expect_code(1);
    assert!(r.stdout().contains("FAIL statement_spans"), "{}", r.describe());
    let j = audit_json(&d, &[], 1);
    assert_eq!(check(&j, "statement_spans")["ok"], false);
    assert_eq!(check(&j, "statement_spans")["figure"], 1);
    assert_eq!(check(&j, "integrity_check")["ok"], true);
}

#[test]
fn audit_foreign_key_check_detects_a_dangling_row() {
    let d = desk();
    let conn = d.sql();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute(
        "INSERT INTO claim_ratings (claim_id, rating, note, reviewer, created) VALUES (99999, 'true', 'n', 'r', '2024-12-07T00:00:00Z')",
        [],
    )
    .unwrap();
    drop(conn);
    let j = audit_json(&d, &[], 1);
    assert_eq!(check(&j, "foreign_key_check")["ok"], false);
    assert_eq!(check(&j, "foreign_key_check")["figure"], 1);
    assert!(d.run(&["audit"]).expect_code(1).stdout().contains("FAIL foreign_key_check"));
}

#[test]
fn audit_on_something_that_is_not_a_database_exits_2() {
    let t = TestDir::new();
    t.write("notes.db", "These are my notes about Palmyra, not a database. ".repeat(20));
    let r = t.run(&["--db", "notes.db", "audit"]);
    r.expect_code(2);
    assert!(r.stderr().contains("notes.db"), "{}", r.describe());
    let r = t.run(&["--db", "notes.db", "audit", "--format", "json"]);
    r.expect_code(2);
    assert!(!r.stdout().contains("\"complete\""), "no completeness marker on error\n{}", r.describe());
    t.run(&["audit", "--format", "yaml"]).expect_code(2);
}

// ---------------------------------------------------------------------------------------
// Exports

#[test]
fn claimreview_export_has_the_fields_google_requires() {
    let d = desk();
    d.review(
        d.palmyra,
        &format!("upheld:{}", d.asserted),
        "Imagery",
        "Alice",
        &["--evidence", "https://example.org/imagery"],
    )
    .expect_code(0);
    d.run(&["rate", &d.hama_claims[0].to_string(), "--rating", "unverifiable", "--note", "n", "--by", "Carol"])
        .expect_code(0);
    d.run(&["rate", &d.hama_claims[1].to_string(), "--rating", "mostly-false", "--note", "n", "--by", "Carol"])
        .expect_code(0);
    d.run(&[
        "export",
        "claimreview",
        "-o",
        "claimreview.json",
        "--publisher",
        "Desk <Fact> Check",
        "--publisher-url",
        "https://desk.example.org/",
    ])
    .expect_code(0);
    let text = std::fs::read_to_string(d.t.path().join("claimreview.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    let all = all.as_array().unwrap();
    // Every claim of the resolved conflict, plus the two rated ones.
    assert_eq!(all.len(), d.palmyra_claims.len() + 2, "{text}");
    let date = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}$").unwrap();
    for x in all {
        assert_eq!(x["@context"], "https://schema.org", "{x:#}");
        assert_eq!(x["@type"], "ClaimReview");
        assert!(!x["claimReviewed"].as_str().unwrap().trim().is_empty(), "{x:#}");
        let url = x["url"].as_str().unwrap();
        assert!(url.starts_with("https://desk.example.org"), "{url}");
        assert_eq!(x["author"]["name"], "Desk <Fact> Check");
        assert!(!x["author"]["@type"].as_str().unwrap().is_empty());
        assert!(date.is_match(x["datePublished"].as_str().unwrap()), "{x:#}");
        let rating = &x["reviewRating"];
        assert_eq!(rating["@type"], "Rating");
        let name = rating["alternateName"].as_str().unwrap();
        assert!(!name.is_empty());
        if name == "Unverifiable" {
            assert!(rating.get("ratingValue").is_none(), "unverifiable has no place on the scale: {rating}");
        } else {
            let (v, best, worst) = (
                rating["ratingValue"].as_i64().unwrap(),
                rating["bestRating"].as_i64().unwrap(),
                rating["worstRating"].as_i64().unwrap(),
            );
            assert!(worst <= v && v <= best && worst < best, "{rating}");
        }
        let item = &x["itemReviewed"];
        assert_eq!(item["@type"], "Claim");
        assert!(!item["author"]["name"].as_str().unwrap().is_empty(), "{x:#}");
        let appearance = item["appearance"].as_array().expect("every fixture article has a url");
        let appearance_url = appearance[0]["url"].as_str().unwrap();
        assert!(ARTICLE_URLS.contains(&appearance_url), "{appearance_url}");
        assert!(date.is_match(item["datePublished"].as_str().unwrap()), "{x:#}");
    }
    // urls are distinct, one per claim.
    let mut urls: Vec<&str> = all.iter().map(|x| x["url"].as_str().unwrap()).collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), all.len());
    let by_claim = |claim: i64| -> &Value {
        all.iter().find(|x| x["url"].as_str().unwrap().ends_with(&format!("#claim-{claim}"))).unwrap()
    };
    assert_eq!(by_claim(d.asserted)["reviewRating"]["alternateName"], "True");
    assert_eq!(by_claim(d.asserted)["reviewRating"]["ratingValue"], 5);
    assert_eq!(by_claim(d.denied)["reviewRating"]["alternateName"], "False");
    assert_eq!(by_claim(d.denied)["reviewRating"]["ratingValue"], 1);
    assert_eq!(by_claim(d.denied)["itemReviewed"]["author"]["name"], "A military source");
    assert_eq!(
        by_claim(d.denied)["itemReviewed"]["appearance"][0]["url"],
        "https://example.org/sana/en/military-source-palmyra-baseless"
    );
    assert_eq!(by_claim(d.hama_claims[0])["reviewRating"]["alternateName"], "Unverifiable");
    assert_eq!(by_claim(d.hama_claims[1])["reviewRating"]["alternateName"], "Mostly false");
    assert_eq!(by_claim(d.hama_claims[1])["reviewRating"]["ratingValue"], 2);
    assert!(by_claim(d.script_claim)["claimReviewed"].as_str().unwrap().contains("<script>"), "JSON keeps the text");

    // To stdout as well; a bad publisher url is an error.
    let out = d
        .run(&["export", "claimreview", "--publisher", "Desk", "--publisher-url", "https://desk.example.org"])
        .expect_code(0)
        .json();
    assert_eq!(out.as_array().unwrap().len(), all.len());
    d.run(&["export", "claimreview", "--publisher", "Desk", "--publisher-url", "desk.example.org"]).expect_code(2);
}

#[test]
fn claimreview_export_skips_dismissed_and_unreviewed_conflicts() {
    let d = desk();
    let empty = d
        .run(&["export", "claimreview", "--publisher", "Desk", "--publisher-url", "https://desk.example.org"])
        .expect_code(0)
        .json();
    assert_eq!(empty, serde_json::json!([]));
    d.review(d.palmyra, "not-a-conflict", "false alarm", "A", &[]).expect_code(0);
    d.review(d.hama, "unresolvable", "no access", "A", &[]).expect_code(0);
    let out = d
        .run(&["export", "claimreview", "--publisher", "Desk", "--publisher-url", "https://desk.example.org"])
        .expect_code(0)
        .json();
    assert_eq!(out, serde_json::json!([]), "a dismissed or in-review conflict publishes no rating");
    d.review(d.hama, "partly", "some left", "A", &[]).expect_code(0);
    let out = d
        .run(&["export", "claimreview", "--publisher", "Desk", "--publisher-url", "https://desk.example.org"])
        .expect_code(0)
        .json();
    let names: Vec<&str> =
        out.as_array().unwrap().iter().map(|x| x["reviewRating"]["alternateName"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Mixed"; d.hama_claims.len()]);
}

#[test]
fn csv_export_writes_one_file_per_table_with_headers() {
    let d = desk();
    d.review(d.palmyra, "partly", "note, with a comma and \"quotes\"", "Alice", &[]).expect_code(0);
    d.run(&["rate", &d.denied.to_string(), "--rating", "false", "--note", "n", "--by", "Carol"]).expect_code(0);
    d.run(&["export", "csv", "out"]).expect_code(0);
    let dir = d.t.path().join("out");
    let tables = [
        ("outlets", "name"),
        ("articles", "content_hash"),
        ("statements", "span_start"),
        ("actors", "aliases"),
        ("places", "alternates"),
        ("claims", "claimant"),
        ("claim_places", "place_id"),
        ("conflicts", "new_material"),
        ("conflict_claims", "side"),
        ("corroborations", "by_claim_id"),
        ("reviews", "verdict"),
        ("claim_ratings", "rating"),
        ("place_ancestors", "ancestor_id"),
    ];
    let mut files: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    let mut want: Vec<String> = tables.iter().map(|(t, _)| format!("{t}.csv")).collect();
    want.sort();
    assert_eq!(files, want);
    for (table, column) in tables {
        let mut rdr = csv::Reader::from_path(dir.join(format!("{table}.csv"))).unwrap();
        let headers = rdr.headers().unwrap().clone();
        assert!(headers.iter().any(|h| h == column), "{table}.csv header {headers:?} lacks {column}");
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        let expected: i64 = d.sql().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap();
        assert_eq!(rows.len() as i64, expected, "{table}.csv has one row per table row");
        for r in &rows {
            assert_eq!(r.len(), headers.len(), "{table}.csv: ragged row {r:?}");
        }
    }
    let mut rdr = csv::Reader::from_path(dir.join("reviews.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let note = headers.iter().position(|h| h == "note").unwrap();
    let row = rdr.records().next().unwrap().unwrap();
    assert_eq!(&row[note], "note, with a comma and \"quotes\"");
}

// ---------------------------------------------------------------------------------------
// Report

/// Every tag of an HTML document, as (name, [(attribute, value)]). Text is escaped by the
/// renderer, so every raw `<` starts a real tag.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let tag = regex::Regex::new(r"<(/?[a-zA-Z0-9!]+)([^>]*)>").unwrap();
    let attr = regex::Regex::new(r#"([^\s=/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?"#).unwrap();
    tag.captures_iter(html)
        .map(|c| {
            let name = c[1].to_ascii_lowercase();
            let attrs = attr
                .captures_iter(&c[2])
                .map(|a| {
                    let v = a.get(2).or(a.get(3)).or(a.get(4)).map_or("", |m| m.as_str()).to_string();
                    (a[1].to_ascii_lowercase(), v)
                })
                .collect();
            (name, attrs)
        })
        .collect()
}

#[test]
fn html_report_escapes_article_and_reviewer_text_and_is_self_contained() {
    let d = desk();
    let evidence = "https://example.org/evidence?a=1&b=\"onmouseover=alert(4)";
    // Palmyra (with the <script> claim) stays open; Hama is resolved with hostile reviewer text.
    d.review(
        d.hama,
        "both-wrong",
        "<img src=x onerror=alert(3)> see 'notes' & more",
        "Eve <eve@example.org>",
        &["--evidence", evidence, "--confidence", "low"],
    )
    .expect_code(0);
    d.run(&["report", "--format", "html", "-o", "report.html"]).expect_code(0);
    let html = std::fs::read_to_string(d.t.path().join("report.html")).unwrap();
    let lower = html.to_ascii_lowercase();

    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the article text is shown, escaped");
    assert!(!lower.contains("<script"), "no script element at all");
    assert!(html.contains("&quot;onerror=alert(2)&quot;"));
    assert!(html.contains("&lt;img src=x onerror=alert(3)&gt;"), "reviewer note escaped");
    assert!(html.contains("Eve &lt;eve@example.org&gt;"), "reviewer name escaped");
    assert!(html.contains("&#39;notes&#39; &amp; more"));
    assert!(!lower.contains("<img"));
    assert!(!lower.contains("<link"), "no external stylesheet");
    assert!(!lower.contains("@import") && !lower.contains("url("), "no CSS fetches");
    assert!(lower.contains("<style>"), "inline CSS");
    assert!(lower.contains("@media print"), "print styles");

    let allowed_tags = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "h5", "p", "div", "b",
        "br", "colgroup", "col", "table", "thead", "tbody", "tr", "th", "td", "a", "span", "section", "small", "em",
        "strong", "ul", "li",
    ];
    let allowed_attrs =
        ["html", "lang", "charset", "name", "content", "class", "href", "rel", "id", "title", "colspan"];
    let mut hrefs = Vec::new();
    for (name, attrs) in tags(&html) {
        let bare = name.trim_start_matches('/');
        assert!(allowed_tags.contains(&bare), "unexpected element <{name}>");
        for (a, v) in attrs {
            assert!(!a.starts_with("on"), "event handler attribute {a}={v} on <{name}>");
            assert!(allowed_attrs.contains(&a.as_str()), "unexpected attribute {a}={v} on <{name}>");
            if a == "href" {
                hrefs.push(v);
            }
        }
    }
    // Links: only the articles' and the evidence (escaped), nothing else.
    assert!(!hrefs.is_empty());
    let escaped_evidence = "https://example.org/evidence?a=1&amp;b=&quot;onmouseover=alert(4)";
    for h in &hrefs {
        assert!(ARTICLE_URLS.contains(&h.as_str()) || h == escaped_evidence, "unexpected link {h}");
    }
    assert!(hrefs.iter().any(|h| h == escaped_evidence), "evidence is a link: {hrefs:?}");
    assert!(
        !tags(&html).iter().any(|(_, attrs)| attrs.iter().any(|(a, _)| a == "src" || a == "srcset")),
        "nothing is loaded from anywhere"
    );
}

#[test]
fn markdown_json_and_csv_reports() {
    let d = desk();
    d.review(
        d.hama,
        &format!("upheld:{}", d.hama_claims[0]),
        "Confirmed by residents",
        "Alice",
        &["--confidence", "high", "--evidence", "https://example.org/residents"],
    )
    .expect_code(0);

    let md = d.run(&["report"]).expect_code(0).stdout();
    for s in ["# Conflict report", "## Headline", "## Open conflicts", "## Resolved conflicts", "## Source scorecard"] {
        assert!(md.contains(s), "{s} missing\n{md}");
    }
    assert!(md.contains("## Timelines"));
    assert!(md.contains("Confirmed by residents") && md.contains("https://example.org/residents"));
    assert!(md.contains(&format!("upheld (claim #{})", d.hama_claims[0])));
    assert!(md.contains("| high |"));
    d.run(&["report", "--format", "markdown", "-o", "report.md"]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(d.t.path().join("report.md")).unwrap().lines().next(),
        Some("# Conflict report")
    );

    let text = d.run(&["report", "--format", "json"]).expect_code(0).stdout();
    let j: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(j["complete"], true);
    let compact: String = text.split_whitespace().collect();
    assert!(compact.ends_with("\"complete\":true}"), "complete is the last key");
    assert_eq!(j["headline"]["new_conflicts"], 2);
    assert_eq!(j["headline"]["resolved"], 1);
    assert_eq!(j["headline"]["open_under_24h"], 1);
    assert_eq!(report_conflicts(&j), vec![(d.palmyra, "open".into()), (d.hama, "resolved".into())]);
    let resolved = &j["resolved"][0];
    assert_eq!(resolved["verdict"], "upheld");
    assert_eq!(resolved["upheld_claim"], d.hama_claims[0]);
    assert_eq!(resolved["confidence"], "high");
    assert_eq!(resolved["note"], "Confirmed by residents");
    assert_eq!(resolved["reviewer"], "Alice");
    assert_eq!(resolved["evidence"][0], "https://example.org/residents");
    // Open conflicts grouped by place, then event.
    let open = j["open"].as_object().unwrap();
    assert_eq!(open.len(), 1);
    let (place, events) = open.iter().next().unwrap();
    assert_eq!(place, "Tadmur");
    assert!(events.get("withdrawal").is_some(), "{events:#}");
    assert!(j["timelines"].as_object().unwrap().contains_key("Tadmur"));
    assert!(!j["sources"].as_array().unwrap().is_empty());

    let csv_text = d.run(&["report", "--format", "csv"]).expect_code(0).stdout();
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(&headers[0], "section");
    assert!(headers.iter().any(|h| h == "verdict"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), d.palmyra_claims.len() + d.hama_claims.len(), "one row per claim of each conflict");
    assert!(rows.iter().all(|r| r.len() == headers.len()));
    assert_eq!(rows.iter().filter(|r| &r[0] == "resolved" && &r[6] == "upheld").count(), d.hama_claims.len());
    assert!(rows.iter().any(|r| r[13].contains("<script>alert(1)</script>")), "CSV keeps text as written");
}

#[test]
fn report_filters_narrow_the_output() {
    let d = desk();
    d.review(d.hama, "partly", "Some units left", "Alice", &[]).expect_code(0);

    let all = d.report_json(&[]);
    assert_eq!(report_conflicts(&all), vec![(d.palmyra, "open".into()), (d.hama, "resolved".into())]);

    let resolved = d.report_json(&["--status", "resolved"]);
    assert_eq!(report_conflicts(&resolved), vec![(d.hama, "resolved".into())]);
    assert_eq!(resolved["filters"]["status"], "resolved");
    let open = d.report_json(&["--status", "open"]);
    assert_eq!(report_conflicts(&open), vec![(d.palmyra, "open".into())]);
    assert_eq!(report_conflicts(&d.report_json(&["--status", "dismissed"])), vec![]);
    let md = d.run(&["report", "--status", "resolved"]).expect_code(0).stdout();
    let open_section = &md[md.find("## Open conflicts").unwrap()..md.find("## Resolved conflicts").unwrap()];
    assert!(open_section.contains("None."), "{md}");

    let daraa = d.report_json(&["--place", "Daraa"]);
    assert_eq!(report_conflicts(&daraa), vec![]);
    assert!(daraa["timelines"].as_object().unwrap().is_empty());
    assert_eq!(daraa["headline"]["new_conflicts"], 0);
    let palmyra = d.report_json(&["--place", "Palmyra"]);
    assert_eq!(report_conflicts(&palmyra), vec![(d.palmyra, "open".into())]);
    let hama = d.report_json(&["--place", "Hama"]);
    assert_eq!(report_conflicts(&hama), vec![(d.hama, "resolved".into())]);

    assert_eq!(report_conflicts(&d.report_json(&["--event", "withdrawal"])).len(), 2);
    assert_eq!(report_conflicts(&d.report_json(&["--event", "capture"])), vec![]);
    d.run(&["report", "--event", "teleportation"]).expect_code(2);
    d.run(&["report", "--status", "closed"]).expect_code(2);
    d.run(&["report", "--since", "yesterday"]).expect_code(2);

    // Dates: conflicts were flagged and reviewed today.
    assert_eq!(report_conflicts(&d.report_json(&["--since", "2000-01-01"])).len(), 2);
    let future = d.report_json(&["--since", "2999-01-01"]);
    assert_eq!(report_conflicts(&future), vec![]);
    assert_eq!(future["headline"]["new_conflicts"], 0);
    assert_eq!(report_conflicts(&d.report_json(&["--until", "2000-01-01"])), vec![]);
    assert_eq!(report_conflicts(&d.report_json(&["--since", "2000-01-01", "--until", "2999-12-31"])).len(), 2);

    // Combined: resolved ones in Palmyra: none.
    assert_eq!(report_conflicts(&d.report_json(&["--status", "resolved", "--place", "Palmyra"])), vec![]);
    // Filters narrow HTML and CSV too.
    let html = d.run(&["report", "--format", "html", "--place", "Daraa"]).expect_code(0).stdout();
    assert!(!html.contains("Conflict #"), "no conflict in a Daraa report");
    let csv_text = d.run(&["report", "--format", "csv", "--status", "resolved"]).expect_code(0).stdout();
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty() && rows.iter().all(|r| &r[0] == "resolved" && r[2] == d.hama.to_string()));
}

#[test]
fn sources_lists_claimants_and_outlets() {
    let d = desk();
    d.review(d.palmyra, &format!("upheld:{}", d.asserted), "Confirmed", "Alice", &[]).expect_code(0);
    let table = d.run(&["sources"]).expect_code(0).stdout();
    for s in ["claimant", "outlet", "Reuters", "SANA", "AFP", "Example Wire"] {
        assert!(table.contains(s), "{s} missing\n{table}");
    }
    let rows = d.run(&["sources", "--format", "json"]).expect_code(0).json();
    let rows = rows.as_array().unwrap();
    let find = |source: &str, kind: &str| -> &Value {
        rows.iter()
            .find(|r| r["source"] == source && r["kind"] == kind)
            .unwrap_or_else(|| panic!("{source} ({kind}) missing: {rows:#?}"))
    };
    let reuters = find("Reuters", "outlet");
    assert!(reuters["upheld"].as_i64().unwrap() >= 1, "{reuters}");
    assert_eq!(reuters["refuted"], 0);
    let sana = find("SANA", "outlet");
    assert_eq!(sana["refuted"], 1, "the Palmyra denial lost; Hama is not reviewed: {sana}");
    assert_eq!(sana["in_conflicts"], 2);
    assert!(rows.iter().any(|r| r["kind"] == "claimant"));
    // The report carries the same scorecard.
    let report = d.report_json(&[]);
    assert_eq!(report["sources"].as_array().unwrap().len(), rows.len());
}
