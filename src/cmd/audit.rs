//! `claimtrack audit`: checks for scripts. Exit 0 when every check holds, 1 when any fails
//! (each named with its figure), 2 on error. The JSON output ends with `"complete": true`
//! so a pipeline can tell a cut-off output from a finished one.

use std::io::Write;

use clap::Args;
use serde::Serialize;

use crate::cli::{Ctx, Done, Fatal};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Fail when more than N conflicts are open.
    #[arg(long)]
    pub max_open: Option<i64>,
    /// Fail when a conflict has been open longer than this many hours.
    #[arg(long)]
    pub max_age: Option<i64>,
    /// Fail when a conflict of this kind has no review yet (repeatable).
    #[arg(long = "unreviewed-kind", value_parser = ["denial", "control", "numeric", "date"])]
    pub unreviewed_kind: Vec<String>,
    #[arg(long, value_parser = ["table", "json"], default_value = "table")]
    pub format: String,
}

#[derive(Debug, Serialize)]
struct Check {
    name: String,
    ok: bool,
    figure: i64,
    detail: String,
}

#[derive(Debug, Serialize)]
struct Report {
    checks: Vec<Check>,
    counts: Counts,
    failed: usize,
    complete: bool,
}

#[derive(Debug, Serialize)]
struct Counts {
    articles: i64,
    statements: i64,
    claims: i64,
    conflicts: i64,
    open: i64,
    reviews: i64,
}

fn count(conn: &rusqlite::Connection, sql: &str) -> Result<i64, Fatal> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

pub fn run(ctx: &Ctx, a: AuditArgs) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    let mut checks = Vec::new();

    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    checks.push(Check {
        name: "integrity_check".into(),
        ok: integrity == "ok",
        figure: i64::from(integrity != "ok"),
        detail: integrity,
    });
    let fk = count(&conn, "SELECT count(*) FROM pragma_foreign_key_check")?;
    checks.push(Check {
        name: "foreign_key_check".into(),
        ok: fk == 0,
        figure: fk,
        detail: format!("{fk} rows point at missing rows"),
    });
    // Byte spans: the statement text must be exactly the article's bytes at its span.
    let spans = count(
        &conn,
        "SELECT count(*) FROM statements s JOIN articles a ON a.id = s.article_id
          WHERE substr(CAST(a.body AS BLOB), s.span_start + 1, s.span_end - s.span_start) != CAST(s.text AS BLOB)",
    )?;
    checks.push(Check {
        name: "statement_spans".into(),
        ok: spans == 0,
        figure: spans,
        detail: format!("{spans} statements whose byte span no longer matches their article"),
    });
    let open = count(&conn, "SELECT count(*) FROM conflicts WHERE status IN ('open', 'in-review')")?;
    if let Some(max) = a.max_open {
        checks.push(Check {
            name: "max_open".into(),
            ok: open <= max,
            figure: open,
            detail: format!("{open} open conflicts (limit {max})"),
        });
    }
    if let Some(hours) = a.max_age {
        let old: i64 = conn.query_row(
            "SELECT count(*) FROM conflicts WHERE status IN ('open', 'in-review')
               AND (julianday('now') - julianday(created)) * 24 > ?1",
            [hours],
            |r| r.get(0),
        )?;
        checks.push(Check {
            name: "max_age".into(),
            ok: old == 0,
            figure: old,
            detail: format!("{old} conflicts open longer than {hours} h"),
        });
    }
    for kind in &a.unreviewed_kind {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM conflicts k WHERE k.kind = ?1
               AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.conflict_id = k.id AND r.action = 'review')",
            [kind],
            |r| r.get(0),
        )?;
        checks.push(Check {
            name: format!("unreviewed_{kind}"),
            ok: n == 0,
            figure: n,
            detail: format!("{n} {kind} conflicts without a review"),
        });
    }
    let counts = Counts {
        articles: count(&conn, "SELECT count(*) FROM articles")?,
        statements: count(&conn, "SELECT count(*) FROM statements")?,
        claims: count(&conn, "SELECT count(*) FROM claims")?,
        conflicts: count(&conn, "SELECT count(*) FROM conflicts")?,
        open,
        reviews: count(&conn, "SELECT count(*) FROM reviews")?,
    };
    let failed = checks.iter().filter(|c| !c.ok).count();
    let mut out = crate::cmd::stdout();
    if a.format == "json" {
        let report = Report { checks, counts, failed, complete: true };
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        for c in &checks {
            writeln!(out, "{} {:<22} {}", if c.ok { "ok  " } else { "FAIL" }, c.name, c.detail)?;
        }
        writeln!(
            out,
            "articles {} · statements {} · claims {} · conflicts {} ({} open) · reviews {}",
            counts.articles, counts.statements, counts.claims, counts.conflicts, counts.open, counts.reviews
        )?;
    }
    crate::cmd::finish(out)?;
    Ok(if failed > 0 { Done::Partial } else { Done::Ok })
}
