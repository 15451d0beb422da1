//! Test helpers: a fresh directory per test and a way to run the real binary in it that
//! prints the command, directory, status, stdout and stderr when something goes wrong.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct TestDir {
    pub dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.path().join("claimtrack.db")
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// Runs claimtrack with `args` in this directory (database `claimtrack.db` here).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        use std::io::Write;
        let mut cmd = claimtrack(self.path());
        cmd.args(args);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn claimtrack");
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        } else {
            drop(child.stdin.take());
        }
        let output = child.wait_with_output().expect("wait claimtrack");
        Run { args: args.iter().map(|s| s.to_string()).collect(), dir: self.path().to_path_buf(), output }
    }
}

pub struct Run {
    pub args: Vec<String>,
    pub dir: PathBuf,
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn describe(&self) -> String {
        format!(
            "command: claimtrack {}\ndir: {}\nstatus: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.dir.display(),
            self.output.status,
            self.stdout(),
            self.stderr()
        )
    }

    /// Asserts the exit code, printing everything when it differs.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code(), code, "unexpected exit code\n{}", self.describe());
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout()).unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", self.describe()))
    }
}

/// The claimtrack binary, to run in `dir`, without the CLAIMTRACK_* variables of the
/// environment the tests run in.
pub fn claimtrack(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimtrack"));
    cmd.current_dir(dir).env_remove("CLAIMTRACK_DB").env_remove("CLAIMTRACK_LEXICON");
    cmd
}

/// One integer from a query (a count, a pragma), panicking with the SQL when it fails.
pub fn one(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The database is sound, whatever happened to the process that wrote it: integrity and
/// foreign keys hold, every claim lies in a statement of its own article, every conflict has
/// at least two claims and points at none that is missing, and so do corroborations.
/// `context` says which run or step in the messages.
pub fn assert_sound(conn: &rusqlite::Connection, context: &str) {
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok", "{context}: integrity_check");
    assert_eq!(one(conn, "SELECT count(*) FROM pragma_foreign_key_check"), 0, "{context}: foreign_key_check");
    let checks = [
        (
            "SELECT count(*) FROM claims c LEFT JOIN statements s ON s.id = c.statement_id
              WHERE s.id IS NULL OR s.article_id != c.article_id",
            "claims whose statement is missing or in another article",
        ),
        (
            "SELECT count(*) FROM conflict_claims cc LEFT JOIN claims c ON c.id = cc.claim_id WHERE c.id IS NULL",
            "conflict_claims pointing at a missing claim",
        ),
        (
            "SELECT count(*) FROM conflicts k
              WHERE (SELECT count(*) FROM conflict_claims cc WHERE cc.conflict_id = k.id) < 2",
            "conflicts with fewer than two claims",
        ),
        (
            "SELECT count(*) FROM corroborations r LEFT JOIN claims c ON c.id = r.by_claim_id WHERE c.id IS NULL",
            "corroborations pointing at a missing claim",
        ),
    ];
    for (sql, what) in checks {
        assert_eq!(one(conn, sql), 0, "{context}: {what}");
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

// Helpers used by tests/cli.rs (appended; the functions above are shared with other tests).

impl TestDir {
    /// Copies every file of `fixtures/<from>` (one level) into `<this dir>/<to>`; returns `to`.
    pub fn copy_fixtures(&self, from: &str, to: &str) -> PathBuf {
        let dest = self.path().join(to);
        std::fs::create_dir_all(&dest).unwrap();
        for entry in std::fs::read_dir(fixtures().join(from)).expect("fixture folder") {
            let p = entry.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, dest.join(p.file_name().unwrap())).unwrap();
            }
        }
        dest
    }

    /// Copies the two seed articles into `fixtures/seeds/` here, so that the quick start's
    /// command line works as written; returns that relative path.
    pub fn seeds(&self) -> &'static str {
        self.copy_fixtures("seeds", "fixtures/seeds");
        "fixtures/seeds/"
    }

    /// Runs claimtrack with extra environment variables (after clearing CLAIMTRACK_*).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = claimtrack(self.path());
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(std::process::Stdio::null());
        let output = cmd.output().expect("run claimtrack");
        Run { args: args.iter().map(|s| s.to_string()).collect(), dir: self.path().to_path_buf(), output }
    }

    /// The test's database, opened directly (for checks the CLI does not show).
    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db()).expect("open test database")
    }

    /// Rows in a table of the test's database.
    pub fn count(&self, table: &str) -> i64 {
        one(&self.conn(), &format!("SELECT count(*) FROM {table}"))
    }
}

impl Run {
    /// Asserts that stderr contains `needle`, printing everything when not.
    pub fn expect_stderr_contains(&self, needle: &str) -> &Run {
        assert!(self.stderr().contains(needle), "stderr lacks {needle:?}\n{}", self.describe());
        self
    }

    pub fn expect_stdout_contains(&self, needle: &str) -> &Run {
        assert!(self.stdout().contains(needle), "stdout lacks {needle:?}\n{}", self.describe());
        self
    }
}
