//! `claimtrack conflicts` (one row per conflict) and `claimtrack conflict ID` (its
//! reconciliation table).

use clap::Args;

use crate::cli::{Ctx, Done, Fatal};
use crate::detect::ConflictKind;
use crate::lexicon::EventType;
use crate::query::{self, ConflictFilter};
use crate::render::{self, Format};

#[derive(Debug, Args)]
pub struct ConflictsArgs {
    #[arg(long, value_parser = ["open", "in-review", "resolved", "dismissed"])]
    pub status: Option<String>,
    /// Only conflicts about this place or a place inside it.
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub event: Option<String>,
    #[arg(long, value_parser = ["denial", "control", "numeric", "date"])]
    pub kind: Option<String>,
    /// At most this many conflicts, the newest first; 0 lists them all. When the list is
    /// cut, stderr says how many there are.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ConflictArgs {
    /// The conflict's id, as `claimtrack conflicts` lists it.
    pub id: i64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Refuses a place filter the gazetteer does not know, rather than listing nothing.
pub fn check_place(conn: &rusqlite::Connection, name: &str) -> Result<(), Fatal> {
    if query::place_ids(conn, name)?.is_empty() {
        return Err(Fatal(format!(
            "no place named '{name}' in the gazetteer (see `claimtrack gazetteer find`, `gazetteer add`)"
        )));
    }
    Ok(())
}

/// Refuses an event type that does not exist, listing those that do.
pub fn check_event(e: &str) -> Result<(), Fatal> {
    match EventType::parse(e) {
        Some(_) => Ok(()),
        None => Err(Fatal(format!(
            "unknown event type '{e}' (one of: {})",
            crate::lexicon::EVENT_TYPES.iter().map(|e| e.name()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

pub fn list(ctx: &Ctx, a: ConflictsArgs) -> Result<Done, Fatal> {
    if let Some(e) = &a.event {
        check_event(e)?;
    }
    debug_assert!(a.kind.as_deref().is_none_or(|k| ConflictKind::parse(k).is_some()));
    let conn = ctx.open()?;
    if let Some(p) = &a.place {
        check_place(&conn, p)?;
    }
    let filter =
        ConflictFilter { status: a.status, place: a.place, event: a.event, kind: a.kind, articles: Vec::new() };
    let (ids, total) = query::newest_conflict_ids(&conn, &filter, a.limit)?;
    let shown = ids.len();
    let list = query::conflicts_by_id(&conn, &ids)?;
    let mut out = crate::cmd::stdout();
    render::conflict_list(&list, a.format, &mut out)?;
    crate::cmd::finish(out)?;
    if shown < total {
        eprintln!("claimtrack: the {shown} newest of {total} conflicts; --limit 0 lists them all");
    }
    Ok(Done::Ok)
}

pub fn show(ctx: &Ctx, a: ConflictArgs) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    let Some(c) = query::conflict(&conn, a.id)? else {
        return Err(Fatal(format!("no conflict #{} in {}", a.id, ctx.db.display())));
    };
    let mut out = crate::cmd::stdout();
    match a.format {
        Format::Json => {
            use std::io::Write;
            writeln!(out, "{}", serde_json::to_string_pretty(&c)?)?;
        }
        f => render::reconciliations(std::slice::from_ref(&c), f, &mut out)?,
    }
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}
