//! `claimtrack review`, `rate`, `reopen`, `history`, `stats`: the fact-checkers' workflow.

use std::io::Write;

use clap::Args;

use crate::cli::{Ctx, Done, Fatal};
use crate::render::{self, Format};
use crate::review::{self, NewReview, Verdict};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Conflict ids (the same verdict is recorded on each).
    #[arg(required = true)]
    pub ids: Vec<i64>,
    /// upheld:CLAIM_ID, both-wrong, partly, not-a-conflict (a false alarm) or unresolvable.
    #[arg(long, value_parser = Verdict::parse)]
    pub verdict: Verdict,
    #[arg(long)]
    pub note: String,
    #[arg(long = "by")]
    pub by: String,
    #[arg(long)]
    pub evidence: Vec<String>,
    #[arg(long, value_parser = ["high", "medium", "low"])]
    pub confidence: Option<String>,
}

#[derive(Debug, Args)]
pub struct RateArgs {
    pub claim: i64,
    #[arg(long, value_parser = ["true", "mostly-true", "mixed", "mostly-false", "false", "unverifiable"])]
    pub rating: String,
    #[arg(long)]
    pub note: String,
    #[arg(long = "by")]
    pub by: String,
}

#[derive(Debug, Args)]
pub struct ReopenArgs {
    pub id: i64,
    #[arg(long)]
    pub note: String,
    #[arg(long = "by")]
    pub by: String,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    pub id: i64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn review(ctx: &Ctx, a: ReviewArgs) -> Result<Done, Fatal> {
    let mut conn = ctx.open()?;
    let r =
        NewReview { verdict: a.verdict, note: a.note, reviewer: a.by, evidence: a.evidence, confidence: a.confidence };
    let mut out = crate::cmd::stdout();
    // One verdict on several conflicts is stored for all of them or for none.
    let done = review::review_all(&mut conn, &a.ids, &r)?;
    for (id, (review_id, status)) in a.ids.iter().zip(done) {
        writeln!(out, "conflict #{id}: review #{review_id} recorded, status {status}")?;
    }
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}

pub fn rate(ctx: &Ctx, a: RateArgs) -> Result<Done, Fatal> {
    let mut conn = ctx.open()?;
    let id = review::rate(&mut conn, a.claim, &a.rating, &a.note, &a.by)?;
    let mut out = crate::cmd::stdout();
    writeln!(out, "claim #{}: rating #{id} recorded ({})", a.claim, a.rating)?;
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}

pub fn reopen(ctx: &Ctx, a: ReopenArgs) -> Result<Done, Fatal> {
    let mut conn = ctx.open()?;
    let id = review::reopen(&mut conn, a.id, &a.note, &a.by)?;
    let mut out = crate::cmd::stdout();
    writeln!(out, "conflict #{}: reopened (step #{id})", a.id)?;
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}

pub fn history(ctx: &Ctx, a: HistoryArgs) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    let steps = review::history(&conn, a.id)?;
    let headers = ["when", "who", "what", "status", "why"];
    let rows: Vec<Vec<String>> = steps
        .iter()
        .map(|s| {
            let mut why = s.why.clone();
            if !s.evidence.is_empty() {
                why.push_str(&format!(" [evidence: {}]", s.evidence.join(", ")));
            }
            if let Some(c) = &s.confidence {
                why.push_str(&format!(" [confidence: {c}]"));
            }
            vec![s.when.clone(), s.who.clone(), s.what.clone(), s.status.clone(), why]
        })
        .collect();
    let mut out = crate::cmd::stdout();
    match a.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&steps)?)?,
        f => render::rows(&headers, rows, 4, f, &mut out)?,
    }
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}

pub fn stats(ctx: &Ctx, a: StatsArgs) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    let stats = review::stats(&conn)?;
    let headers = ["kind", "flagged", "reviewed", "dismissed (false alarm)", "open", "precision"];
    let rows: Vec<Vec<String>> = stats
        .iter()
        .map(|s| {
            vec![
                s.kind.clone(),
                s.flagged.to_string(),
                s.reviewed.to_string(),
                s.dismissed_false_alarm.to_string(),
                s.open.to_string(),
                s.precision.map_or("—".into(), |p| format!("{:.0}%", p * 100.0)),
            ]
        })
        .collect();
    let mut out = crate::cmd::stdout();
    match a.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&stats)?)?,
        f => render::rows(&headers, rows, 0, f, &mut out)?,
    }
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}
