//! `claimtrack report` (desk editors) and `claimtrack sources` (the scorecard alone).
//! One set of values (`Report`) rendered as Markdown, self-contained HTML, JSON or CSV.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use rusqlite::Connection;
use serde::Serialize;

use crate::cli::{Ctx, Done, Fatal};
use crate::query::{self, ClaimFilter, ConflictFilter, ConflictView};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only conflicts flagged or reviewed on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<NaiveDate>,
    /// ... and on or before this day.
    #[arg(long)]
    pub until: Option<NaiveDate>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub event: Option<String>,
    #[arg(long, value_parser = ["open", "in-review", "resolved", "dismissed"])]
    pub status: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SourcesArgs {
    #[arg(long, value_enum, default_value_t = crate::render::Format::Table)]
    pub format: crate::render::Format,
}

#[derive(Debug, Serialize)]
pub struct Headline {
    pub new_conflicts: usize,
    pub resolved: usize,
    pub open_under_24h: usize,
    pub open_1_to_3_days: usize,
    pub open_over_3_days: usize,
}

#[derive(Debug, Serialize)]
pub struct Resolved {
    pub conflict: ConflictView,
    pub verdict: String,
    pub upheld_claim: Option<i64>,
    pub confidence: Option<String>,
    pub note: String,
    pub reviewer: String,
    pub evidence: Vec<String>,
    pub reviewed: String,
}

#[derive(Debug, Serialize)]
pub struct SourceRow {
    pub source: String,
    pub kind: String, // claimant or outlet
    pub claims: i64,
    pub in_conflicts: i64,
    pub upheld: i64,
    pub refuted: i64,
}

#[derive(Debug, Serialize)]
pub struct TimelineEntry {
    pub date: String,
    pub claim_id: i64,
    pub claimant: String,
    pub polarity: String,
    pub event: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub generated: String,
    pub filters: BTreeMap<String, String>,
    pub headline: Headline,
    /// Open conflicts grouped by place, then event.
    pub open: BTreeMap<String, BTreeMap<String, Vec<ConflictView>>>,
    pub resolved: Vec<Resolved>,
    pub sources: Vec<SourceRow>,
    pub timelines: BTreeMap<String, Vec<TimelineEntry>>,
    pub complete: bool,
}

fn in_range(day: &str, since: Option<NaiveDate>, until: Option<NaiveDate>) -> bool {
    let d = day.get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
    match d {
        Some(d) => since.is_none_or(|s| d >= s) && until.is_none_or(|u| d <= u),
        None => since.is_none() && until.is_none(),
    }
}

pub fn scorecard(conn: &Connection) -> rusqlite::Result<Vec<SourceRow>> {
    // A claim is upheld when a verdict upheld it or its side, refuted when the verdict went to
    // the other side or both-wrong, or when it is rated false / mostly false.
    let sql = "WITH last AS (
          SELECT r.conflict_id, r.verdict, r.upheld_claim_id FROM reviews r
           WHERE r.id = (SELECT max(id) FROM reviews WHERE conflict_id = r.conflict_id)
             AND r.action = 'review'),
        fate AS (
          SELECT cc.claim_id,
                 max(CASE WHEN l.verdict = 'upheld' AND cc.side = (SELECT side FROM conflict_claims x
                      WHERE x.conflict_id = cc.conflict_id AND x.claim_id = l.upheld_claim_id) THEN 1 ELSE 0 END) AS upheld,
                 max(CASE WHEN (l.verdict = 'upheld' AND cc.side != (SELECT side FROM conflict_claims x
                      WHERE x.conflict_id = cc.conflict_id AND x.claim_id = l.upheld_claim_id)) OR l.verdict = 'both-wrong'
                      THEN 1 ELSE 0 END) AS refuted
            FROM conflict_claims cc JOIN last l ON l.conflict_id = cc.conflict_id GROUP BY cc.claim_id),
        rated AS (
          SELECT claim_id, max(rating IN ('false', 'mostly-false')) AS refuted, max(rating IN ('true', 'mostly-true')) AS upheld
            FROM claim_ratings GROUP BY claim_id)
        SELECT who, kind, count(*), sum(in_conflict), sum(upheld), sum(refuted) FROM (
          SELECT %WHO% AS who, '%KIND%' AS kind,
                 EXISTS (SELECT 1 FROM conflict_claims cc WHERE cc.claim_id = c.id) AS in_conflict,
                 coalesce(f.upheld, 0) OR coalesce(r.upheld, 0) AS upheld,
                 coalesce(f.refuted, 0) OR coalesce(r.refuted, 0) AS refuted
            FROM claims c LEFT JOIN fate f ON f.claim_id = c.id LEFT JOIN rated r ON r.claim_id = c.id
            LEFT JOIN actors ac ON ac.id = c.claimant_actor_id LEFT JOIN outlets o ON o.id = c.outlet_id
           WHERE c.event_type != 'other')
         GROUP BY who ORDER BY sum(in_conflict) DESC, count(*) DESC, who";
    let mut out = Vec::new();
    for (who, kind) in [("coalesce(ac.name, c.claimant)", "claimant"), ("coalesce(o.name, 'outlet unknown')", "outlet")]
    {
        let mut stmt = conn.prepare(&sql.replace("%WHO%", who).replace("%KIND%", kind))?;
        let rows = stmt.query_map([], |r| {
            Ok(SourceRow {
                source: r.get(0)?,
                kind: r.get(1)?,
                claims: r.get(2)?,
                in_conflicts: r.get(3)?,
                upheld: r.get(4)?,
                refuted: r.get(5)?,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
    }
    Ok(out)
}

fn build(conn: &Connection, a: &ReportArgs) -> Result<Report, Fatal> {
    if let Some(e) = &a.event {
        crate::cmd::conflicts::check_event(e)?;
    }
    let filter = ConflictFilter {
        status: None,
        place: a.place.clone(),
        event: a.event.clone(),
        kind: None,
        articles: Vec::new(),
    };
    let all = query::conflicts(conn, &filter)?;
    let now = chrono::Utc::now().naive_utc();
    let age_hours = |c: &ConflictView| {
        chrono::DateTime::parse_from_rfc3339(&c.created).map_or(0, |t| (now - t.naive_utc()).num_hours())
    };
    let status_ok = |c: &ConflictView| a.status.as_ref().is_none_or(|s| &c.status == s);
    let mut open: BTreeMap<String, BTreeMap<String, Vec<ConflictView>>> = BTreeMap::new();
    let mut resolved = Vec::new();
    let mut headline =
        Headline { new_conflicts: 0, resolved: 0, open_under_24h: 0, open_1_to_3_days: 0, open_over_3_days: 0 };
    let mut places_seen: Vec<String> = Vec::new();
    for c in all {
        if in_range(&c.created, a.since, a.until) {
            headline.new_conflicts += 1;
        }
        if !status_ok(&c) {
            continue;
        }
        match c.status.as_str() {
            "open" | "in-review" => {
                if !in_range(&c.created, a.since, a.until) && (a.since.is_some() || a.until.is_some()) {
                    continue;
                }
                match age_hours(&c) {
                    h if h < 24 => headline.open_under_24h += 1,
                    h if h < 72 => headline.open_1_to_3_days += 1,
                    _ => headline.open_over_3_days += 1,
                }
                let place = c.places.first().cloned().unwrap_or_else(|| "place unknown".into());
                if !places_seen.contains(&place) {
                    places_seen.push(place.clone());
                }
                open.entry(place).or_default().entry(c.event.clone()).or_default().push(c);
            }
            "resolved" | "dismissed" => {
                let last = conn.query_row(
                    "SELECT verdict, upheld_claim_id, confidence, note, reviewer, evidence, created FROM reviews
                      WHERE conflict_id = ?1 AND action = 'review' ORDER BY id DESC LIMIT 1",
                    [c.id],
                    |r| {
                        Ok((
                            r.get::<_, Option<String>>(0)?,
                            r.get::<_, Option<i64>>(1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, String>(5)?,
                            r.get::<_, String>(6)?,
                        ))
                    },
                );
                let Ok((verdict, upheld, confidence, note, reviewer, evidence, when)) = last else { continue };
                if !in_range(&when, a.since, a.until) {
                    continue;
                }
                if c.status == "resolved" {
                    headline.resolved += 1;
                }
                for p in &c.places {
                    if !places_seen.contains(p) {
                        places_seen.push(p.clone());
                    }
                }
                resolved.push(Resolved {
                    conflict: c,
                    verdict: verdict.unwrap_or_default(),
                    upheld_claim: upheld,
                    confidence,
                    note,
                    reviewer,
                    evidence: serde_json::from_str(&evidence).unwrap_or_default(),
                    reviewed: when,
                });
            }
            _ => {}
        }
    }
    // Timelines: each place's claims (of the conflicts' event types) in date order.
    let mut timelines = BTreeMap::new();
    let wanted: Vec<String> = match &a.place {
        Some(p) => vec![p.clone()],
        None => places_seen.iter().filter(|p| !p.ends_with("(near)")).take(12).cloned().collect(),
    };
    for place in wanted {
        let name = place.trim_end_matches(" governorate").to_string();
        let mut claims =
            query::claims(conn, &ClaimFilter { place: Some(name), event: a.event.clone(), ..Default::default() })?;
        claims.retain(|c| c.event != "other" && c.event != "call");
        claims.sort_by(|x, y| x.date.cmp(&y.date).then(x.claim_id.cmp(&y.claim_id)));
        let entries: Vec<TimelineEntry> = claims
            .into_iter()
            .map(|c| TimelineEntry {
                date: c.date.unwrap_or_else(|| "undated".into()),
                claim_id: c.claim_id,
                claimant: format!("{} ({})", c.claimant, c.side),
                polarity: c.polarity,
                event: c.event,
                text: c.text,
            })
            .collect();
        if !entries.is_empty() {
            timelines.insert(place, entries);
        }
    }
    let mut filters = BTreeMap::new();
    for (k, v) in [
        ("since", a.since.map(|d| d.to_string())),
        ("until", a.until.map(|d| d.to_string())),
        ("place", a.place.clone()),
        ("event", a.event.clone()),
        ("status", a.status.clone()),
    ] {
        if let Some(v) = v {
            filters.insert(k.to_string(), v);
        }
    }
    Ok(Report {
        generated: crate::db::now(),
        filters,
        headline,
        open,
        resolved,
        sources: scorecard(conn)?,
        timelines,
        complete: true,
    })
}

pub fn report(ctx: &Ctx, a: ReportArgs) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    let r = build(&conn, &a)?;
    let text = match a.format {
        ReportFormat::Json => serde_json::to_string_pretty(&r)?,
        ReportFormat::Markdown => crate::cmd::report_render::markdown(&r),
        ReportFormat::Html => crate::cmd::report_render::html(&r),
        ReportFormat::Csv => crate::cmd::report_render::csv(&r)?,
    };
    match &a.output {
        Some(path) => crate::cmd::write_file(path, text.as_bytes())?,
        None => {
            let mut out = crate::cmd::stdout();
            out.write_all(text.as_bytes())?;
            crate::cmd::finish(out)?;
        }
    }
    Ok(Done::Ok)
}

pub fn sources(ctx: &Ctx, a: SourcesArgs) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    let rows = scorecard(&conn)?;
    let mut out = crate::cmd::stdout();
    match a.format {
        crate::render::Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        f => {
            let headers = ["source", "kind", "claims", "in conflicts", "upheld", "refuted"];
            let table = rows
                .iter()
                .map(|r| {
                    vec![
                        r.source.clone(),
                        r.kind.clone(),
                        r.claims.to_string(),
                        r.in_conflicts.to_string(),
                        r.upheld.to_string(),
                        r.refuted.to_string(),
                    ]
                })
                .collect();
            crate::render::rows(&headers, table, 0, f, &mut out)?;
        }
    }
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}
