//! Opening the database in one place: schema and migrations, pragmas, seeding the
//! gazetteer and actors. Every command gets its connection from here.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};

use crate::gazetteer::{parse_places_tsv, PlaceRecord, BUILTIN_PLACES};
use crate::lexicon::Lexicon;

/// Migrations in order; `PRAGMA user_version` counts those applied. Append, never edit.
const MIGRATIONS: &[&str] = &[
    include_str!("../schema.sql"),
    include_str!("../migrations/0001_reviews.sql"),
    include_str!("../migrations/0002_claim_place_lookup.sql"),
    include_str!("../migrations/0003_conflict_day.sql"),
    include_str!("../migrations/0004_fewer_rows_per_claim.sql"),
    include_str!("../migrations/0005_reasons_from_pairs.sql"),
];

/// How long a writer waits for another before SQLITE_BUSY reaches us (ms). Ingest commits
/// one article at a time, so waits are short; the concurrency test exercises this.
pub const BUSY_TIMEOUT_MS: u64 = 10_000;

/// Prepared statements kept per connection.
const PREPARED_CACHE: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{path}: not a claimtrack database ({reason})")]
    NotADatabase { path: String, reason: String },
    #[error("{path}: schema version {found} is newer than this claimtrack understands ({known}); upgrade claimtrack")]
    TooNew { path: String, found: i64, known: i64 },
    #[error("{path}: {source}")]
    Sqlite { path: String, source: rusqlite::Error },
    #[error("gazetteer: {0}")]
    Gazetteer(String),
}

pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// A second connection to a database `open` has already opened and migrated, for work beside
/// the first (an ingest's WAL checkpoints): no migration, no creation.
pub fn open_beside(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
    Ok(conn)
}

/// Copies what it can of the WAL into the database without waiting for other connections
/// (PASSIVE). True when it copied all of it: the next transaction then writes the WAL from
/// its beginning instead of making it longer.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<bool> {
    // (busy, frames in the WAL, frames copied); busy is 1 when another connection is
    // checkpointing (then -1, -1), or for a checkpoint that waits.
    let (busy, log, copied): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(busy == 0 && log == copied)
}

/// Opens (and creates or migrates) the database at `path`.
pub fn open(path: &Path, lexicon: &Lexicon) -> Result<Connection, DbError> {
    let p = path.display().to_string();
    let sq = |source: rusqlite::Error| DbError::Sqlite { path: p.clone(), source };
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY))
    .map_err(sq)?;
    // Before the first read: another process may be creating or migrating the database, and
    // without a busy timeout that read fails at once with "database is locked".
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS)).map_err(sq)?;
    let mut version = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    if let Err(rusqlite::Error::SqliteFailure(e, _)) = &version {
        // On read-only media a WAL database cannot create its -shm file: read it as immutable
        // so listings still work (writes then fail with a clear message).
        if matches!(e.code, rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly) && path.exists() {
            // A URI: '%', '?' and '#' in the path are escaped so they stay part of it.
            let escaped = path.display().to_string().replace('%', "%25").replace('?', "%3f").replace('#', "%23");
            let uri = format!("file:{escaped}?immutable=1");
            conn = Connection::open_with_flags(uri, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI)
                .map_err(sq)?;
            version = conn.query_row("PRAGMA user_version", [], |r| r.get(0));
        }
    }
    let version = version.map_err(|e| DbError::NotADatabase { path: p.clone(), reason: e.to_string() })?;
    // Detection prepares one candidate query per shape of claim; keep them all.
    conn.set_prepared_statement_cache_capacity(PREPARED_CACHE);
    if version > schema_version() {
        return Err(DbError::TooNew { path: p, found: version, known: schema_version() });
    }
    conn.execute_batch("PRAGMA foreign_keys = ON;").map_err(sq)?;
    if !conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        // WAL lets listings read while an ingest writes; NORMAL sync is safe under WAL
        // (a crash loses at most the last commits, never consistency).
        set_wal(&conn).map_err(sq)?;
        // Savepoint sub-journals and sorts stay in memory; a larger page cache keeps the
        // detection indexes hot (measured with benches/ingest.rs, see README).
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;")
            .map_err(sq)?;
    }
    if version < schema_version() {
        migrate(&conn, version, lexicon).map_err(|e| match e {
            DbError::Sqlite { source, .. } => DbError::Sqlite { path: p.clone(), source },
            other => other,
        })?;
    }
    Ok(conn)
}

/// Puts the database in WAL mode. Switching needs the file to itself, and SQLite answers
/// "database is locked" at once, without waiting, while other processes are opening it (as
/// when several start on a new database): so it waits here, up to the busy timeout.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let timeout = std::time::Duration::from_millis(BUSY_TIMEOUT_MS);
    let deadline = std::time::Instant::now() + timeout;
    // Each attempt may wait in SQLite's busy handler too: only for what is left of the timeout.
    let result = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        conn.busy_timeout(left)?;
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && !left.is_zero() =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10).min(left));
            }
            other => break other.map(|_| ()),
        }
    };
    conn.busy_timeout(timeout)?;
    result
}

fn migrate(conn: &Connection, from: i64, lexicon: &Lexicon) -> Result<(), DbError> {
    let sq = |source: rusqlite::Error| DbError::Sqlite { path: String::new(), source };
    // IMMEDIATE: two processes opening a new database at once must not both migrate it.
    let mut conn_tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate).map_err(sq)?;
    let from = {
        let now: i64 = conn_tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sq)?;
        now.max(from)
    };
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        conn_tx.execute_batch(sql).map_err(sq)?;
        if i == 0 {
            let places = parse_places_tsv(BUILTIN_PLACES).map_err(DbError::Gazetteer)?;
            insert_places(&mut conn_tx, &places).map_err(sq)?;
            sync_actors(&conn_tx, lexicon).map_err(sq)?;
        }
    }
    conn_tx.execute_batch(&format!("PRAGMA user_version = {}", schema_version())).map_err(sq)?;
    conn_tx.commit().map_err(sq)
}

/// Inserts or replaces gazetteer rows, then rebuilds the ancestor table.
pub fn insert_places(tx: &mut Transaction<'_>, places: &[PlaceRecord]) -> rusqlite::Result<()> {
    {
        let mut stmt = tx.prepare(
            "INSERT INTO places (id, name, kind, country, parent_id, lat, lon, population, alternates)
             VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, country = excluded.country,
               lat = excluded.lat, lon = excluded.lon, population = excluded.population, alternates = excluded.alternates",
        )?;
        for p in places {
            stmt.execute(params![p.id, p.name, p.kind, p.country, p.lat, p.lon, p.population, p.alternates.join("|")])?;
        }
        // Parents after every row exists, so order in the file does not matter.
        let mut parent = tx.prepare(
            "UPDATE places SET parent_id = ?2 WHERE id = ?1 AND EXISTS (SELECT 1 FROM places WHERE id = ?2)",
        )?;
        for p in places {
            if let Some(par) = p.parent {
                parent.execute(params![p.id, par])?;
            }
        }
    }
    rebuild_ancestors(tx)
}

fn rebuild_ancestors(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "DELETE FROM place_ancestors;
         WITH RECURSIVE up(place_id, ancestor_id, depth) AS (
             SELECT id, id, 0 FROM places
             UNION ALL
             SELECT up.place_id, p.parent_id, up.depth + 1 FROM up JOIN places p ON p.id = up.ancestor_id
              WHERE p.parent_id IS NOT NULL AND up.depth < 16)
         INSERT OR IGNORE INTO place_ancestors (place_id, ancestor_id, depth) SELECT place_id, ancestor_id, depth FROM up;",
    )
}

/// Makes the actors table match the lexicon (names, sides, aliases); returns nothing, ids
/// are looked up by name.
pub fn sync_actors(conn: &Connection, lexicon: &Lexicon) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(
        "INSERT INTO actors (name, side, kind, aliases) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(name) DO UPDATE SET side = excluded.side, kind = excluded.kind, aliases = excluded.aliases
         WHERE side != excluded.side OR kind != excluded.kind OR aliases != excluded.aliases",
    )?;
    for (i, a) in lexicon.actors.actors.iter().enumerate() {
        stmt.execute(params![a.name, a.side, a.kind, lexicon.actors.aliases_of(i).join("|")])?;
    }
    Ok(())
}

/// All gazetteer rows, for building the matcher.
pub fn load_places(conn: &Connection) -> rusqlite::Result<Vec<PlaceRecord>> {
    let mut stmt =
        conn.prepare("SELECT id, name, kind, country, parent_id, lat, lon, population, alternates FROM places")?;
    let rows = stmt.query_map([], |r| {
        let alts: String = r.get(8)?;
        Ok(PlaceRecord {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: r.get(2)?,
            country: r.get(3)?,
            parent: r.get(4)?,
            lat: r.get(5)?,
            lon: r.get(6)?,
            population: r.get::<_, Option<i64>>(7)?.unwrap_or(0),
            alternates: alts.split('|').filter(|s| !s.is_empty()).map(String::from).collect(),
        })
    })?;
    rows.collect()
}

pub fn actor_id(conn: &Connection, name: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT id FROM actors WHERE name = ?1", [name], |r| r.get(0)).optional()
}

/// A day as the database stores it ("2024-12-06"), written out without allocating:
/// detection binds days by the hundred thousand, and chrono's `to_string` (digit by digit
/// into a growing `String`) was 1% of the writer's instructions. Years outside 0-9999,
/// which chrono writes with a sign, are written by chrono.
#[derive(Clone, Copy)]
pub struct DayText {
    bytes: [u8; 16],
    len: usize,
}

impl DayText {
    pub fn new(day: chrono::NaiveDate) -> DayText {
        use chrono::Datelike;
        let mut text = DayText { bytes: [0; 16], len: 10 };
        let (y, m, d) = (day.year(), day.month(), day.day());
        // chrono's years run from -262143 to 262142: "+262142-12-31" is 13 bytes of the 16.
        if !(0..=9999).contains(&y) {
            use std::io::Write;
            let mut out = &mut text.bytes[..];
            let _ = write!(out, "{day}");
            text.len = 16 - out.len();
            return text;
        }
        let digits = |n: u32, out: &mut [u8]| {
            let mut n = n;
            for b in out.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        digits(y as u32, &mut text.bytes[0..4]);
        text.bytes[4] = b'-';
        digits(m, &mut text.bytes[5..7]);
        text.bytes[7] = b'-';
        digits(d, &mut text.bytes[8..10]);
        text
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and signs are ever written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl rusqlite::ToSql for DayText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(self.as_str().as_bytes())))
    }
}

/// UTC, to the millisecond: steps of a conflict's history written by different processes in the
/// same second still sort in the order they happened.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_as_chrono_writes_them() {
        for (y, m, d) in
            [(2024, 12, 6), (1, 1, 1), (0, 2, 29), (999, 10, 31), (9999, 12, 31), (10000, 1, 1), (-44, 3, 15)]
        {
            let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(DayText::new(day).as_str(), day.to_string());
        }
    }

    #[test]
    fn creates_migrates_once_and_refuses_newer_schemas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let lex = Lexicon::shared();
        let conn = open(&path, lex).unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM places WHERE kind = 'admin1'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 14);
        let anc: i64 = conn
            .query_row(
                "SELECT count(*) FROM place_ancestors WHERE place_id = 169577 AND ancestor_id = 163843",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(anc, 1, "Homs city lies in Syria");
        drop(conn);
        let conn = open(&path, lex).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        drop(conn);
        let err = open(&path, lex).unwrap_err();
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(
            &path,
            b"this is not a database at all, just some text that is long enough to look like a header",
        )
        .unwrap();
        let err = open(&path, Lexicon::shared()).unwrap_err();
        assert!(err.to_string().contains("notes.db"), "{err}");
    }
}
