//! The fact-checkers' workflow: verdicts on conflicts, ratings of claims, reopening, and the
//! append-only history they leave. Status moves open → in-review → resolved or dismissed;
//! nothing here ever updates or deletes a review (the schema's triggers refuse it).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

/// How many times a write is retried when another process holds the lock past the busy
/// timeout (the concurrency test in tests/workflow.rs exercises this).
pub const WRITE_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Upheld(i64),
    BothWrong,
    Partly,
    NotAConflict,
    Unresolvable,
}

impl Verdict {
    /// Parses `upheld:CLAIM_ID`, `both-wrong`, `partly`, `not-a-conflict`, `unresolvable`.
    pub fn parse(s: &str) -> Result<Verdict, String> {
        match s {
            "both-wrong" => Ok(Verdict::BothWrong),
            "partly" => Ok(Verdict::Partly),
            "not-a-conflict" => Ok(Verdict::NotAConflict),
            "unresolvable" => Ok(Verdict::Unresolvable),
            _ => match s.strip_prefix("upheld:").map(str::parse::<i64>) {
                Some(Ok(id)) => Ok(Verdict::Upheld(id)),
                _ => Err(format!(
                    "unknown verdict '{s}' (upheld:CLAIM_ID, both-wrong, partly, not-a-conflict, unresolvable)"
                )),
            },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Upheld(_) => "upheld",
            Verdict::BothWrong => "both-wrong",
            Verdict::Partly => "partly",
            Verdict::NotAConflict => "not-a-conflict",
            Verdict::Unresolvable => "unresolvable",
        }
    }

    /// The status a conflict has after this verdict.
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::NotAConflict => "dismissed",
            Verdict::Unresolvable => "in-review",
            _ => "resolved",
        }
    }
}

pub const CONFIDENCES: [&str; 3] = ["high", "medium", "low"];
pub const RATINGS: [&str; 6] = ["true", "mostly-true", "mixed", "mostly-false", "false", "unverifiable"];

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("no conflict #{0}")]
    NoConflict(i64),
    #[error("no claim #{0}")]
    NoClaim(i64),
    #[error("claim #{claim} is not part of conflict #{conflict}: upheld:ID names one of its claims")]
    ClaimNotInConflict { claim: i64, conflict: i64 },
    #[error("conflict #{0} is already open")]
    AlreadyOpen(i64),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// A review to record.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub verdict: Verdict,
    pub note: String,
    pub reviewer: String,
    pub evidence: Vec<String>,
    pub confidence: Option<String>,
}

/// Runs `f` in an IMMEDIATE transaction, retrying a bounded number of times when the
/// database stays busy beyond the busy timeout.
pub fn with_write<T>(
    conn: &mut Connection,
    mut f: impl FnMut(&rusqlite::Transaction<'_>) -> Result<T, ReviewError>,
) -> Result<T, ReviewError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let v = f(&tx)?;
            tx.commit()?;
            Ok(v)
        })();
        match result {
            Err(ReviewError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                if attempt < WRITE_ATTEMPTS
                    && matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(50 * u64::from(attempt)));
            }
            other => return other,
        }
    }
}

fn status_of(tx: &Connection, conflict: i64) -> Result<String, ReviewError> {
    tx.query_row("SELECT status FROM conflicts WHERE id = ?1", [conflict], |r| r.get(0))
        .optional()?
        .ok_or(ReviewError::NoConflict(conflict))
}

fn validate(r: &NewReview) -> Result<(), ReviewError> {
    if r.note.trim().is_empty() {
        return Err(ReviewError::Invalid("--note must say why (it is kept in the history)".into()));
    }
    if r.reviewer.trim().is_empty() {
        return Err(ReviewError::Invalid("--by must name the reviewer".into()));
    }
    if let Some(c) = &r.confidence {
        if !CONFIDENCES.contains(&c.as_str()) {
            return Err(ReviewError::Invalid(format!("unknown confidence '{c}' (high, medium, low)")));
        }
    }
    for e in &r.evidence {
        if !(e.starts_with("http://") || e.starts_with("https://")) {
            return Err(ReviewError::Invalid(format!("evidence '{e}' is not an http(s) URL")));
        }
    }
    Ok(())
}

/// Records one verdict on several conflicts, all or nothing; returns (review id, new status)
/// for each.
pub fn review_all(conn: &mut Connection, conflicts: &[i64], r: &NewReview) -> Result<Vec<(i64, String)>, ReviewError> {
    validate(r)?;
    with_write(conn, |tx| conflicts.iter().map(|&c| review_in(tx, c, r)).collect())
}

/// Records a verdict on a conflict; returns the review id and the new status.
pub fn review(conn: &mut Connection, conflict: i64, r: &NewReview) -> Result<(i64, String), ReviewError> {
    validate(r)?;
    with_write(conn, |tx| review_in(tx, conflict, r))
}

fn review_in(tx: &rusqlite::Transaction<'_>, conflict: i64, r: &NewReview) -> Result<(i64, String), ReviewError> {
    {
        let before = status_of(tx, conflict)?;
        let upheld = match r.verdict {
            Verdict::Upheld(claim) => {
                let member: Option<i64> = tx
                    .query_row(
                        "SELECT 1 FROM conflict_claims WHERE conflict_id = ?1 AND claim_id = ?2",
                        [conflict, claim],
                        |row| row.get(0),
                    )
                    .optional()?;
                if member.is_none() {
                    return Err(ReviewError::ClaimNotInConflict { claim, conflict });
                }
                Some(claim)
            }
            _ => None,
        };
        let after = r.verdict.status();
        let now = crate::db::now();
        tx.execute(
            "INSERT INTO reviews (conflict_id, action, verdict, upheld_claim_id, confidence, note, reviewer, evidence,
                                  status_before, status_after, created)
             VALUES (?1, 'review', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                conflict,
                r.verdict.name(),
                upheld,
                r.confidence,
                r.note,
                r.reviewer,
                serde_json::to_string(&r.evidence).unwrap_or_else(|_| "[]".into()),
                before,
                after,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "UPDATE conflicts SET status = ?2, updated = ?3, new_material = 0 WHERE id = ?1",
            params![conflict, after, now],
        )?;
        Ok((id, after.to_string()))
    }
}

/// Reopens a resolved, dismissed or in-review conflict.
pub fn reopen(conn: &mut Connection, conflict: i64, note: &str, reviewer: &str) -> Result<i64, ReviewError> {
    if note.trim().is_empty() || reviewer.trim().is_empty() {
        return Err(ReviewError::Invalid("reopen needs --note and --by".into()));
    }
    with_write(conn, |tx| {
        let before = status_of(tx, conflict)?;
        if before == "open" {
            return Err(ReviewError::AlreadyOpen(conflict));
        }
        let now = crate::db::now();
        tx.execute(
            "INSERT INTO reviews (conflict_id, action, note, reviewer, status_before, status_after, created)
             VALUES (?1, 'reopen', ?2, ?3, ?4, 'open', ?5)",
            params![conflict, note, reviewer, before, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute("UPDATE conflicts SET status = 'open', updated = ?2 WHERE id = ?1", params![conflict, now])?;
        Ok(id)
    })
}

/// Rates one claim.
pub fn rate(conn: &mut Connection, claim: i64, rating: &str, note: &str, reviewer: &str) -> Result<i64, ReviewError> {
    if !RATINGS.contains(&rating) {
        return Err(ReviewError::Invalid(format!("unknown rating '{rating}' ({})", RATINGS.join(", "))));
    }
    if note.trim().is_empty() || reviewer.trim().is_empty() {
        return Err(ReviewError::Invalid("rate needs --note and --by".into()));
    }
    with_write(conn, |tx| {
        let exists: Option<i64> =
            tx.query_row("SELECT id FROM claims WHERE id = ?1", [claim], |r| r.get(0)).optional()?;
        if exists.is_none() {
            return Err(ReviewError::NoClaim(claim));
        }
        tx.execute(
            "INSERT INTO claim_ratings (claim_id, rating, note, reviewer, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![claim, rating, note, reviewer, crate::db::now()],
        )?;
        Ok(tx.last_insert_rowid())
    })
}

/// One step of a conflict's history.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub when: String,
    pub who: String,
    pub what: String,
    pub why: String,
    pub status: String,
    pub evidence: Vec<String>,
    pub confidence: Option<String>,
}

/// Every step of a conflict's life, oldest first: flagged, claims attached later, reviews,
/// reopenings.
pub fn history(conn: &Connection, conflict: i64) -> Result<Vec<Step>, ReviewError> {
    let (created, explanation, kind): (String, String, String) = conn
        .query_row("SELECT created, explanation, kind FROM conflicts WHERE id = ?1", [conflict], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or(ReviewError::NoConflict(conflict))?;
    let mut steps = vec![Step {
        when: created.clone(),
        who: "claimtrack".into(),
        what: "flagged".into(),
        why: explanation,
        status: "open".into(),
        evidence: Vec::new(),
        confidence: None,
    }];
    let mut stmt = conn.prepare(
        "SELECT added, claim_id, reason, pair_a, pair_b, window_hours FROM conflict_claims
          WHERE conflict_id = ?1 AND added > ?2 ORDER BY added, claim_id",
    )?;
    let mut words = crate::detect::Reasons::new(conn);
    for row in stmt.query_map(params![conflict, created], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
            crate::query::member_pair(r, 3)?,
        ))
    })? {
        let (when, claim, reason, pair) = row?;
        let reason = words.of_member(&kind, claim, reason, pair)?;
        steps.push(Step {
            when,
            who: "claimtrack".into(),
            what: format!("claim #{claim} attached"),
            why: reason,
            status: String::new(),
            evidence: Vec::new(),
            confidence: None,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT created, reviewer, action, verdict, upheld_claim_id, note, status_after, evidence, confidence
           FROM reviews WHERE conflict_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([conflict], |r| {
        let action: String = r.get(2)?;
        let verdict: Option<String> = r.get(3)?;
        let upheld: Option<i64> = r.get(4)?;
        let evidence: String = r.get(7)?;
        let what = match (action.as_str(), verdict, upheld) {
            ("reopen", ..) => "reopened".to_string(),
            (_, Some(v), Some(c)) => format!("verdict {v}: claim #{c}"),
            (_, Some(v), None) => format!("verdict {v}"),
            _ => action,
        };
        Ok(Step {
            when: r.get(0)?,
            who: r.get(1)?,
            what,
            why: r.get(5)?,
            status: r.get(6)?,
            evidence: serde_json::from_str(&evidence).unwrap_or_default(),
            confidence: r.get(8)?,
        })
    })?;
    for s in rows {
        steps.push(s?);
    }
    // Stable: same-second steps keep their insertion order.
    steps.sort_by(|a, b| a.when.cmp(&b.when));
    Ok(steps)
}

/// The tool's own precision: how many flags reviewers confirmed and dismissed, by kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindStats {
    pub kind: String,
    pub flagged: i64,
    pub reviewed: i64,
    pub dismissed_false_alarm: i64,
    pub open: i64,
    /// Conflicts decided real (resolved) over all decided (resolved or dismissed); an
    /// unresolvable verdict decides nothing. None before any decision.
    pub precision: Option<f64>,
}

pub fn stats(conn: &Connection) -> Result<Vec<KindStats>, ReviewError> {
    let mut stmt = conn.prepare(
        "SELECT k.kind, count(*),
                sum(k.status IN ('resolved', 'dismissed')),
                sum(k.status = 'dismissed'),
                sum(k.status = 'open')
           FROM conflicts k GROUP BY k.kind ORDER BY k.kind",
    )?;
    let rows = stmt.query_map([], |r| {
        let reviewed: i64 = r.get(2)?;
        let dismissed: i64 = r.get(3)?;
        Ok(KindStats {
            kind: r.get(0)?,
            flagged: r.get(1)?,
            reviewed,
            dismissed_false_alarm: dismissed,
            open: r.get(4)?,
            precision: (reviewed > 0).then(|| (reviewed - dismissed) as f64 / reviewed as f64),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
