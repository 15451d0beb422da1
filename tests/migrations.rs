//! Migrations: a database at each older schema version (the previous one first: every
//! migration but the last, as the release that had them applied them) holding articles,
//! statements, claims and a conflict is opened by the current binary: it is migrated to the
//! current version and every row is still there. Opening again is harmless, and so are
//! processes racing to create a new database.

mod common;

use std::path::{Path, PathBuf};

use common::{one, TestDir};
use rusqlite::{params, Connection};

const TABLES: &[&str] =
    &["outlets", "articles", "statements", "claims", "claim_places", "conflicts", "conflict_claims", "corroborations"];

/// The columns each data table has in `conn`.
fn columns(conn: &Connection) -> Vec<(String, Vec<String>)> {
    TABLES
        .iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{t}') ORDER BY cid")).unwrap();
            let cols = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            (t.to_string(), cols)
        })
        .collect()
}

/// Every row of the tables that hold data, as text, in a stable order: the columns they had
/// before the migration (later migrations may add columns).
fn rows_of(conn: &Connection, cols: &[(String, Vec<String>)]) -> Vec<String> {
    let mut out = Vec::new();
    for (table, cols) in cols {
        let mut stmt = conn.prepare(&format!("SELECT {} FROM {table} ORDER BY 1, 2", cols.join(", "))).unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let vals: Vec<String> = (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect();
            out.push(format!("{table}: {}", vals.join(" | ")));
        }
    }
    out
}

fn version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

/// The migrations in order: schema.sql, then migrations/*.sql by name.
fn migration_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut later: Vec<PathBuf> = std::fs::read_dir(root.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    later.sort();
    let mut all = vec![root.join("schema.sql")];
    all.extend(later);
    assert_eq!(all.len() as i64, claimtrack::db::schema_version(), "every migration file is in db::MIGRATIONS");
    all
}

/// A database at schema `version` (the first `version` migrations, as the release that had
/// them would apply them), with one conflict between two articles.
fn old_version_db(path: &Path, version: usize) {
    let mut conn = Connection::open(path).unwrap();
    let places = claimtrack::gazetteer::parse_places_tsv(claimtrack::gazetteer::BUILTIN_PLACES).unwrap();
    {
        let mut tx = conn.transaction().unwrap();
        for (i, file) in migration_files().iter().take(version).enumerate() {
            tx.execute_batch(&std::fs::read_to_string(file).unwrap()).unwrap();
            if i == 0 {
                claimtrack::db::insert_places(&mut tx, &places).unwrap();
                claimtrack::db::sync_actors(&tx, claimtrack::lexicon::Lexicon::shared()).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    conn.execute_batch(&format!("PRAGMA user_version = {version}")).unwrap();
    let now = "2024-12-06T18:00:00Z";
    conn.execute("INSERT INTO outlets (id, name) VALUES (1, 'Reuters'), (2, 'SANA')", []).unwrap();
    let rebels = "Rebel commanders said on Friday that government forces had withdrawn from Homs.";
    old_article(&conn, 1, ("Rebel commanders", "opposition", "asserted"), rebels, now);
    let army = "A military source denied on Friday that army units had withdrawn from Homs.";
    old_article(&conn, 2, ("A military source", "government", "denied"), army, now);
    conn.execute(
        "INSERT INTO conflicts (id, kind, event_type, status, explanation, created, updated)
         VALUES (1, 'denial', 'withdrawal', 'open', 'a withdrawal from Homs asserted and denied the same day', ?1, ?1)",
        [now],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO conflict_claims (conflict_id, claim_id, side, reason, added) VALUES (1, 1, 'a', 'asserts', ?1), (1, 2, 'b', 'denies', ?1)",
        [now],
    )
    .unwrap();
}

/// Article `id` (from outlet `id`) in a database at an old schema version: one statement,
/// `body`, and one claim, by `(claimant, claimant side, polarity)`, about the withdrawal of
/// government forces from Homs on 2024-12-06.
fn old_article(conn: &Connection, id: i64, (claimant, side, polarity): (&str, &str, &str), body: &str, now: &str) {
    let homs = 169577i64;
    conn.execute(
        "INSERT INTO articles (id, content_hash, source, outlet_id, title, url, author, published, lang, body, ingested_at)
         VALUES (?1, ?2, ?3, ?1, ?4, NULL, NULL, '2024-12-06', 'en', ?5, ?6)",
        params![id, format!("hash{id}"), format!("a{id}.md"), format!("Title {id}"), body, now],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO statements (id, article_id, position, paragraph, span_start, span_end, kind, text)
         VALUES (?1, ?1, 0, 0, 0, ?2, 'sentence', ?3)",
        params![id, body.len() as i64, body],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO claims (id, statement_id, article_id, claimant, claimant_side, outlet_id, polarity, modality,
            event_type, actor, actor_side, event_date, date_precision, date_source, claimant_key, clause_start, clause_end)
         VALUES (?1, ?1, ?1, ?2, ?3, ?1, ?4, 'reported', 'withdrawal', 'government forces', 'government', '2024-12-06',
            'day', 'relative', ?2, 0, ?5)",
        params![id, claimant, side, polarity, body.len() as i64],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO claim_places (claim_id, place_id, surface, match_kind, score, precision) VALUES (?1, ?2, 'Homs', 'exact', 1.0, 'city')",
        params![id, homs],
    )
    .unwrap();
    if columns(conn).iter().any(|(t, c)| t == "claim_places" && c.iter().any(|c| c == "event_type")) {
        conn.execute(
            "UPDATE claim_places SET event_type = 'withdrawal', event_date = '2024-12-06' WHERE claim_id = ?1",
            [id],
        )
        .unwrap();
    }
}

fn run_ok(t: &TestDir, args: &[&str]) -> common::Run {
    let r = t.run(args);
    r.expect_code(0);
    assert!(!r.stderr().contains("panicked"), "{}", r.describe());
    r
}

/// The previous schema version, then every older one, through the real binary.
#[test]
fn older_versions_are_migrated_by_the_binary_and_keep_every_row() {
    let current = claimtrack::db::schema_version() as usize;
    assert!(current >= 2, "no older version to migrate from");
    for from in (1..current).rev() {
        migrated_by_the_binary(from);
    }
}

fn migrated_by_the_binary(from: usize) {
    let t = TestDir::new();
    old_version_db(&t.db(), from);
    let cols = columns(&Connection::open(t.db()).unwrap());
    let before = rows_of(&Connection::open(t.db()).unwrap(), &cols);
    assert!(before.len() >= 12, "from version {from}: {before:#?}");

    // Any command opens (and migrates) the database.
    let r = run_ok(&t, &["conflicts", "--format", "json"]);
    let list = r.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "from version {from}\n{}", r.describe());
    assert_eq!(list[0]["id"], 1);

    let conn = Connection::open(t.db()).unwrap();
    assert_eq!(version(&conn), claimtrack::db::schema_version(), "user_version after the migration from {from}");
    assert_eq!(rows_of(&conn, &cols), before, "from version {from}: every row is still there, unchanged");
    assert_lookup_columns_filled(&conn);
    for table in ["reviews", "claim_ratings"] {
        assert_eq!(
            one(&conn, &format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'")),
            1
        );
    }
    common::assert_sound(&conn, &format!("migrated from version {from}"));
    drop(conn);

    // Opening again changes nothing.
    run_ok(&t, &["conflicts"]);
    let conn = Connection::open(t.db()).unwrap();
    assert_eq!(version(&conn), claimtrack::db::schema_version());
    assert_eq!(rows_of(&conn, &cols), before, "from version {from}, opened again");
    drop(conn);

    // The migrated database works: the new tables take a review, the old rows a new article.
    let r =
        run_ok(&t, &["review", "1", "--verdict", "upheld:2", "--note", "checked with the governor", "--by", "desk"]);
    assert!(r.stdout().contains("conflict #1: review #1 recorded"), "{}", r.describe());
    let r = run_ok(&t, &["history", "1", "--format", "json"]);
    assert!(r.stdout().contains("checked with the governor"), "{}", r.describe());
    t.write("c.md", "---\nlang: en\npublished: 2024-12-06\noutlet: AFP\n---\nThe army denied on Friday that it had withdrawn from Hama.\n");
    run_ok(&t, &["ingest", "c.md"]);
    let conn = Connection::open(t.db()).unwrap();
    assert_eq!(one(&conn, "SELECT count(*) FROM articles"), 3);
    assert_eq!(one(&conn, "SELECT count(*) FROM reviews"), 1);
    // The append-only trigger of migration 1 is in force.
    assert!(conn.execute("DELETE FROM reviews", []).is_err(), "reviews must be append-only after the migration");
}

/// Where a migration copies claim facts onto claim_places (migration 2), every row got them.
fn assert_lookup_columns_filled(conn: &Connection) {
    let has = columns(conn).iter().any(|(t, c)| t == "claim_places" && c.iter().any(|c| c == "event_type"));
    if has {
        let stale = one(
            conn,
            "SELECT count(*) FROM claim_places cp JOIN claims c ON c.id = cp.claim_id
              WHERE cp.event_type IS NOT c.event_type OR cp.event_date IS NOT c.event_date",
        );
        assert_eq!(stale, 0, "claim_places rows without their claim's event type and date");
    }
}

/// Every older version, through the library, opened twice: migrated once, rows kept.
#[test]
fn every_older_version_migrates_and_opening_twice_is_harmless() {
    let lex = claimtrack::lexicon::Lexicon::shared();
    for from in 1..claimtrack::db::schema_version() as usize {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.db");
        old_version_db(&path, from);
        let conn = Connection::open(&path).unwrap();
        let cols = columns(&conn);
        let before = rows_of(&conn, &cols);
        drop(conn);
        for pass in 0..2 {
            let conn =
                claimtrack::db::open(&path, lex).unwrap_or_else(|e| panic!("from version {from}, pass {pass}: {e}"));
            assert_eq!(version(&conn), claimtrack::db::schema_version(), "from version {from}");
            assert_eq!(rows_of(&conn, &cols), before, "from version {from}, pass {pass}");
            assert_eq!(one(&conn, "SELECT count(*) FROM sqlite_master WHERE name = 'reviews_append_only_update'"), 1);
            assert_lookup_columns_filled(&conn);
            common::assert_sound(&conn, &format!("from version {from}, pass {pass}"));
        }
    }
}

#[test]
fn a_new_database_created_twice_is_the_same() {
    let t = TestDir::new();
    run_ok(&t, &["conflicts"]);
    let conn = Connection::open(t.db()).unwrap();
    let places = one(&conn, "SELECT count(*) FROM places");
    let actors = one(&conn, "SELECT count(*) FROM actors");
    let objects = one(&conn, "SELECT count(*) FROM sqlite_master");
    assert!(places > 100 && actors > 10, "{places} places, {actors} actors");
    drop(conn);
    run_ok(&t, &["conflicts"]);
    let conn = Connection::open(t.db()).unwrap();
    assert_eq!(version(&conn), claimtrack::db::schema_version());
    assert_eq!(one(&conn, "SELECT count(*) FROM places"), places);
    assert_eq!(one(&conn, "SELECT count(*) FROM actors"), actors);
    assert_eq!(one(&conn, "SELECT count(*) FROM sqlite_master"), objects);
}

/// Processes that open a database that does not exist yet, all at once: one migrates it,
/// the others wait and find it done (no "table already exists", no lock error).
#[test]
fn processes_racing_to_create_the_database_all_succeed() {
    for round in 0..5 {
        let t = TestDir::new();
        let children: Vec<_> = (0..6)
            .map(|_| {
                common::claimtrack(t.path())
                    .args(["conflicts", "--format", "json"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let conn = Connection::open(t.db()).unwrap();
        assert_eq!(version(&conn), claimtrack::db::schema_version());
        assert_eq!(one(&conn, "SELECT count(*) FROM sqlite_master WHERE name = 'reviews'"), 1);
    }
}

/// Reasons stored in words before migration 5 (a conflict claim's `reason`, an agreement's
/// `{"claim": .., "reason": ".."}`) are kept by the migration, and `conflict ID`, `history`
/// and `export csv` give them word for word; a claim the current version attaches to the
/// same conflict gets its reason written from its pair, beside them.
#[test]
fn reasons_stored_in_words_before_migration_5_are_given_as_stored() {
    let t = TestDir::new();
    // schema.sql and migrations 1 to 4: user_version 5.
    old_version_db(&t.db(), 5);
    let words = [
        "denial: #1 (Rebel commanders, opposition) asserts the withdrawal, #2 (A military source, government) denies it; same place: Homs (words of version 4)",
        "denial: #2 denies what #1 asserts; same place: Homs (words of version 4)",
        "denial: #3 (Opposition fighters, opposition) asserts the withdrawal, #2 denies it; same place: Homs (words of version 4)",
    ];
    let agreement = "agrees: both assert the withdrawal; same place: Homs (words of version 4)";
    {
        let conn = Connection::open(t.db()).unwrap();
        conn.execute("INSERT INTO outlets (id, name) VALUES (3, 'AFP')", []).unwrap();
        let fighters = "Opposition fighters said on Friday that government forces had withdrawn from Homs.";
        old_article(&conn, 3, ("Opposition fighters", "opposition", "asserted"), fighters, "2024-12-06T20:00:00Z");
        for (claim, reason) in [(1, words[0]), (2, words[1])] {
            conn.execute("UPDATE conflict_claims SET reason = ?2 WHERE claim_id = ?1", params![claim, reason]).unwrap();
        }
        // Claim 3 attached later, and found to agree with claim 1.
        conn.execute(
            "INSERT INTO conflict_claims (conflict_id, claim_id, side, reason, added)
             VALUES (1, 3, 'a', ?1, '2024-12-06T20:00:00Z')",
            [words[2]],
        )
        .unwrap();
        let agreements = serde_json::json!([{ "claim": 1, "reason": agreement }]).to_string();
        conn.execute("INSERT INTO claim_corroborations (claim_id, agreements) VALUES (3, ?1)", [&agreements]).unwrap();
    }

    // The current version opens (and migrates) the database, and attaches a new denial.
    t.write("d.md", "---\nlang: en\npublished: 2024-12-06\noutlet: AFP\n---\nThe army denied on Friday that it had withdrawn from Homs.\n");
    run_ok(&t, &["ingest", "d.md"]);
    let conn = Connection::open(t.db()).unwrap();
    let new: i64 = one(&conn, "SELECT max(claim_id) FROM conflict_claims WHERE conflict_id = 1");
    assert!(new > 3, "the new denial did not join conflict #1");
    assert_eq!(
        one(&conn, "SELECT count(*) FROM conflict_claims WHERE reason IS NULL"),
        1,
        "only the new claim has no words"
    );

    let k = run_ok(&t, &["conflict", "1", "--format", "json"]).json();
    let reasons: Vec<&str> = k["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert_eq!(reasons[..3], words, "conflict 1: {reasons:#?}");
    assert_eq!(reasons.len(), 4, "conflict 1: {reasons:#?}");
    let written = reasons[3];
    assert!(
        written.starts_with("denial: ")
            && written.contains(&format!("#{new} ("))
            && written.contains("same place: Homs"),
        "the new claim's reason: {written:?}"
    );

    let steps = run_ok(&t, &["history", "1", "--format", "json"]).json();
    let why = |what: &str| -> String {
        let step = steps.as_array().unwrap().iter().find(|s| s["what"] == what);
        step.unwrap_or_else(|| panic!("no {what:?} in {steps:#}"))["why"].as_str().unwrap().to_string()
    };
    assert_eq!(why("claim #3 attached"), words[2]);
    assert_eq!(why(&format!("claim #{new} attached")), written);

    let out = t.path().join("csv");
    run_ok(&t, &["export", "csv", out.to_str().unwrap()]);
    let mut csv = csv::Reader::from_path(out.join("conflict_claims.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let in_csv: Vec<(String, String)> = csv
        .records()
        .map(Result::unwrap)
        .map(|r| (r[at("claim_id")].to_string(), r[at("reason")].to_string()))
        .collect();
    let expected: Vec<(String, String)> = [(1, words[0]), (2, words[1]), (3, words[2]), (new, written)]
        .iter()
        .map(|(claim, reason)| (claim.to_string(), reason.to_string()))
        .collect();
    assert_eq!(in_csv, expected, "conflict_claims.csv");
    let mut csv = csv::Reader::from_path(out.join("corroborations.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let kept = csv.records().map(Result::unwrap).find(|r| &r[at("claim_id")] == "3" && &r[at("by_claim_id")] == "1");
    let kept = kept.expect("the agreement of claim #3 with claim #1 in corroborations.csv");
    assert_eq!((&kept[at("reason")], &kept[at("rule")]), (agreement, ""), "{kept:?}");
}
