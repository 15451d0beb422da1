//! Bad input, through the real binary. For each: the documented exit code (0 ok, 1 some
//! inputs skipped, 2 error), a message naming the input and what is wrong, no panic,
//! nothing half-written, and everything else still ingested.
//!
//! Large inputs are generated here. Run with `cargo test --release --test hardening`; in a
//! debug build the 50 MB article is cut to 5 MB (a note says so).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, TestDir};
use rusqlite::Connection;

/// Every run must end within this (a hang is a failure, not a stuck test run).
const TIMEOUT: Duration = Duration::from_secs(300);

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_claimtrack")
}

/// Runs the binary in `t` with a deadline, reading its output as it goes.
fn run_in(t: &TestDir, args: &[&str], timeout: Duration) -> Run {
    let mut cmd = common::claimtrack(t.path());
    cmd.args(args);
    run_cmd(cmd, args, t.path(), timeout)
}

fn run_cmd(mut cmd: Command, args: &[&str], dir: &Path, timeout: Duration) -> Run {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("spawn claimtrack");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = err_reader.join().unwrap_or_default();
            panic!(
                "claimtrack {} did not finish within {:?} (killed)\n--- stderr\n{}",
                args.join(" "),
                timeout,
                String::from_utf8_lossy(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output =
        std::process::Output { status, stdout: out_reader.join().unwrap(), stderr: err_reader.join().unwrap() };
    let run = Run { args: args.iter().map(|s| s.to_string()).collect(), dir: dir.to_path_buf(), output };
    assert!(!run.stderr().contains("panicked"), "claimtrack panicked\n{}", run.describe());
    eprintln!("claimtrack {}: exit {} in {:.2?}", args.join(" "), run.code(), started.elapsed());
    run
}

/// Sizes are cut by ten in a debug build (with a note): the full sizes are for
/// `cargo test --release`.
fn full_size(n: usize, what: &str) -> usize {
    if cfg!(debug_assertions) {
        eprintln!("note: debug build, {what} cut from {n} to {} (run with --release for the full size)", n / 10);
        n / 10
    } else {
        n
    }
}

fn run(t: &TestDir, args: &[&str]) -> Run {
    run_in(t, args, TIMEOUT)
}

/// Asserts the exit code and that stderr holds every one of `needles`.
fn expect(r: &Run, code: i32, needles: &[&str]) {
    r.expect_code(code);
    for n in needles {
        assert!(r.stderr().contains(n), "stderr should mention {n:?}\n{}", r.describe());
    }
}

fn conn(db: &Path) -> Connection {
    Connection::open(db).unwrap_or_else(|e| panic!("{}: {e}", db.display()))
}

fn count(db: &Path, sql: &str) -> i64 {
    common::one(&conn(db), sql)
}

fn articles(db: &Path) -> i64 {
    if !db.exists() {
        return 0;
    }
    count(db, "SELECT count(*) FROM articles")
}

fn sources(db: &Path) -> Vec<String> {
    let c = conn(db);
    let mut stmt = c.prepare("SELECT source FROM articles ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// The database is sound (see `common::assert_sound`) and every article has statements.
fn assert_consistent(db: &Path) {
    let c = conn(db);
    common::assert_sound(&c, &db.display().to_string());
    let bare = common::one(
        &c,
        "SELECT count(*) FROM articles a WHERE trim(a.body) != ''
           AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.article_id = a.id)",
    );
    assert_eq!(bare, 0, "articles without statements in {}", db.display());
}

/// Places the built-in gazetteer knows, so articles spread over many of them.
const PLACES: &[&str] = &[
    "Homs",
    "Hama",
    "Palmyra",
    "Daraa",
    "Aleppo",
    "Idlib",
    "Damascus",
    "Latakia",
    "Tartus",
    "Raqqa",
    "Deir ez-Zor",
    "Qamishli",
    "Kobani",
    "Manbij",
    "Jableh",
    "Baniyas",
    "Salamiyah",
    "Rastan",
    "Talbiseh",
    "Qusayr",
    "Douma",
    "Harasta",
    "Saraqib",
    "Sweida",
    "Quneitra",
    "Hasakah",
    "Azaz",
    "Afrin",
    "Tal Abyad",
    "Abu Kamal",
    "Mayadin",
    "Qardaha",
    "Nabk",
    "Yabroud",
    "Zabadani",
    "Qatana",
    "Kiswah",
    "Jisr al-Shughur",
    "Maarat al-Numan",
    "Al-Bab",
];

/// A day of 2023-2024 for `i`, spread so few articles share a place and a day (as in a real
/// newsroom corpus; many claims about one place and day are a separate, slower case).
fn day(i: usize) -> String {
    let n = i / PLACES.len();
    format!("{}-{:02}-{:02}", 2023 + (n / 336) % 2, 1 + (n / 28) % 12, 1 + n % 28)
}

/// A short English article, different for every `i`.
fn article(i: usize) -> String {
    let place = PLACES[i % PLACES.len()];
    format!(
        "---\ntitle: Report {i}\noutlet: Wire {}\npublished: {}\nlang: en\n---\n\
         Rebel commanders said on Friday that government forces had withdrawn from {place}, in dispatch number {i}.\n\
         The army denied the report and said its units were still in their positions around {place}.\n",
        i % 7,
        day(i)
    )
}

/// A corpus folder `name` with `n` good articles from `first` on.
fn corpus(t: &TestDir, name: &str, first: usize, n: usize) -> PathBuf {
    for i in first..first + n {
        t.write(&format!("{name}/a{i:06}.md"), article(i));
    }
    t.path().join(name)
}

/// One bad file next to a good one in `in/`: exit 1, the bad file named with its reason,
/// the good one stored, nothing stored from the bad one.
fn one_bad_file(name: &str, contents: &[u8], reason: &str) {
    let t = TestDir::new();
    t.write("in/good.md", article(1));
    t.write(&format!("in/{name}"), contents);
    let r = run(&t, &["ingest", "in"]);
    expect(&r, 1, &[name, reason]);
    assert_eq!(sources(&t.db()), vec!["in/good.md".to_string()], "{}", r.describe());
    assert_consistent(&t.db());
}

#[test]
fn empty_file_is_skipped_and_named() {
    one_bad_file("empty.txt", b"", "empty file");
    one_bad_file("blank.md", b" \n\r\n\t \n", "empty file");
}

#[test]
fn binary_file_is_skipped_and_named() {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    bytes.extend((0..4096u32).map(|i| (i * 7919 % 256) as u8));
    one_bad_file("image.txt", &bytes, "binary file");
}

#[test]
fn invalid_utf8_is_skipped_with_its_offset() {
    let mut bytes = article(2).into_bytes();
    let at = bytes.len() - 20;
    bytes.insert(at, 0xFF);
    one_bad_file("latin1.md", &bytes, &format!("not valid UTF-8 (byte offset {at})"));
}

#[test]
fn utf16_with_bom_is_decoded_and_ingested() {
    let t = TestDir::new();
    let text =
        article(3).replace('\n', "\r\n") + "Les forces du régime se sont retirées de Homs, a déclaré l'OSDH.\r\n";
    for (name, be) in [("in/le.md", false), ("in/be.md", true)] {
        let mut bytes = if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        // Different bodies, so the second is not "already stored".
        if be {
            for u in "Second copy.\r\n".encode_utf16() {
                bytes.extend_from_slice(&u.to_be_bytes());
            }
        }
        t.write(name, bytes);
    }
    let r = run(&t, &["ingest", "in"]);
    expect(&r, 0, &[]);
    assert_eq!(articles(&t.db()), 2, "{}", r.describe());
    let c = conn(&t.db());
    let (title, body): (String, String) = c
        .query_row("SELECT title, body FROM articles WHERE source = 'in/le.md'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(title, "Report 3");
    assert!(body.contains("se sont retirées de Homs"), "{body:?}");
    assert!(!body.contains('\r') && !body.contains('\u{feff}') && !body.contains('\0'), "{body:?}");
    assert_consistent(&t.db());
}

#[test]
fn utf8_with_bom_is_ingested_without_the_bom() {
    let t = TestDir::new();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(article(4).as_bytes());
    t.write("bom.md", bytes);
    // Without front matter too: the BOM must not end up in the title or body.
    let mut bare = vec![0xEF, 0xBB, 0xBF];
    bare.extend_from_slice(
        "The army denied on Friday that it had withdrawn from Hama, a military source said.\n".as_bytes(),
    );
    t.write("bare.txt", bare);
    let r = run(&t, &["ingest", "bom.md", "bare.txt"]);
    expect(&r, 0, &[]);
    let c = conn(&t.db());
    let mut stmt = c.prepare("SELECT source, title, body FROM articles ORDER BY source").unwrap();
    let rows: Vec<(String, String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{}", r.describe());
    for (source, title, body) in rows {
        assert!(!title.contains('\u{feff}') && !body.contains('\u{feff}'), "{source}: BOM kept: {title:?} {body:?}");
        if source == "bom.md" {
            assert_eq!(title, "Report 4", "the front matter after a BOM is read");
        }
    }
    assert_consistent(&t.db());
}

/// The same article with LF, CRLF and CR-only line ends: one article, the same statements.
#[test]
fn crlf_and_cr_only_line_ends_are_the_same_article() {
    let lf = article(5) + "Second paragraph: the Observatory said 12 fighters were killed near Palmyra.\n";
    let t = TestDir::new();
    t.write("lf.md", &lf);
    t.write("crlf.md", lf.replace('\n', "\r\n"));
    t.write("cr.md", lf.replace('\n', "\r"));
    let r = run(&t, &["ingest", "lf.md"]);
    expect(&r, 0, &["1 new"]);
    let statements = count(&t.db(), "SELECT count(*) FROM statements");
    let claims = count(&t.db(), "SELECT count(*) FROM claims");
    assert!(statements >= 3, "{statements} statements\n{}", r.describe());
    for f in ["crlf.md", "cr.md"] {
        let r = run(&t, &["ingest", f]);
        expect(&r, 0, &["0 new, 1 already stored"]);
    }
    // In fresh databases the other forms give the same statements and claims.
    for f in ["crlf.md", "cr.md"] {
        let t2 = TestDir::new();
        t2.write(f, std::fs::read(t.path().join(f)).unwrap());
        let r = run(&t2, &["ingest", f]);
        expect(&r, 0, &["1 new"]);
        assert_eq!(count(&t2.db(), "SELECT count(*) FROM statements"), statements, "{f}");
        assert_eq!(count(&t2.db(), "SELECT count(*) FROM claims"), claims, "{f}");
        let body: String = conn(&t2.db()).query_row("SELECT body FROM articles", [], |r| r.get(0)).unwrap();
        assert!(!body.contains('\r'), "{f}: CR kept in the body");
        assert_eq!(count(&t2.db(), "SELECT count(*) FROM statements WHERE text LIKE '%' || char(13) || '%'"), 0);
    }
}

/// `target` bytes of sentences (English, some French), `per_line` sentences a line (one
/// line when `usize::MAX`). Nearly all are claims about six places with no date of their
/// own, so in a dated article they pile up on one day: the dense case for detection.
fn big_text(target: usize, per_line: usize) -> String {
    let places = ["Homs", "Hama", "Palmyra", "Daraa", "Aleppo", "Idlib"];
    let mut s = String::with_capacity(target + 200);
    let mut i = 0usize;
    while s.len() < target {
        let p = places[i % places.len()];
        match i % 4 {
            0 => s.push_str(&format!("Rebels said that the army had withdrawn from {p} on day {i}.")),
            1 => s.push_str(&format!("The army denied that {} soldiers were killed near {p}.", i % 97)),
            2 => s.push_str(&format!("Residents of {p} reported heavy shelling overnight, item {i}.")),
            _ => s.push_str(&format!("Les forces du régime se sont retirées de {p}, a déclaré l'OSDH ({i}).")),
        }
        i += 1;
        s.push(if i.is_multiple_of(per_line) { '\n' } else { ' ' });
    }
    s
}

/// A dated article of `mb` MB (`big_text`, `per_line` sentences a line) beside a small one:
/// both stored, the big one whole.
fn a_big_article_is_ingested(what: &str, mb: usize, per_line: usize) {
    let t = TestDir::new();
    let body = big_text(mb * 1024 * 1024, per_line);
    t.write("big.txt", format!("---\ntitle: Big\nlang: en\npublished: 2024-12-06\n---\n{body}"));
    t.write("small.md", article(6));
    let started = Instant::now();
    let r = run(&t, &["ingest", "big.txt", "small.md"]);
    eprintln!("{mb} MB {what}: {:.1?}", started.elapsed());
    expect(&r, 0, &["2 new"]);
    let stored: i64 = count(&t.db(), "SELECT length(CAST(body AS BLOB)) FROM articles WHERE source = 'big.txt'");
    assert_eq!(stored as usize, body.trim_end().len());
    // About 12,000 sentences per MB.
    assert!(count(&t.db(), "SELECT count(*) FROM statements") > 10_000 * mb as i64);
    assert_consistent(&t.db());
}

#[test]
fn a_50_mb_article_is_ingested() {
    a_big_article_is_ingested("article", full_size(50, "the article's MB"), 8);
}

#[test]
fn a_10_mb_line_is_ingested() {
    a_big_article_is_ingested("line", full_size(10, "the line's MB"), usize::MAX);
}

/// One sentence of `kb` KB: words, spaces, no punctuation at all.
fn sentence_without_punctuation(kb: usize) -> String {
    let words = ["the", "army", "said", "rebels", "withdrew", "from", "Homs", "and", "Hama", "near", "Palmyra"];
    let mut s = String::new();
    let mut i = 0;
    while s.len() < kb * 1024 {
        s.push_str(words[i % words.len()]);
        s.push(' ');
        i += 1;
    }
    s
}

fn a_long_sentence_is_ingested(kb: usize) {
    let t = TestDir::new();
    t.write("long.txt", format!("---\nlang: en\n---\n{}\n", sentence_without_punctuation(kb)));
    t.write("small.md", article(7));
    let started = Instant::now();
    let r = run(&t, &["ingest", "long.txt", "small.md"]);
    eprintln!("{kb} KB sentence: {:.1?}", started.elapsed());
    expect(&r, 0, &["2 new"]);
    let statements = "SELECT count(*) FROM statements s JOIN articles a ON a.id = s.article_id WHERE a.source = ";
    assert!(count(&t.db(), &format!("{statements} 'long.txt'")) >= 1);
    assert!(count(&t.db(), &format!("{statements} 'small.md'")) >= 2);
    assert_consistent(&t.db());
}

/// The 1 MB sentence of the issue at an eighth of its size (the full size follows).
#[test]
fn a_128_kb_sentence_without_punctuation_is_ingested() {
    a_long_sentence_is_ingested(128);
}

#[test]
fn a_1_mb_sentence_without_punctuation_is_ingested() {
    a_long_sentence_is_ingested(full_size(1024, "the sentence's KB"));
}

/// Seconds the ingest itself took (the `throughput: ... in X s` line, which leaves out
/// process start and opening the database) for `body` as one English article (with
/// `published` in its front matter, if given) in a fresh database.
fn ingest_seconds(published: Option<&str>, body: &str) -> f64 {
    let t = TestDir::new();
    let published = published.map(|d| format!("published: {d}\n")).unwrap_or_default();
    t.write("a.txt", format!("---\nlang: en\n{published}---\n{body}\n"));
    let r = run(&t, &["ingest", "a.txt"]);
    r.expect_code(0);
    let err = r.stderr();
    let secs = err
        .lines()
        .find_map(|l| l.strip_prefix("throughput: ")?.rsplit_once(" in ")?.1.strip_suffix(" s")?.parse::<f64>().ok());
    secs.unwrap_or_else(|| panic!("no throughput line\n{}", r.describe()))
}

/// Four times the text must take about four times as long, not sixteen. The ratio leaves
/// room for noise: linear code gives about 4, quadratic code about 16. Times under 50 ms
/// are counted as 50 ms, so that timer noise on a tiny run cannot fail the test.
fn assert_linear(what: &str, small: f64, large: f64) {
    let small = small.max(0.05);
    eprintln!("{what}: {small:.2} s, then {large:.2} s for four times the text (ratio {:.1})", large / small);
    assert!(large < small * 9.0, "{what}: {small:.2} s, then {large:.2} s for four times the text: not linear");
}

/// `n` claims of one kind about one place (Homs, a name shared by the city and its
/// governorate), one per line.
fn claims_about_homs(n: usize) -> String {
    (0..n).map(|i| format!("Rebels said the army had withdrawn from Homs, report {i}.")).collect::<Vec<_>>().join("\n")
}

#[test]
fn an_article_with_many_claims_about_one_place_ingests_in_linear_time() {
    let (small, large) = (claims_about_homs(1_000), claims_about_homs(4_000));
    let published = Some("2024-12-06");
    assert_linear("claims about Homs", ingest_seconds(published, &small), ingest_seconds(published, &large));
}

#[test]
fn an_undated_article_with_many_claims_about_one_place_ingests_in_linear_time() {
    let (small, large) = (claims_about_homs(1_000), claims_about_homs(4_000));
    assert_linear("undated claims about Homs", ingest_seconds(None, &small), ingest_seconds(None, &large));
}

#[test]
fn a_long_sentence_is_extracted_in_linear_time() {
    let (small, large) = (sentence_without_punctuation(256), sentence_without_punctuation(1024));
    assert_linear("one sentence without punctuation", ingest_seconds(None, &small), ingest_seconds(None, &large));
}

/// NDJSON with a malformed line in the middle: that line is named by number, every other
/// line is stored.
fn ndjson_with_a_malformed_line(n: usize, timeout: Duration) {
    let t = TestDir::new();
    let bad = n / 2;
    let mut s = String::with_capacity(n * 160);
    for i in 1..=n {
        if i == bad {
            s.push_str("{\"title\": \"broken\", \"body\": \"unterminated\n");
        } else {
            s.push_str(&format!(
                "{{\"title\":\"T{i}\",\"lang\":\"en\",\"published\":\"{}\",\"outlet\":\"Wire\",\"body\":\"The army said it had withdrawn from {}, line {i}.\"}}\n",
                day(i),
                PLACES[i % PLACES.len()]
            ));
        }
    }
    t.write("wire.ndjson", s);
    let started = Instant::now();
    let r = run_in(&t, &["ingest", "wire.ndjson"], timeout);
    eprintln!("{n} NDJSON lines: {:.1?}", started.elapsed());
    expect(&r, 1, &[&format!("wire.ndjson:{bad}: invalid JSON")]);
    assert_eq!(r.stderr().matches("claimtrack: skipped").count(), 1, "only the bad line is skipped\n{}", r.stderr());
    assert_eq!(articles(&t.db()), n as i64 - 1);
    assert_eq!(count(&t.db(), &format!("SELECT count(*) FROM articles WHERE source = 'wire.ndjson:{}'", bad + 1)), 1);
    assert_eq!(count(&t.db(), &format!("SELECT count(*) FROM articles WHERE source = 'wire.ndjson:{bad}'")), 0);
}

#[test]
fn ndjson_of_100000_lines_with_a_malformed_line_keeps_the_rest() {
    ndjson_with_a_malformed_line(full_size(100_000, "NDJSON lines"), Duration::from_secs(600));
}

#[test]
fn json_nested_10000_levels_is_refused_not_a_crash() {
    let t = TestDir::new();
    t.write("in/arrays.json", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)));
    t.write("in/objects.json", format!("{}\"x\"{}", "{\"body\":".repeat(10_000), "}".repeat(10_000)));
    t.write(
        "in/lines.ndjson",
        format!(
            "{{\"lang\":\"en\",\"body\":\"The army denied withdrawing from Hama.\"}}\n{}1{}\n",
            "{\"a\":".repeat(10_000),
            "}".repeat(10_000)
        ),
    );
    t.write("in/good.md", article(9));
    let r = run(&t, &["ingest", "in"]);
    expect(
        &r,
        1,
        &["in/arrays.json: invalid JSON", "in/objects.json: invalid JSON", "in/lines.ndjson:2: invalid JSON"],
    );
    assert!(r.stderr().contains("recursion limit"), "the reason says why\n{}", r.describe());
    assert_eq!(articles(&t.db()), 2);
    assert_consistent(&t.db());
}

#[test]
fn unterminated_front_matter_is_named() {
    one_bad_file(
        "open.md",
        b"---\ntitle: Never closed\nlang: en\nThe army withdrew from Homs.\n",
        "front matter opened on line 1 is never closed",
    );
}

#[test]
fn impossible_date_is_named() {
    one_bad_file(
        "date.md",
        b"---\ntitle: x\npublished: 2024-13-45\n---\nThe army withdrew from Homs on Friday, rebels said.\n",
        "'published: 2024-13-45' is not a valid date",
    );
    usage_error_writes_nothing("--published", "2024-13-45");
}

/// A bad option value on the command line is a usage error (exit 2) naming the value, and
/// nothing is written, not even the database.
fn usage_error_writes_nothing(option: &str, value: &str) {
    let t = TestDir::new();
    t.write("good.md", article(10));
    let r = run(&t, &["ingest", option, value, "good.md"]);
    expect(&r, 2, &[value]);
    assert!(!t.db().exists(), "a usage error created the database\n{}", r.describe());
}

#[test]
fn unknown_language_is_named() {
    one_bad_file(
        "de.md",
        b"---\nlang: de\n---\nDie Armee hat sich aus Homs zurueckgezogen.\n",
        "unsupported language 'de'",
    );
    let german = "Die Bundesregierung hat am Dienstag angekündigt, dass die Armee sich aus der Stadt Homs \
                  zurückgezogen habe, sagte ein Sprecher des Ministeriums in Berlin am Abend.\n";
    one_bad_file("german.txt", german.as_bytes(), "language de is not supported");
    usage_error_writes_nothing("--lang", "klingon");
}

#[test]
fn a_folder_of_10000_files_is_ingested() {
    let t = TestDir::new();
    let n = full_size(10_000, "files");
    let dir = corpus(&t, "many", 0, n);
    // Files that are not articles are passed over.
    std::fs::write(dir.join("notes.pdf"), b"%PDF-1.4").unwrap();
    let started = Instant::now();
    let r = run(&t, &["ingest", "many"]);
    eprintln!("{n} files: {:.1?}", started.elapsed());
    expect(&r, 0, &[&format!("{n} new")]);
    assert_eq!(articles(&t.db()), n as i64);
    assert_eq!(count(&t.db(), "SELECT count(DISTINCT source) FROM articles"), n as i64);
    assert_consistent(&t.db());
}

#[cfg(unix)]
#[test]
fn symlink_loops_end() {
    use std::os::unix::fs::symlink;
    let t = TestDir::new();
    let root = corpus(&t, "news", 0, 3);
    std::fs::create_dir_all(root.join("sub")).unwrap();
    t.write("news/sub/b.md", article(100));
    symlink(&root, root.join("sub/up")).unwrap();
    symlink(root.join("sub"), root.join("sub/self")).unwrap();
    let r = run_in(&t, &["ingest", "news"], Duration::from_secs(60));
    expect(&r, 0, &["4 new"]);
    // A loop of links between two files is named when read; the rest goes in.
    symlink(root.join("l2.md"), root.join("l1.md")).unwrap();
    symlink(root.join("l1.md"), root.join("l2.md")).unwrap();
    t.write("news/sub/c.md", article(101));
    let r = run_in(&t, &["ingest", "news"], Duration::from_secs(60));
    expect(&r, 1, &["news/l1.md: too many levels of symbolic links", "news/l2.md"]);
    assert_eq!(articles(&t.db()), 5);
    assert_consistent(&t.db());
}

#[test]
fn a_path_that_does_not_exist_stops_everything() {
    let t = TestDir::new();
    t.write("good.md", article(12));
    let r = run(&t, &["ingest", "good.md", "missing.md"]);
    expect(&r, 2, &["missing.md", "no such file or directory"]);
    assert!(!t.db().exists(), "nothing written, not even the database\n{}", r.describe());
    // Also when it comes first, and for a folder.
    let r = run(&t, &["ingest", "nowhere/", "good.md"]);
    expect(&r, 2, &["nowhere", "no such file or directory"]);
    assert!(!t.db().exists(), "nothing written, not even the database\n{}", r.describe());
    // And into an existing database: nothing is added to it.
    run(&t, &["ingest", "good.md"]).expect_code(0);
    t.write("other.md", article(13));
    let r = run(&t, &["ingest", "other.md", "missing.md"]);
    expect(&r, 2, &["missing.md", "no such file or directory"]);
    assert_eq!(sources(&t.db()), vec!["good.md".to_string()], "{}", r.describe());
}

#[cfg(unix)]
fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo").arg(p).status().is_ok_and(|s| s.success())
}

/// Opens a fifo for reading without blocking, so a writer stuck on open() gets free.
#[cfg(unix)]
fn unblock_fifo_writer(p: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000;
    let _ = std::fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(p);
}

#[cfg(unix)]
#[test]
fn a_fifo_given_explicitly_is_read() {
    let t = TestDir::new();
    let fifo = t.path().join("pipe.md");
    if !mkfifo(&fifo) {
        eprintln!("note: mkfifo not available; test skipped");
        return;
    }
    let text = article(13);
    let f = fifo.clone();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut w = std::fs::OpenOptions::new().write(true).open(&f).unwrap();
        // In pieces, with pauses: the reader must wait for the end.
        for chunk in text.as_bytes().chunks(40) {
            w.write_all(chunk).unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let r = run_in(&t, &["ingest", "pipe.md"], Duration::from_secs(60));
    if !writer.is_finished() {
        unblock_fifo_writer(&fifo);
    }
    let _ = writer.join();
    expect(&r, 0, &["1 new"]);
    let title: String = conn(&t.db()).query_row("SELECT title FROM articles", [], |r| r.get(0)).unwrap();
    assert_eq!(title, "Report 13");
}

#[cfg(unix)]
#[test]
fn a_fifo_inside_a_folder_is_passed_over_without_hanging() {
    let t = TestDir::new();
    corpus(&t, "in", 0, 2);
    let fifo = t.path().join("in/pipe.md");
    if !mkfifo(&fifo) {
        eprintln!("note: mkfifo not available; test skipped");
        return;
    }
    // Nobody ever writes to it: opening it would block forever.
    let r = run_in(&t, &["ingest", "in"], Duration::from_secs(60));
    unblock_fifo_writer(&fifo);
    expect(&r, 0, &["2 new"]);
    assert_eq!(articles(&t.db()), 2);
}

#[test]
fn a_database_that_is_not_sqlite_is_refused_and_left_alone() {
    let t = TestDir::new();
    t.write("good.md", article(14));
    let junk = "These are my notes, not a database. ".repeat(200);
    let db = t.write("notes.db", &junk);
    for args in [&["--db", "notes.db", "ingest", "good.md"][..], &["--db", "notes.db", "conflicts"][..]] {
        let r = run(&t, args);
        expect(&r, 2, &["notes.db"]);
        assert!(
            r.stderr().contains("not a claimtrack database") || r.stderr().contains("not a database"),
            "{}",
            r.describe()
        );
        assert_eq!(std::fs::read_to_string(&db).unwrap(), junk, "the file is untouched");
    }
    assert!(
        !t.path().join("notes.db-wal").exists() || std::fs::metadata(t.path().join("notes.db-wal")).unwrap().len() == 0
    );
}

/// A database holding one article (`a.md`, `article(n)`), and another (`b.md`) to ingest.
fn one_article_stored(n: usize) -> TestDir {
    let t = TestDir::new();
    t.write("a.md", article(n));
    t.write("b.md", article(n + 1));
    run(&t, &["ingest", "a.md"]).expect_code(0);
    t
}

/// Bytes and modification time of a file.
fn snapshot(p: &Path) -> (Vec<u8>, std::time::SystemTime) {
    (std::fs::read(p).unwrap(), std::fs::metadata(p).unwrap().modified().unwrap())
}

#[test]
fn a_newer_schema_is_refused_and_the_file_left_untouched() {
    let t = one_article_stored(15);
    conn(&t.db()).execute_batch("PRAGMA user_version = 99").unwrap();
    let before = snapshot(&t.db());
    std::thread::sleep(Duration::from_millis(20));
    for args in [
        &["ingest", "b.md"][..],
        &["conflicts"][..],
        &["review", "1", "--verdict", "partly", "--note", "n", "--by", "me"][..],
    ] {
        let r = run(&t, args);
        expect(&r, 2, &["claimtrack.db", "schema version 99 is newer"]);
        assert!(snapshot(&t.db()) == before, "claimtrack {} changed the database file", args.join(" "));
    }
    assert_eq!(count(&t.db(), "PRAGMA user_version"), 99);
    assert_eq!(articles(&t.db()), 1);
}

/// Unmounts on drop.
#[cfg(target_os = "linux")]
struct Mounted(PathBuf);

#[cfg(target_os = "linux")]
impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// `mount ARGS TARGET`; None when this machine does not let us mount (no CAP_SYS_ADMIN).
#[cfg(target_os = "linux")]
fn mount(args: &[&str], target: &Path) -> Option<Mounted> {
    let ok = Command::new("mount").args(args).arg(target).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    ok.then(|| Mounted(target.to_path_buf()))
}

#[cfg(target_os = "linux")]
fn remount(options: &str, target: &Path) -> bool {
    Command::new("mount").args(["-o", options]).arg(target).status().is_ok_and(|s| s.success())
}

/// A write refused because the database is read-only: exit 2, the message names the file
/// and says it is read-only (not that it is not a database).
fn expect_read_only(r: &Run) {
    expect(r, 2, &["claimtrack.db"]);
    assert!(!r.stderr().contains("not a claimtrack database"), "it is one, read-only\n{}", r.describe());
    assert!(
        r.stderr().contains("readonly") || r.stderr().contains("read-only"),
        "the message says it is read-only\n{}",
        r.describe()
    );
}

#[cfg(unix)]
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A database file with mode 444 in a folder the user may write to. Root ignores file
/// modes, so as root the binary runs as `nobody` (setpriv); without setpriv the test is
/// skipped with a note.
#[cfg(unix)]
#[test]
fn a_read_only_database_file_is_refused_for_writing_and_still_readable() {
    use std::os::unix::fs::PermissionsExt;
    let t = one_article_stored(17);
    let db = t.db();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let as_nobody = is_root();
    if as_nobody {
        let has_setpriv = Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success());
        if !has_setpriv {
            eprintln!(
                "note: running as root (chmod 444 does not stop root) and no setpriv to drop to nobody; test skipped"
            );
            return;
        }
        // nobody must reach the folder, read the inputs and may create the -shm/-wal files.
        for p in [t.path().to_path_buf(), t.path().join("a.md"), t.path().join("b.md")] {
            let mode = if p.is_dir() { 0o777 } else { 0o644 };
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    let before = snapshot(&db);
    let claimtrack = |args: &[&str]| -> Run {
        let mut cmd = if as_nobody {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin()]);
            c
        } else {
            Command::new(bin())
        };
        cmd.current_dir(t.path()).args(args).env_remove("CLAIMTRACK_DB").env_remove("CLAIMTRACK_LEXICON");
        run_cmd(cmd, args, t.path(), TIMEOUT)
    };
    let r = claimtrack(&["ingest", "b.md"]);
    if as_nobody && r.stderr().starts_with("setpriv:") {
        eprintln!("note: nobody cannot run the binary here ({}); test skipped", r.stderr().trim());
        return;
    }
    expect_read_only(&r);
    let r = claimtrack(&["conflicts", "--format", "json"]);
    expect(&r, 0, &[]);
    let _ = r.json();
    assert!(snapshot(&db) == before, "the read-only database changed");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(articles(&db), 1);
    assert_consistent(&db);
}

/// A database on read-only media (a read-only bind mount of its folder: no -shm or -wal
/// can be created next to it). Needs mount rights; skipped with a note without them.
#[cfg(target_os = "linux")]
#[test]
fn a_database_on_read_only_media_is_named_as_read_only_and_still_readable() {
    let t = one_article_stored(19);
    let ro = t.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let Some(guard) = mount(&["--bind", t.path().to_str().unwrap()], &ro) else {
        eprintln!("note: cannot bind-mount here (needs CAP_SYS_ADMIN); test skipped");
        return;
    };
    assert!(remount("remount,bind,ro", &ro), "remount read-only");
    let before = snapshot(&t.db());
    let db_ro = ro.join("claimtrack.db");
    let db_arg = db_ro.to_str().unwrap();
    let r = run(&t, &["--db", db_arg, "ingest", "b.md"]);
    expect_read_only(&r);
    let r = run(&t, &["--db", db_arg, "conflicts", "--format", "json"]);
    expect(&r, 0, &[]);
    let _ = r.json();
    drop(guard);
    assert!(snapshot(&t.db()) == before, "the database changed");
    assert_eq!(articles(&t.db()), 1);
}

/// Disk full during an ingest, by a file size limit (`ulimit -f`, the XFSZ signal ignored
/// so writes fail with an error as on a full disk): exit 2 with a message, the database
/// intact and usable afterwards.
#[cfg(unix)]
#[test]
fn disk_full_during_ingest_fails_cleanly_and_the_database_stays_usable() {
    let t = TestDir::new();
    t.write("first.md", article(0));
    run(&t, &["ingest", "first.md"]).expect_code(0);
    let base = std::fs::metadata(t.db()).unwrap().len();
    let n = 3_000;
    corpus(&t, "big", 1, n);
    // 512-byte blocks: the database may grow by 1 MB, the corpus needs several.
    let blocks = base / 512 + 2048;
    let script = format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" ingest big");
    let mut cmd = Command::new("sh");
    cmd.current_dir(t.path()).arg("-c").arg(&script).arg(bin()).env_remove("CLAIMTRACK_DB");
    let r = run_cmd(cmd, &["(ulimit -f)", "ingest", "big"], t.path(), TIMEOUT);
    expect(&r, 2, &["claimtrack.db"]);
    let msg = r.stderr().to_lowercase();
    assert!(
        ["full", "disk", "i/o", "too large", "space"].iter().any(|w| msg.contains(w)),
        "the message says what went wrong\n{}",
        r.describe()
    );
    assert_consistent(&t.db());
    let stored = articles(&t.db());
    assert!(stored < n as i64 + 1, "the limit was hit before the end ({stored} stored)");
    eprintln!("{stored} articles stored before the disk filled up");
    // Usable afterwards: the same ingest completes, without duplicates.
    let r = run(&t, &["ingest", "big"]);
    expect(&r, 0, &[]);
    assert_eq!(articles(&t.db()), n as i64 + 1);
    assert_eq!(count(&t.db(), "SELECT count(DISTINCT source) FROM articles"), n as i64 + 1);
    assert_consistent(&t.db());
}

/// Disk full for real (ENOSPC) on a small tmpfs, when this machine lets us mount one.
#[cfg(target_os = "linux")]
#[test]
fn disk_full_on_a_small_tmpfs_fails_cleanly_and_the_database_stays_usable() {
    let t = TestDir::new();
    let mnt = t.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let Some(guard) = mount(&["-t", "tmpfs", "-o", "size=3m", "tmpfs"], &mnt) else {
        eprintln!("note: cannot mount a tmpfs here (needs CAP_SYS_ADMIN); covered by the ulimit test");
        return;
    };
    let n = 3_000;
    corpus(&t, "big", 0, n);
    let db = mnt.join("claimtrack.db");
    let db_arg = db.to_str().unwrap().to_string();
    let r = run(&t, &["--db", &db_arg, "ingest", "big"]);
    expect(&r, 2, &["claimtrack.db"]);
    let msg = r.stderr().to_lowercase();
    assert!(msg.contains("full") || msg.contains("space") || msg.contains("disk"), "{}", r.describe());
    // Room again: the database is intact and the same ingest completes.
    assert!(remount("remount,size=256m", &mnt), "remount with room");
    assert_consistent(&db);
    let r = run(&t, &["--db", &db_arg, "ingest", "big"]);
    expect(&r, 0, &[]);
    assert_eq!(articles(&db), n as i64);
    assert_consistent(&db);
    drop(guard);
}
