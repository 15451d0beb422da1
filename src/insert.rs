//! The ingest's inserts, bound without copying.
//!
//! rusqlite binds every text as `SQLITE_TRANSIENT`: SQLite allocates a copy of each string
//! when it is bound, copies it again into the record it inserts, and frees the first copy.
//! An ingest binds about 640 texts per article (most of them short words from closed
//! vocabularies: polarity, event type, match kind, ...), and binding was 12% of the
//! writer's instructions, a third of it the copies and their allocations. An [`Insert`]
//! binds with `SQLITE_STATIC` instead: the values are borrowed for the one call of
//! [`Insert::run`] that binds them, steps the statement and unbinds them again, so SQLite
//! never holds a pointer past the borrow.
//!
//! Queries and everything outside the ingest's hot path keep to rusqlite.

use std::ffi::{c_int, CStr};
use std::ptr::NonNull;

use rusqlite::{ffi, Connection};

/// A value bound for one run of an [`Insert`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    /// NaN is stored as NULL, as SQLite does for every NaN bound.
    Real(f64),
    Text(&'a str),
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<f64> for Value<'_> {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Text(v)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Text(v)
    }
}

impl<'a> From<&'a crate::db::DayText> for Value<'a> {
    fn from(v: &'a crate::db::DayText) -> Self {
        Value::Text(v.as_str())
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// `[Value; N]` from values of different types: `values![id, "asserted", None::<i64>]`.
#[macro_export]
macro_rules! values {
    ($($v:expr),* $(,)?) => {
        [$($crate::insert::Value::from($v)),*]
    };
}

/// A prepared INSERT (or UPDATE) on `conn`, kept for the life of an ingest.
#[derive(Debug)]
pub struct Insert<'c> {
    conn: &'c Connection,
    stmt: NonNull<ffi::sqlite3_stmt>,
    params: usize,
}

impl<'c> Insert<'c> {
    /// Prepares one statement that returns no rows.
    pub fn prepare(conn: &'c Connection, sql: &str) -> rusqlite::Result<Insert<'c>> {
        let len = c_int::try_from(sql.len()).map_err(|_| failure(ffi::SQLITE_TOOBIG, "SQL too long".into()))?;
        let mut stmt = std::ptr::null_mut();
        let mut tail: *const std::ffi::c_char = std::ptr::null();
        // SAFETY: `handle` is the open connection `conn` borrows for 'c, used on this thread
        // only (Connection is not Sync); `sql` is valid for `len` bytes, and `tail` points
        // into it. The statement is finalized in Drop, before 'c ends.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                conn.handle(),
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                &mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(last_error(conn, rc));
        }
        let Some(stmt) = NonNull::new(stmt) else {
            return Err(failure(ffi::SQLITE_MISUSE, format!("no statement in: {sql}")));
        };
        // Built here, so that Drop finalizes it whatever is wrong below.
        // SAFETY: `stmt` was just prepared.
        let (params, columns) =
            unsafe { (ffi::sqlite3_bind_parameter_count(stmt.as_ptr()), ffi::sqlite3_column_count(stmt.as_ptr())) };
        let insert = Insert { conn, stmt, params: params as usize };
        let rest = (tail as usize).checked_sub(sql.as_ptr() as usize).and_then(|at| sql.get(at..)).unwrap_or("");
        if !rest.trim().is_empty() || columns != 0 {
            return Err(failure(ffi::SQLITE_MISUSE, format!("not one statement returning no rows: {sql}")));
        }
        Ok(insert)
    }

    /// Binds `values` to the statement's parameters in order (as many as it has), runs it,
    /// and unbinds them. Returns the number of rows it changed.
    pub fn run(&mut self, values: &[Value<'_>]) -> rusqlite::Result<usize> {
        if values.len() != self.params {
            return Err(rusqlite::Error::InvalidParameterCount(values.len(), self.params));
        }
        let stmt = self.stmt.as_ptr();
        // SAFETY: `stmt` is a live statement of `self.conn`, not running (every run resets
        // it). Texts are bound SQLITE_STATIC: SQLite reads them only during this call's
        // step, and `sqlite3_clear_bindings` drops its pointers to them before `values`'
        // borrow ends.
        unsafe {
            let mut rc = ffi::SQLITE_OK;
            let mut too_big = None;
            for (i, v) in values.iter().enumerate() {
                let i = (i + 1) as c_int;
                rc = match *v {
                    Value::Null => ffi::sqlite3_bind_null(stmt, i),
                    Value::Int(n) => ffi::sqlite3_bind_int64(stmt, i, n),
                    Value::Real(x) => ffi::sqlite3_bind_double(stmt, i, x),
                    // An empty text is bound from a static "", as rusqlite does.
                    Value::Text("") => ffi::sqlite3_bind_text(stmt, i, c"".as_ptr(), 0, ffi::SQLITE_STATIC()),
                    Value::Text(t) => match c_int::try_from(t.len()) {
                        Ok(len) => ffi::sqlite3_bind_text(stmt, i, t.as_ptr().cast(), len, ffi::SQLITE_STATIC()),
                        Err(_) => {
                            too_big = Some(i);
                            ffi::SQLITE_TOOBIG
                        }
                    },
                };
                if rc != ffi::SQLITE_OK {
                    break;
                }
            }
            let result = if let Some(i) = too_big {
                Err(failure(ffi::SQLITE_TOOBIG, format!("parameter {i}: a text longer than SQLite takes")))
            } else if rc != ffi::SQLITE_OK {
                Err(last_error(self.conn, rc))
            } else {
                match ffi::sqlite3_step(stmt) {
                    ffi::SQLITE_DONE => Ok(ffi::sqlite3_changes64(self.conn.handle()) as usize),
                    ffi::SQLITE_ROW => Err(rusqlite::Error::ExecuteReturnedResults),
                    rc => Err(last_error(self.conn, rc)),
                }
            };
            ffi::sqlite3_reset(stmt);
            ffi::sqlite3_clear_bindings(stmt);
            result
        }
    }
}

impl Drop for Insert<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is ours, finalized once, while `conn` is still open.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

fn failure(code: c_int, message: String) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message))
}

/// The connection's error for a call that returned `rc`, with SQLite's message.
fn last_error(conn: &Connection, rc: c_int) -> rusqlite::Error {
    // SAFETY: the connection is open; errmsg returns a string SQLite owns, copied at once.
    let (code, message) = unsafe {
        let db = conn.handle();
        let code = match ffi::sqlite3_extended_errcode(db) {
            0 => rc,
            extended => extended,
        };
        let message = CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy().into_owned();
        (code, message)
    };
    failure(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, x REAL, s TEXT UNIQUE)").unwrap();
        conn
    }

    #[test]
    fn values_are_stored_as_bound_and_not_kept() {
        let conn = conn();
        let mut ins = Insert::prepare(&conn, "INSERT INTO t (n, x, s) VALUES (?1, ?2, ?3)").unwrap();
        for i in 0..3i64 {
            // A text that lives only for this run: the statement must not keep it.
            let s = format!("row {i} é");
            assert_eq!(ins.run(&values![i, 0.5 * i as f64, s.as_str()]).unwrap(), 1);
        }
        assert_eq!(ins.run(&values![None::<i64>, f64::NAN, ""]).unwrap(), 1);
        let rows: Vec<(Option<i64>, Option<f64>, String)> = conn
            .prepare("SELECT n, x, s FROM t ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (Some(0), Some(0.0), "row 0 é".to_string()),
                (Some(1), Some(0.5), "row 1 é".to_string()),
                (Some(2), Some(1.0), "row 2 é".to_string()),
                (None, None, String::new()),
            ]
        );
    }

    #[test]
    fn errors_name_the_constraint_and_leave_the_statement_usable() {
        let conn = conn();
        let mut ins = Insert::prepare(&conn, "INSERT INTO t (s) VALUES (?1)").unwrap();
        ins.run(&values!["a"]).unwrap();
        let err = ins.run(&values!["a"]).unwrap_err().to_string();
        assert!(err.contains("UNIQUE constraint failed: t.s"), "{err}");
        assert!(matches!(ins.run(&values!["a", "b"]), Err(rusqlite::Error::InvalidParameterCount(2, 1))));
        assert_eq!(ins.run(&values!["b"]).unwrap(), 1);
        let ignore = Insert::prepare(&conn, "INSERT OR IGNORE INTO t (s) VALUES (?1)");
        assert_eq!(ignore.unwrap().run(&values!["b"]).unwrap(), 0);
        assert!(Insert::prepare(&conn, "INSERT INTO nowhere VALUES (1)").unwrap_err().to_string().contains("nowhere"));
        // One statement returning no rows, or an error (not a silently dropped remainder).
        assert!(Insert::prepare(&conn, "INSERT INTO t (s) VALUES ('x'); DELETE FROM t").is_err());
        assert!(Insert::prepare(&conn, "SELECT s FROM t").is_err());
        assert!(Insert::prepare(&conn, "INSERT INTO t (s) VALUES ('x'); ").is_ok());
    }
}
