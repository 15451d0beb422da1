//! Finding the claims a new claim could conflict with, at a cost per claim that does not grow
//! with the database.
//!
//! Candidates are read by *slot*: the claims of one event type on one day at one place
//! (`inside`: at the place or at any place inside it), newest first, at most
//! `MAX_CANDIDATES` of them. A slot at a place is one bounded range of the index
//! `claim_places(place_id, event_type, event_date, claim_id)`; a slot inside a place merges
//! the slots of the places inside it that claims of the event name. Slots are read once and
//! then kept up to date as the ingest stores claims, so a busy place and day costs one read
//! per ingest instead of one per claim.
//!
//! Only the writer changes the database while it holds its transaction; when another
//! process has committed in between (`PRAGMA data_version`), the slots are read afresh.
//!
//! A day no claim stored before the slots were last dropped speaks of (for an event) is
//! *fresh*: every claim of it was stored, and noted, since. Its slots are built from what
//! is noted and never read. An archive grows forward in time, so most new claims are about
//! fresh days, and reading their slots (mostly empty, one query per place inside a
//! governorate) was the largest cost of detection on a large database.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection};

use super::{
    happens_once, is_control, is_people_measure, ClaimFacts, DetectConfig, DATE_CONFLICT_DAYS, MAX_CANDIDATES,
};
use crate::db::DayText;
use crate::lexicon::EventType;

/// Past this many slots, or this many claim ids held in them (32 MB), the cache starts
/// afresh. Most slots a busy ingest looks at are empty and cost little, so the bound on ids
/// is what keeps memory flat; the bound on slots keeps the map itself small.
const MAX_SLOTS: usize = 250_000;
const MAX_HELD_IDS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Slot {
    place: i64,
    event: EventType,
    /// None: claims whose event has no date.
    day: Option<NaiveDate>,
    /// Claims at the place or inside it; else at the place itself.
    inside: bool,
}

#[derive(Default)]
pub(super) struct Slots {
    slots: HashMap<Slot, Vec<i64>>,
    /// The places at or inside a place (itself included) that hold claims of an event: an
    /// `inside` slot is the newest claims of their own slots. Read once per place and event,
    /// kept up to date as claims are stored: a governorate holds hundreds of gazetteer
    /// places, most of which no claim names, and joining them all for every day read was
    /// the largest cost of detection.
    holders: HashMap<(i64, EventType), Vec<i64>>,
    /// Claim ids in all the slots.
    held: usize,
    data_version: Option<i64>,
    /// Every claim from this id on has been noted since the slots were last dropped (None:
    /// none noted yet).
    watermark: Option<i64>,
    /// Whether a day is fresh for an event: no claim before the watermark is about it.
    fresh: HashMap<(EventType, NaiveDate), bool>,
    /// Scratch for `candidates`, kept between claims for its capacity.
    scratch: Scratch,
}

/// What `candidates` works with for one claim: the ids already found, the claim's own places
/// and those around them, the days to look at. Candidates are looked for by the million,
/// and allocating these for each was a cost that grew with the heap.
#[derive(Default)]
struct Scratch {
    seen: HashSet<i64>,
    near: Near,
}

/// A claim's own places, the places around them, and the days to look at.
#[derive(Default)]
struct Near {
    own: Vec<i64>,
    around: Vec<i64>,
    days: Vec<Option<NaiveDate>>,
}

impl Near {
    fn clear(&mut self) {
        self.own.clear();
        self.around.clear();
        self.days.clear();
    }
}

impl Slots {
    pub(super) fn forget(&mut self) {
        self.slots.clear();
        self.holders.clear();
        self.held = 0;
        self.watermark = None;
        self.fresh.clear();
    }

    /// Whether `day` is fresh for `event` (see the module's comment): one probe of the
    /// claims' (event_type, event_date) index, then kept.
    fn is_fresh(&mut self, conn: &Connection, event: EventType, day: Option<NaiveDate>) -> rusqlite::Result<bool> {
        let (Some(watermark), Some(day)) = (self.watermark, day) else { return Ok(false) };
        if let Some(&fresh) = self.fresh.get(&(event, day)) {
            return Ok(fresh);
        }
        let before: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM claims WHERE event_type = ?1 AND event_date = ?2 AND id < ?3)",
            )?
            .query_row(params![event.name(), DayText::new(day), watermark], |r| r.get(0))?;
        self.fresh.insert((event, day), !before);
        Ok(!before)
    }

    /// Drops the slots when another connection has committed since the last look; says
    /// whether it did.
    pub(super) fn sync(&mut self, conn: &Connection) -> rusqlite::Result<bool> {
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let changed = self.data_version != Some(version);
        if changed {
            self.forget();
            self.data_version = Some(version);
        }
        Ok(changed)
    }

    /// Adds a claim to the slots already read, and to the slots of its day when the day is
    /// fresh: it is the newest of each (a slot read after it was stored holds it already).
    /// Every claim stored is noted, in the order stored (`just_stored`). A claim stored
    /// earlier and compared again (`Detector::detect`) may have later claims in the database
    /// that were never noted: then only a day no claim at all speaks of is fresh.
    pub(super) fn note(&mut self, conn: &Connection, c: &ClaimFacts, just_stored: bool) -> rusqlite::Result<()> {
        if self.slots.len() >= MAX_SLOTS || self.held >= MAX_HELD_IDS {
            self.forget();
        }
        let watermark = if just_stored { self.watermark.unwrap_or(c.id) } else { i64::MAX };
        if self.watermark != Some(watermark) {
            self.fresh.clear();
            self.watermark = Some(watermark);
        }
        let fresh = self.is_fresh(conn, c.event, c.date)?;
        for p in &c.places {
            let at = Slot { place: p.id, event: c.event, day: c.date, inside: false };
            self.push(at, c.id, fresh);
            for &a in std::iter::once(&p.id).chain(p.ancestors.iter()) {
                self.push(Slot { place: a, event: c.event, day: c.date, inside: true }, c.id, fresh);
                if let Some(places) = self.holders.get_mut(&(a, c.event)) {
                    if !places.contains(&p.id) {
                        places.push(p.id);
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds a claim to a slot already read, or to a new one when its day is `fresh`.
    fn push(&mut self, slot: Slot, id: i64, fresh: bool) {
        if fresh && !self.slots.contains_key(&slot) {
            self.slots.insert(slot, Vec::new());
        }
        if let Some(ids) = self.slots.get_mut(&slot) {
            if ids.first().is_none_or(|&newest| id > newest) {
                ids.insert(0, id);
                if ids.len() > MAX_CANDIDATES {
                    ids.truncate(MAX_CANDIDATES);
                } else {
                    self.held += 1;
                }
            }
        }
    }

    fn ids(&mut self, conn: &Connection, slot: Slot) -> rusqlite::Result<&[i64]> {
        if !self.slots.contains_key(&slot) {
            // A fresh day's claims were all noted: a slot of it not made by then is empty.
            if self.is_fresh(conn, slot.event, slot.day)? {
                return Ok(&[]);
            }
            if self.slots.len() >= MAX_SLOTS || self.held >= MAX_HELD_IDS {
                self.forget();
            }
            let ids = if slot.inside { self.read_inside(conn, slot)? } else { read_at(conn, slot)? };
            self.held += ids.len();
            self.slots.insert(slot, ids);
        }
        Ok(&self.slots[&slot])
    }

    /// An `inside` slot from the slots of the places that hold claims of its event: the
    /// newest `MAX_CANDIDATES` of their claims (each place's slot holds its newest, so
    /// together they hold the newest of all).
    fn read_inside(&mut self, conn: &Connection, slot: Slot) -> rusqlite::Result<Vec<i64>> {
        let key = (slot.place, slot.event);
        if let std::collections::hash_map::Entry::Vacant(e) = self.holders.entry(key) {
            e.insert(read_holders(conn, slot.place, slot.event)?);
        }
        let mut ids = Vec::new();
        for place in self.holders[&key].clone() {
            ids.extend_from_slice(self.ids(conn, Slot { inside: false, place, ..slot })?);
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        ids.truncate(MAX_CANDIDATES);
        Ok(ids)
    }

    /// Claims that could conflict with `c`: a related event type, at one of its places, an
    /// ancestor or a place inside one, on a day within the window, nearest days first (the
    /// same day, then one day off, ...), then undated claims, then, for events that happen
    /// once, other days at the same place (date conflicts). At most `MAX_CANDIDATES`.
    /// They are written into `out` (cleared first), a buffer the caller keeps for the next
    /// claim: candidates are looked for by the million, and so are their buffers.
    pub(super) fn candidates(
        &mut self,
        conn: &Connection,
        c: &ClaimFacts,
        cfg: &DetectConfig,
        out: &mut Vec<i64>,
    ) -> rusqlite::Result<()> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch { seen, near } = &mut scratch;
        out.clear();
        seen.clear();
        near.clear();
        let mut found = Found { me: c.id, ids: out, seen };
        let filled = self.fill(conn, c, cfg, &mut found, near);
        self.scratch = scratch;
        filled
    }

    fn fill(
        &mut self,
        conn: &Connection,
        c: &ClaimFacts,
        cfg: &DetectConfig,
        found: &mut Found,
        near: &mut Near,
    ) -> rusqlite::Result<()> {
        let Near { own, around, days } = near;
        if !c.event.is_checkable() || c.places.is_empty() {
            return Ok(());
        }
        let people_count = c.quantity.as_ref().is_some_and(|q| is_people_measure(&q.3));
        let events: &[EventType] = if is_control(c.event) {
            &[EventType::Capture, EventType::Entry]
        } else if people_count && matches!(c.event, EventType::Strike | EventType::Casualties) {
            &[EventType::Strike, EventType::Casualties]
        } else {
            std::slice::from_ref(&c.event)
        };
        // Countries are left out: a country contains everything in it, too broad to set
        // claims against each other (see place_link).
        for p in &c.places {
            if p.kind != "country" && !own.contains(&p.id) {
                own.push(p.id);
            }
            let country = p.ancestors.last().copied();
            for &a in p.ancestors.iter().filter(|&&a| Some(a) != country) {
                if !around.contains(&a) {
                    around.push(a);
                }
            }
        }
        around.retain(|a| !own.contains(a));
        let Some(day) = c.date else {
            return undated_candidates(conn, events, own, around, found);
        };

        let window_days = (cfg.window_hours / 24).max(0);
        days.push(Some(day));
        for off in 1..=window_days {
            days.push(Some(day + Duration::days(off)));
            days.push(Some(day - Duration::days(off)));
        }
        days.push(None);
        for &d in days.iter() {
            for &event in events {
                for &place in own.iter() {
                    found.extend(self.ids(conn, Slot { place, event, day: d, inside: true })?);
                }
                for &place in around.iter() {
                    found.extend(self.ids(conn, Slot { place, event, day: d, inside: false })?);
                }
                if found.full() {
                    return Ok(());
                }
            }
        }
        let dated = matches!(c.date_source.as_str(), "explicit" | "relative") && c.date_precision == "day";
        if happens_once(c.event) && c.polarity == "asserted" && dated {
            for off in window_days + 1..=DATE_CONFLICT_DAYS {
                for d in [day + Duration::days(off), day - Duration::days(off)] {
                    for &place in own.iter() {
                        found.extend(self.ids(conn, Slot { place, event: c.event, day: Some(d), inside: false })?);
                    }
                }
                if found.full() {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// Candidate ids in the order found, without repeats, without the claim itself.
struct Found<'a> {
    me: i64,
    ids: &'a mut Vec<i64>,
    seen: &'a mut HashSet<i64>,
}

impl Found<'_> {
    fn extend(&mut self, ids: &[i64]) {
        for &id in ids {
            if self.full() {
                return;
            }
            if id != self.me && self.seen.insert(id) {
                self.ids.push(id);
            }
        }
    }

    fn full(&self) -> bool {
        self.ids.len() >= MAX_CANDIDATES
    }
}

/// The places at or inside `place` (itself included) named by claims of `event`: one
/// probe of `claim_places_lookup` per place of the gazetteer inside it.
fn read_holders(conn: &Connection, place: i64, event: EventType) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT pa.place_id FROM place_ancestors pa
          WHERE pa.ancestor_id = ?1
            AND EXISTS (SELECT 1 FROM claim_places cp WHERE cp.place_id = pa.place_id AND cp.event_type = ?2)",
    )?;
    let places = stmt.query_map(params![place, event.name()], |r| r.get(0))?.collect();
    places
}

/// The candidate queries. `MAX_CANDIDATES` is written into their SQL, not bound: SQLite
/// re-plans a statement whenever a parameter used in LIMIT is bound again, which cost a
/// fifth of the ingest. Written once, as they are run by the hundred thousand.
struct Sql {
    /// A slot at a place, on a day (`read_at`).
    at_day: String,
    /// A slot at a place, of claims without a date (`read_at`).
    at_undated: String,
    /// Claims of any date inside a place, and at a place (`undated_candidates`).
    any_day_inside: String,
    any_day_at: String,
}

static SQL: LazyLock<Sql> = LazyLock::new(|| {
    let at = |date: &str| {
        format!(
            "SELECT claim_id FROM claim_places WHERE place_id = ?1 AND event_type = ?2 AND event_date {date}
              ORDER BY claim_id DESC LIMIT {MAX_CANDIDATES}"
        )
    };
    Sql {
        at_day: at("= ?3"),
        at_undated: at("IS NULL"),
        any_day_inside: format!(
            "SELECT DISTINCT cp.claim_id FROM place_ancestors pa CROSS JOIN claim_places cp ON cp.place_id = pa.place_id
              WHERE pa.ancestor_id = ?1 AND cp.event_type = ?2 LIMIT {MAX_CANDIDATES}"
        ),
        any_day_at: format!(
            "SELECT claim_id FROM claim_places WHERE place_id = ?1 AND event_type = ?2
              ORDER BY event_date DESC LIMIT {MAX_CANDIDATES}"
        ),
    }
});

fn read_at(conn: &Connection, s: Slot) -> rusqlite::Result<Vec<i64>> {
    let event = s.event.name();
    let sql = if s.day.is_some() { &SQL.at_day } else { &SQL.at_undated };
    let mut stmt = conn.prepare_cached(sql)?;
    let ids = match s.day {
        Some(day) => stmt.query_map(params![s.place, event, DayText::new(day)], |r| r.get(0))?.collect(),
        None => stmt.query_map(params![s.place, event], |r| r.get(0))?.collect(),
    };
    ids
}

/// A claim without a date is compared with claims of any date at its places, read straight
/// from the index in its order (latest event dates first at a place; inside a place, the
/// first found), so each lookup stops after `MAX_CANDIDATES` rows however many there are.
fn undated_candidates(
    conn: &Connection,
    events: &[EventType],
    own: &[i64],
    around: &[i64],
    found: &mut Found,
) -> rusqlite::Result<()> {
    for &event in events {
        for (sql, places) in [(&SQL.any_day_inside, own), (&SQL.any_day_at, around)] {
            let mut stmt = conn.prepare_cached(sql)?;
            for &place in places {
                let ids: Vec<i64> =
                    stmt.query_map(params![place, event.name()], |r| r.get(0))?.collect::<Result<_, _>>()?;
                found.extend(&ids);
            }
        }
    }
    Ok(())
}
