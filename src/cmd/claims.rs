//! `claimtrack claims`: stored claims, filtered.

use clap::Args;

use crate::cli::{Ctx, Done, Fatal};
use crate::query::{self, ClaimFilter};
use crate::render::{self, Format};

#[derive(Debug, Args)]
pub struct ClaimsArgs {
    /// Only claims of this article (its id).
    #[arg(long)]
    pub article: Option<i64>,
    /// Only claims about this place or a place inside it (any name in the gazetteer).
    #[arg(long)]
    pub place: Option<String>,
    /// Only claims whose claimant, relay or actor name contains this.
    #[arg(long)]
    pub claimant: Option<String>,
    /// Only claims of this event type (withdrawal, capture, entry, ...).
    #[arg(long)]
    pub event: Option<String>,
    #[arg(long, value_parser = ["asserted", "denied"])]
    pub polarity: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(ctx: &Ctx, a: ClaimsArgs) -> Result<Done, Fatal> {
    if let Some(e) = &a.event {
        crate::cmd::conflicts::check_event(e)?;
    }
    let conn = ctx.open()?;
    if let Some(p) = &a.place {
        crate::cmd::conflicts::check_place(&conn, p)?;
    }
    let filter = ClaimFilter {
        article: a.article,
        place: a.place,
        claimant: a.claimant,
        event: a.event,
        polarity: a.polarity,
        ..Default::default()
    };
    let list = query::claims(&conn, &filter)?;
    let mut out = crate::cmd::stdout();
    render::claims(&list, a.format, &mut out)?;
    crate::cmd::finish(out)?;
    Ok(Done::Ok)
}
