//! Conflict detection (claims-spec §5): the rules as pure functions over claim facts, and
//! the incremental pass that finds candidates through indexes and records conflicts.
//!
//! A new claim is compared only with claims of a related event type whose places share a
//! place or an ancestor with its own (via `place_ancestors`) and whose date falls in the
//! window. Running detection twice records nothing new.

use std::borrow::Cow;
use std::collections::BTreeSet;

// Claim and place ids are keys by the million on the writer's path: FxHash, not SipHash
// (no untrusted keys here, and it hashes an i64 in a few instructions).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use crate::insert::Insert;
use crate::lexicon::EventType;
use crate::values;

mod candidates;

/// Default time window: claims whose events are further apart are a later development.
pub const DEFAULT_WINDOW_HOURS: i64 = 48;
/// Numeric ranges are widened by this fraction each side before testing overlap, so 40 and
/// 42 dead are one figure, 5 and 40 are not.
pub const NUMERIC_TOLERANCE: f64 = 0.1;
/// Two different dates for one event are compared while the reports were published within
/// this many days of each other.
pub const DATE_CONFLICT_DAYS: i64 = 7;
/// At most this many candidates are compared per claim (the newest first): a bound on work
/// when one place and day gather thousands of claims.
pub const MAX_CANDIDATES: usize = 300;
/// Corroboration is counted per independent claimant (claims-spec §5): a claim records the
/// first agreeing claim of at most this many other claimants.
pub const MAX_CORROBORATING_CLAIMANTS: usize = 20;
/// Facts of at most this many claims are kept between articles (a few tens of MB, their
/// words and places shared); past it the cache starts afresh, so memory stays flat however
/// large the corpus. The conflicts of at most this many claims are kept the same way.
const FACTS_CACHE_CLAIMS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
pub struct DetectConfig {
    pub window_hours: i64,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig { window_hours: DEFAULT_WINDOW_HOURS }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    Denial,
    Control,
    Numeric,
    Date,
}

impl ConflictKind {
    pub fn name(self) -> &'static str {
        match self {
            ConflictKind::Denial => "denial",
            ConflictKind::Control => "control",
            ConflictKind::Numeric => "numeric",
            ConflictKind::Date => "date",
        }
    }

    pub fn parse(s: &str) -> Option<ConflictKind> {
        [ConflictKind::Denial, ConflictKind::Control, ConflictKind::Numeric, ConflictKind::Date]
            .into_iter()
            .find(|k| k.name() == s)
    }
}

/// A short text many claims share (a side, a polarity, a unit, a place name): held once
/// by the detector (`Known::word`) and pointed at by every claim that has it, so that the
/// facts cache holds about twice the claims in the same memory.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Word(Arc<str>);

impl Word {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Word {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Word {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl From<&str> for Word {
    fn from(s: &str) -> Word {
        Word(s.into())
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", &*self.0)
    }
}

/// A claimant key with its hash beside it: detection compares claimants by the million,
/// mostly different ones, which the hashes tell apart without reading either text (held
/// elsewhere on the heap: at 100,000 articles, reading it was a cache miss per pair).
#[derive(Clone, Debug)]
pub struct Key {
    hash: u64,
    word: Word,
}

impl Key {
    pub fn new(word: Word) -> Key {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        word.as_str().hash(&mut h);
        Key { hash: h.finish(), word }
    }

    pub fn as_str(&self) -> &str {
        self.word.as_str()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.hash == other.hash && self.word == other.word
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.word == *other
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::new(s.into())
    }
}

/// A place of a claim with its ancestors, for containment tests.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimPlace {
    pub id: i64,
    pub name: Word,
    pub kind: Word,
    pub near: bool,
    pub broad: bool,
    /// Ancestors, nearest first.
    pub ancestors: Arc<[i64]>,
    /// The words in the article, and a fuzzy match's similarity (None when exact or alias).
    pub surface: Box<str>,
    pub fuzzy: Option<f64>,
}

impl ClaimPlace {
    /// "Tadmur", or "Ar Rastan (\"Rasten\", fuzzy 0.83)" when the text spelt it differently.
    fn label(&self) -> String {
        match self.fuzzy {
            Some(score) => format!("{} (\"{}\", fuzzy match {score:.2})", self.name, self.surface),
            None => self.name.to_string(),
        }
    }
}

/// What detection needs to know about a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFacts {
    pub id: i64,
    pub article_id: i64,
    pub statement_id: i64,
    pub claimant: Box<str>,
    pub claimant_key: Key,
    pub claimant_side: Word,
    pub polarity: Word,
    pub event: EventType,
    pub actor_side: Word,
    pub date: Option<NaiveDate>,
    /// `date.map(day_number)`, kept beside it: detection compares dates by the hundred
    /// thousand. Whoever sets `date` sets this too.
    pub days: Option<i32>,
    pub date_source: Word,
    pub date_precision: Word,
    pub published: Option<NaiveDate>,
    /// Low, high (infinite: "at least"), unit, measure.
    pub quantity: Option<(f64, f64, Word, Word)>,
    pub places: Vec<ClaimPlace>,
    /// The ids of the first `INLINE_PLACES` of `places` (0: none), set by `index_places`:
    /// most pairs compared share a place, which these tell without following `places` to
    /// the heap (`shares_a_place`; at 100,000 articles, a cache miss per pair). Private:
    /// only this module fills `places`, and each time calls `index_places`.
    place_ids: [i64; INLINE_PLACES],
}

/// How many place ids a claim's facts hold inline.
const INLINE_PLACES: usize = 3;

impl ClaimFacts {
    /// Sets `place_ids` from `places`: call it once `places` is filled.
    fn index_places(&mut self) {
        self.place_ids = [0; INLINE_PLACES];
        for (slot, p) in self.place_ids.iter_mut().zip(&self.places) {
            *slot = p.id;
        }
    }
}

/// Whether two claims name one place among the ids they hold inline: then `place_link`
/// finds the same place (ids are never 0). False says nothing when a claim has more places.
fn shares_a_place(a: &ClaimFacts, b: &ClaimFacts) -> bool {
    a.place_ids.iter().any(|&id| id != 0 && b.place_ids.contains(&id))
}

/// Why two claims disagree (or agree), in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: Option<ConflictKind>, // None: corroboration
    /// The event the conflict is about (counts of dead are "casualties" whether the claim
    /// speaks of a strike or of the toll).
    pub event: &'static str,
    pub side_a: String,
    pub side_b: String,
    pub reason: String,
}

/// Sides that hold ground: a place given to two of them at once is a control conflict.
fn holds_ground(side: &str) -> bool {
    matches!(side, "government" | "opposition" | "kurdish-led" | "foreign-government")
}

/// Event types that say who holds a place.
fn is_control(e: EventType) -> bool {
    matches!(e, EventType::Capture | EventType::Entry)
}

/// Measures of people that are the same whatever the event says ("a strike killed 40" and
/// "40 were killed" count the same dead).
fn is_people_measure(m: &str) -> bool {
    matches!(m, "killed" | "wounded" | "displaced")
}

fn same_count(a: &ClaimFacts, b: &ClaimFacts) -> bool {
    match (&a.quantity, &b.quantity) {
        (Some((_, _, au, am)), Some((_, _, bu, bm))) => au == bu && am == bm && is_people_measure(am),
        _ => false,
    }
}

/// Events that happen once at a place, so two dates for them contradict each other. Strikes,
/// deployments or casualties recur: two dates are two events.
fn happens_once(e: EventType) -> bool {
    matches!(
        e,
        EventType::Withdrawal | EventType::Capture | EventType::Entry | EventType::Defection | EventType::Departure
    )
}

/// Two dates differ for real when both are written out and a day apart, or when either was
/// worked out from a weekday or "yesterday" (often a day off around midnight) and they are
/// two days apart or more.
pub const RELATIVE_DATE_SLACK_DAYS: i64 = 1;

/// Days from the first day of the Common Era: a gap between two dates is then a
/// subtraction, not calendar arithmetic (which was 3% of the writer's instructions).
pub fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// Hours between two `day_number`s.
fn hours_apart(a: i32, b: i32) -> i64 {
    i64::from(a.abs_diff(b)) * 24
}

fn date_gap_is_real(a: &ClaimFacts, b: &ClaimFacts) -> bool {
    let (Some(da), Some(db)) = (a.days, b.days) else { return false };
    let gap = i64::from(da.abs_diff(db));
    if a.date_source == "explicit" && b.date_source == "explicit" {
        gap >= 1
    } else {
        gap > RELATIVE_DATE_SLACK_DAYS
    }
}

/// The closest link between two claims' places: one place, or one inside the other.
struct PlaceLink<'a> {
    same: bool,
    /// With `same`, the two mentions of the place; else the place inside, then the one around it.
    inner: &'a ClaimPlace,
    outer: &'a ClaimPlace,
}

fn place_link<'a>(a: &'a ClaimFacts, b: &'a ClaimFacts) -> Option<PlaceLink<'a>> {
    let mut best: Option<PlaceLink> = None;
    for pa in &a.places {
        for pb in &b.places {
            let found = if pa.id == pb.id {
                PlaceLink { same: true, inner: pa, outer: pb }
            } else if pb.ancestors.contains(&pa.id) {
                PlaceLink { same: false, inner: pb, outer: pa }
            } else if pa.ancestors.contains(&pb.id) {
                PlaceLink { same: false, inner: pa, outer: pb }
            } else {
                continue;
            };
            // A country contains everything in it: too broad to set claims against each other.
            let too_broad = [pa, pb].iter().any(|p| p.kind == "country") && pa.id != pb.id;
            if too_broad {
                continue;
            }
            if found.same {
                return Some(found);
            }
            best.get_or_insert(found);
        }
    }
    best
}

impl PlaceLink<'_> {
    fn describe(&self) -> String {
        let (i, o) = (self.inner, self.outer);
        let mut text = if self.same {
            let near = if i.near || o.near { " (near)" } else { "" };
            format!("same place: {}{near}", same_label(i, o))
        } else {
            format!("{} lies in {}{}", i.label(), o.label(), level(o))
        };
        let mut noted = Vec::new();
        for p in [i, o] {
            if p.broad && !noted.contains(&p.id) {
                noted.push(p.id);
                text.push_str(&format!(
                    " (\"{}\" read as the governorate: the name is shared by the city and its governorate)",
                    p.name
                ));
            }
        }
        text
    }
}

/// One place named two ways: "Tadmur" or "Ar Rastan (\"Rasten\", fuzzy match 0.83)".
fn same_label(a: &ClaimPlace, b: &ClaimPlace) -> String {
    match (a.fuzzy, b.fuzzy) {
        (None, None) => a.name.to_string(),
        (Some(_), _) => a.label(),
        (None, Some(_)) => b.label(),
    }
}

fn level(p: &ClaimPlace) -> &'static str {
    match p.kind.as_str() {
        "admin1" => " governorate",
        "country" => " (country)",
        _ => "",
    }
}

/// Whether the events are close enough in time to be one event (an unknown date is assumed
/// to overlap).
fn within_window(a: &ClaimFacts, b: &ClaimFacts, window_hours: i64) -> bool {
    match (a.days, b.days) {
        (Some(da), Some(db)) => hours_apart(da, db) <= window_hours,
        _ => true,
    }
}

/// How the events' times relate, in words, for two claims `within_window`.
fn time_relation(a: &ClaimFacts, b: &ClaimFacts, window_hours: i64) -> String {
    match (a.date, b.date) {
        (Some(da), Some(db)) => {
            let hours = (da - db).num_hours().abs();
            let how = |c: &ClaimFacts| if c.date_source == "publication" { " (publication date)" } else { "" };
            format!("dates {da}{} and {db}{} are {hours} h apart, within the {window_hours} h window", how(a), how(b))
        }
        (None, None) if a.article_id == b.article_id => "same article, undated".into(),
        (da, db) => {
            let unknown: Vec<String> =
                [(da, a.id), (db, b.id)].iter().filter(|(d, _)| d.is_none()).map(|(_, id)| format!("#{id}")).collect();
            format!("date unknown for claim {} (undated article): overlap assumed, check it", unknown.join(" and "))
        }
    }
}

fn same_claimant(a: &ClaimFacts, b: &ClaimFacts) -> bool {
    a.claimant_key == b.claimant_key && a.claimant_key != crate::extract::UNATTRIBUTED
}

fn sides_compatible(a: &str, b: &str) -> bool {
    a == b || a == "unknown" || b == "unknown"
}

fn ranges_overlap(a: (f64, f64), b: (f64, f64)) -> bool {
    let widen = |(lo, hi): (f64, f64)| {
        (lo * (1.0 - NUMERIC_TOLERANCE), if hi.is_finite() { hi * (1.0 + NUMERIC_TOLERANCE) } else { hi })
    };
    let (a0, a1) = widen(a);
    let (b0, b1) = widen(b);
    a0 <= b1 && b0 <= a1
}

fn fmt_range(lo: f64, hi: f64) -> String {
    if !hi.is_finite() {
        format!("at least {lo}")
    } else if (hi - lo).abs() < f64::EPSILON {
        format!("{lo}")
    } else {
        format!("{lo}–{hi}")
    }
}

/// The day a claim dates its event on (empty when undated).
fn day(c: &ClaimFacts) -> String {
    c.date.map(|d| crate::db::DayText::new(d).as_str().to_string()).unwrap_or_default()
}

fn who(c: &ClaimFacts) -> String {
    format!("#{} ({}, {})", c.id, c.claimant, c.claimant_side)
}

/// The rule of claims-spec §5 applied to one pair, with its reason in words. `None`:
/// nothing to record.
pub fn judge(a: &ClaimFacts, b: &ClaimFacts, cfg: &DetectConfig) -> Option<Finding> {
    let v = verdict(a, b, cfg, true)?;
    let (side_a, side_b) = sides(v.rule, a, b);
    Some(Finding {
        kind: v.kind(),
        reason: explain(v.rule, a, b, cfg.window_hours),
        event: v.event,
        side_a: side_a.into_owned(),
        side_b: side_b.into_owned(),
    })
}

/// Which rule of claims-spec §5 a pair meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Date,
    Denial,
    Control,
    Numeric,
    AgreesOnCount,
    AgreesOnEvent,
    AgreesOnControl,
}

/// A pair judged, before it is put into words (`explain`): wording is most of the cost of
/// comparing two claims, and most pairs judged add nothing new to store.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    rule: Rule,
    event: &'static str,
}

impl Rule {
    fn kind(self) -> Option<ConflictKind> {
        match self {
            Rule::Date => Some(ConflictKind::Date),
            Rule::Denial => Some(ConflictKind::Denial),
            Rule::Control => Some(ConflictKind::Control),
            Rule::Numeric => Some(ConflictKind::Numeric),
            Rule::AgreesOnCount | Rule::AgreesOnEvent | Rule::AgreesOnControl => None,
        }
    }

    fn of_conflict(kind: ConflictKind) -> Rule {
        match kind {
            ConflictKind::Date => Rule::Date,
            ConflictKind::Denial => Rule::Denial,
            ConflictKind::Control => Rule::Control,
            ConflictKind::Numeric => Rule::Numeric,
        }
    }

    /// The name an agreement is stored under in `claim_corroborations.agreements`.
    fn agreement_name(self) -> Option<&'static str> {
        match self {
            Rule::AgreesOnCount => Some("count"),
            Rule::AgreesOnEvent => Some("event"),
            Rule::AgreesOnControl => Some("control"),
            _ => None,
        }
    }

    fn of_agreement(name: &str) -> Option<Rule> {
        [Rule::AgreesOnCount, Rule::AgreesOnEvent, Rule::AgreesOnControl]
            .into_iter()
            .find(|r| r.agreement_name() == Some(name))
    }
}

impl Verdict {
    fn kind(&self) -> Option<ConflictKind> {
        self.rule.kind()
    }

    fn agreement(rule: Rule, event: &'static str) -> Verdict {
        Verdict { rule, event }
    }
}

/// `judge` without the words. With `agreements` false, agreements are not looked for (they
/// would not be recorded).
fn verdict(a: &ClaimFacts, b: &ClaimFacts, cfg: &DetectConfig, agreements: bool) -> Option<Verdict> {
    if a.id == b.id || same_claimant(a, b) {
        return None;
    }
    if !a.event.is_checkable() || !b.event.is_checkable() {
        return None;
    }
    let related = a.event == b.event || (is_control(a.event) && is_control(b.event)) || same_count(a, b);
    if !related {
        return None;
    }
    // A place both name: the same place, as `place_link` would find (it returns a same
    // place before any place inside another).
    let same_place = shares_a_place(a, b) || place_link(a, b)?.same;

    // Date conflict: the same event at the same place, given two explicit days by reports
    // published close together.
    if a.event == b.event
        && happens_once(a.event)
        && a.polarity == "asserted"
        && b.polarity == "asserted"
        && matches!(a.date_source.as_str(), "explicit" | "relative")
        && matches!(b.date_source.as_str(), "explicit" | "relative")
        && a.date_precision == "day"
        && b.date_precision == "day"
        && a.date != b.date
        && date_gap_is_real(a, b)
        && sides_compatible(&a.actor_side, &b.actor_side)
        && same_place
    {
        let published_close = match (a.published, b.published) {
            (Some(pa), Some(pb)) => (pa - pb).num_days().abs() <= DATE_CONFLICT_DAYS,
            _ => true,
        };
        if published_close {
            return Some(Verdict { rule: Rule::Date, event: a.event.name() });
        }
    }

    if !within_window(a, b, cfg.window_hours) {
        return None;
    }
    if a.event == b.event && a.polarity != b.polarity && sides_compatible(&a.actor_side, &b.actor_side) {
        return Some(Verdict { rule: Rule::Denial, event: a.event.name() });
    }
    if a.polarity != "asserted" || b.polarity != "asserted" {
        return None;
    }
    if is_control(a.event)
        && is_control(b.event)
        && holds_ground(&a.actor_side)
        && holds_ground(&b.actor_side)
        && a.actor_side != b.actor_side
    {
        return Some(Verdict { rule: Rule::Control, event: "capture" });
    }
    if a.event == b.event || same_count(a, b) {
        if let (Some((_, _, au, am)), Some((_, _, bu, bm))) = (&a.quantity, &b.quantity) {
            if au == bu && am == bm && sides_compatible(&a.actor_side, &b.actor_side) {
                if !quantities_agree(a, b) {
                    let event = if is_people_measure(am) { "casualties" } else { a.event.name() };
                    return Some(Verdict { rule: Rule::Numeric, event });
                }
                return agreements.then(|| Verdict::agreement(Rule::AgreesOnCount, a.event.name()));
            }
        }
    }
    if !agreements {
        return None;
    }
    if a.event == b.event && sides_compatible(&a.actor_side, &b.actor_side) {
        return Some(Verdict::agreement(Rule::AgreesOnEvent, a.event.name()));
    }
    if is_control(a.event) && is_control(b.event) && a.actor_side == b.actor_side {
        return Some(Verdict::agreement(Rule::AgreesOnControl, a.event.name()));
    }
    None
}

/// Whether two claims' figures overlap (with the tolerance); true when either has none.
fn quantities_agree(a: &ClaimFacts, b: &ClaimFacts) -> bool {
    match (&a.quantity, &b.quantity) {
        (Some((alo, ahi, ..)), Some((blo, bhi, ..))) => ranges_overlap((*alo, *ahi), (*blo, *bhi)),
        _ => true,
    }
}

/// Why a pair meets its rule, in words a fact-checker can check: the rule, the claims, the
/// place relation and the dates compared.
fn explain(rule: Rule, a: &ClaimFacts, b: &ClaimFacts, window_hours: i64) -> String {
    let places = place_link(a, b).map(|l| l.describe()).unwrap_or_default();
    let time = || time_relation(a, b, window_hours);
    let event = a.event.name();
    match rule {
        Rule::Date => format!(
            "date: {} dates the {event} on {}, {} on {}; {places}; reports published within {DATE_CONFLICT_DAYS} days",
            who(a),
            day(a),
            who(b),
            day(b),
        ),
        Rule::Denial => {
            let (asserting, denying) = if a.polarity == "asserted" { (a, b) } else { (b, a) };
            format!("denial: {} asserts the {event}, {} denies it; {places}; {}", who(asserting), who(denying), time())
        }
        Rule::Control => format!(
            "control: {} gives the place to the {} side, {} to the {} side; {places}; {}",
            who(a),
            a.actor_side,
            who(b),
            b.actor_side,
            time()
        ),
        Rule::Numeric => {
            let (Some((alo, ahi, au, am)), Some((blo, bhi, bu, _))) = (&a.quantity, &b.quantity) else {
                return format!("numeric: {} and {} give different figures; {places}; {}", who(a), who(b), time());
            };
            format!(
                "numeric: {am}: {} says {} {au}, {} says {} {bu}; the ranges do not overlap even with {}% tolerance; {places}; {}",
                who(a),
                fmt_range(*alo, *ahi),
                who(b),
                fmt_range(*blo, *bhi),
                (NUMERIC_TOLERANCE * 100.0) as i64,
                time()
            )
        }
        // Agreements are stored by the hundred thousand: the rule and the places only (the
        // dates are each claim's own, and were within the window).
        Rule::AgreesOnCount => {
            let measure = a.quantity.as_ref().map(|q| q.3.as_str()).unwrap_or("the figure");
            format!("agrees on {measure} (ranges overlap); {places}")
        }
        Rule::AgreesOnEvent => format!("agrees: both assert the {event}; {places}"),
        Rule::AgreesOnControl => format!("agrees: both put the place in {} hands; {places}", a.actor_side),
    }
}

/// Claim ids, without repeats, as a JSON array for `json_each(?) j CROSS JOIN t ON t.id =
/// j.value`: one query for a whole list of claims, each looked up by its key. (`t.id IN
/// (SELECT value FROM json_each(?))` builds a temporary index on every call: a fifth of
/// the writer's instructions went into opening and zeroing them.)
fn json_ids(ids: &[i64]) -> String {
    use std::fmt::Write;
    let mut seen = HashSet::with_capacity_and_hasher(ids.len(), Default::default());
    // Ids of up to 7 digits and a comma each, without growing.
    let mut json = String::with_capacity(2 + ids.len() * 8);
    json.push('[');
    for &id in ids.iter().filter(|&&id| seen.insert(id)) {
        if json.len() > 1 {
            json.push(',');
        }
        let _ = write!(json, "{id}");
    }
    json.push(']');
    json
}

/// Appends one agreement to the JSON array of `claim_corroborations.agreements` (opened
/// here, closed by the caller): the claim and the rule, whose words `Reasons` writes when
/// they are read (an agreement's words are a function of the two claims and the rule).
fn push_agreement(json: &mut String, claim: i64, rule: &str) {
    use std::fmt::Write;
    json.push(if json.is_empty() { '[' } else { ',' });
    let _ = write!(json, "{{\"claim\":{claim},\"rule\":\"{rule}\"}}");
}

/// What detection needs of a place, the same for every claim that names it.
#[derive(Debug, Clone)]
struct PlaceInfo {
    name: Word,
    kind: Word,
    ancestors: Arc<[i64]>,
}

/// What many claims share, kept once: places (name, kind, ancestors) and words.
#[derive(Default)]
struct Known {
    /// None: no longer in the gazetteer.
    places: HashMap<i64, Option<PlaceInfo>>,
    words: HashSet<Word>,
}

impl Known {
    fn clear(&mut self) {
        self.places.clear();
        self.words.clear();
    }

    fn word(&mut self, s: &str) -> Word {
        if let Some(w) = self.words.get(s) {
            return w.clone();
        }
        let w = Word::from(s);
        self.words.insert(w.clone());
        w
    }
}

impl PlaceInfo {
    /// The place `id`, read once and then kept (places are few, claims naming them many).
    /// None: no longer in the gazetteer.
    fn get<'c>(conn: &Connection, known: &'c mut Known, id: i64) -> rusqlite::Result<Option<&'c PlaceInfo>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = known.places.entry(id) {
            let info = conn
                .prepare_cached(
                    "SELECT p.name, p.kind,
                            (SELECT group_concat(ancestor_id) FROM (SELECT ancestor_id FROM place_ancestors
                              WHERE place_id = p.id AND depth > 0 ORDER BY depth))
                       FROM places p WHERE p.id = ?1",
                )?
                .query_row([id], |r| {
                    let anc: Option<String> = r.get(2)?;
                    Ok(PlaceInfo {
                        name: crate::gazetteer::strip_diacritics(&r.get::<_, String>(0)?).as_str().into(),
                        kind: r.get::<_, String>(1)?.as_str().into(),
                        ancestors: anc.unwrap_or_default().split(',').filter_map(|s| s.parse().ok()).collect(),
                    })
                })
                .optional()?;
            slot.insert(info);
        }
        Ok(known.places.get(&id).and_then(Option::as_ref))
    }
}

/// Loads the facts of claims by id, in the order given (ids not found, and repeats, are
/// left out). Two queries for the whole list, not two per claim: a claim whose candidates
/// are not cached needs up to `MAX_CANDIDATES` of them.
fn load_facts(conn: &Connection, ids: &[i64], known: &mut Known) -> rusqlite::Result<Vec<ClaimFacts>> {
    let mut facts = Vec::new();
    load_facts_into(conn, ids, known, &mut facts)?;
    Ok(facts)
}

/// `load_facts` into `facts` (cleared first), a buffer the caller keeps: the facts of up to
/// `MAX_CANDIDATES` claims take tens of KB, and a block that large, allocated for every
/// claim compared, had malloc consolidate its free lists each time.
fn load_facts_into(
    conn: &Connection,
    ids: &[i64],
    known: &mut Known,
    facts: &mut Vec<ClaimFacts>,
) -> rusqlite::Result<()> {
    facts.clear();
    if ids.is_empty() {
        return Ok(());
    }
    let list = json_ids(ids);
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.article_id, c.statement_id, c.claimant, c.claimant_key, c.claimant_side, c.polarity, c.event_type,
                c.actor_side, c.event_date, c.date_source, c.date_precision, a.published,
                c.quantity_low, c.quantity_high, c.quantity_unit, c.quantity_measure
           FROM json_each(?1) j CROSS JOIN claims c ON c.id = j.value CROSS JOIN articles a ON a.id = c.article_id",
    )?;
    // Rows come in the list's order: CROSS JOIN keeps `json_each` the outer loop (and
    // `articles` the inner one), each id matches at most one claim, and nothing sorts.
    // The list is the ids given without repeats (`json_ids`). A test checks the order.
    let rows = stmt.query_map([&list], |r| {
        let date = |s: Option<&str>| s.and_then(|s| s.parse::<NaiveDate>().ok());
        let event_date = date(r.get_ref(9)?.as_str_or_null()?);
        let mut word = |i: usize| -> rusqlite::Result<Word> { Ok(known.word(r.get_ref(i)?.as_str()?)) };
        let low: Option<f64> = r.get(13)?;
        let quantity = match (low, r.get_ref(15)?.as_str_or_null()?, r.get_ref(16)?.as_str_or_null()?) {
            (Some(lo), Some(_), Some(_)) => {
                Some((lo, r.get::<_, Option<f64>>(14)?.unwrap_or(f64::INFINITY), word(15)?, word(16)?))
            }
            _ => None,
        };
        Ok(ClaimFacts {
            id: r.get(0)?,
            article_id: r.get(1)?,
            statement_id: r.get(2)?,
            claimant: r.get_ref(3)?.as_str()?.into(),
            claimant_key: Key::new(word(4)?),
            claimant_side: word(5)?,
            polarity: word(6)?,
            event: EventType::parse(r.get_ref(7)?.as_str()?).unwrap_or(EventType::Other),
            actor_side: word(8)?,
            date: event_date,
            days: event_date.map(day_number),
            date_source: word(10)?,
            date_precision: word(11)?,
            published: date(r.get_ref(12)?.as_str_or_null()?),
            quantity,
            places: Vec::new(),
            place_ids: [0; INLINE_PLACES],
        })
    })?;
    for f in rows {
        facts.push(f?);
    }
    // A claim's places come in its key's order, (claim, place), as they always have; the
    // claims come in the list's order, as their facts do.
    let mut stmt = conn.prepare_cached(
        "SELECT cp.claim_id, cp.place_id, cp.relation, cp.reading, cp.surface, cp.match_kind, cp.score
           FROM json_each(?1) j CROSS JOIN claim_places cp ON cp.claim_id = j.value",
    )?;
    let rows = stmt.query_map([&list], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get_ref(2)?.as_str()? == "near",
            r.get_ref(3)?.as_str()? == "broad",
            Box::<str>::from(r.get_ref(4)?.as_str()?),
            (r.get_ref(5)?.as_str()? == "fuzzy").then_some(r.get::<_, f64>(6)?),
        ))
    })?;
    let mut at = 0;
    for row in rows {
        let (claim, id, near, broad, surface, fuzzy) = row?;
        // The claim is at `at` or after it, places coming in the claims' order; looked for
        // from the start should a query plan ever give another order.
        let found = facts[at..].iter().position(|f| f.id == claim).map(|i| at + i);
        let Some(i) = found.or_else(|| facts.iter().position(|f| f.id == claim)) else { continue };
        at = i;
        let Some(info) = PlaceInfo::get(conn, known, id)? else { continue };
        facts[at].places.push(ClaimPlace {
            id,
            name: info.name.clone(),
            kind: info.kind.clone(),
            near,
            broad,
            ancestors: info.ancestors.clone(),
            surface,
            fuzzy,
        });
    }
    for f in facts.iter_mut() {
        f.index_places();
    }
    Ok(())
}

/// Reasons in words for what detection stored as pairs of claims (conflict memberships and
/// agreements, since migration 5), written when they are read: a reason is a function of
/// the two claims' stored facts and the rule, so the writer stores two ids instead of a
/// sentence. The words are those detection would have written when it stored the pair.
pub struct Reasons<'c> {
    conn: &'c Connection,
    known: Known,
    facts: HashMap<i64, ClaimFacts>,
}

impl<'c> Reasons<'c> {
    pub fn new(conn: &'c Connection) -> Reasons<'c> {
        Reasons { conn, known: Known::default(), facts: HashMap::default() }
    }

    /// Reads the facts of these claims in one pass (ahead of many reasons about them, as
    /// for a whole conflict); the cache starts afresh past `FACTS_CACHE_CLAIMS`.
    pub fn load(&mut self, ids: &[i64]) -> rusqlite::Result<()> {
        let (start_afresh, missing) = facts_to_read(&self.facts, ids, FACTS_CACHE_CLAIMS);
        if start_afresh {
            self.facts.clear();
            self.known.clear();
        }
        for f in load_facts(self.conn, &missing, &mut self.known)? {
            self.facts.insert(f.id, f);
        }
        Ok(())
    }

    fn pair(&mut self, a: i64, b: i64) -> rusqlite::Result<Option<(&ClaimFacts, &ClaimFacts)>> {
        self.load(&[a, b])?;
        Ok(self.facts.get(&a).zip(self.facts.get(&b)))
    }

    /// Why claims `a` (being stored) and `b` (compared with it) were put in a conflict of
    /// `kind`, judged with a window of `window_hours`.
    pub fn membership(&mut self, kind: ConflictKind, a: i64, b: i64, window_hours: i64) -> rusqlite::Result<String> {
        Ok(match self.pair(a, b)? {
            Some((fa, fb)) => explain(Rule::of_conflict(kind), fa, fb, window_hours),
            None => format!("{}: claims #{a} and #{b} (their facts are no longer stored)", kind.name()),
        })
    }

    /// The reason of a `conflict_claims` row of `claim` in a conflict of `kind`: its words
    /// when stored before migration 5, else written from its pair (a, b, window hours).
    pub fn of_member(
        &mut self,
        kind: &str,
        claim: i64,
        words: Option<String>,
        pair: Option<(i64, i64, i64)>,
    ) -> rusqlite::Result<String> {
        Ok(match (words, pair, ConflictKind::parse(kind)) {
            (Some(text), ..) => text,
            (None, Some((a, b, w)), Some(k)) => self.membership(k, a, b, w)?,
            _ => format!("{kind}: claim #{claim} (no reason stored)"),
        })
    }

    /// Why `claim` was found to agree with the earlier `by`, under the agreement `rule` as
    /// stored in `claim_corroborations` ("count", "event", "control").
    pub fn agreement(&mut self, rule: &str, claim: i64, by: i64) -> rusqlite::Result<String> {
        let Some(rule) = Rule::of_agreement(rule) else {
            return Ok(format!("agrees (rule '{rule}' unknown to this version)"));
        };
        Ok(match self.pair(claim, by)? {
            // Agreements' words do not name the window (see `explain`).
            Some((fa, fb)) => explain(rule, fa, fb, DEFAULT_WINDOW_HOURS),
            None => format!("agrees: claims #{claim} and #{by} (their facts are no longer stored)"),
        })
    }
}

/// Which of `ids` to read into a cache of facts that holds at most `limit` claims, and
/// whether to empty it first: when the missing ones do not fit, the cache starts afresh and
/// every id is read again (the ones cached too, or they would be lost just when needed).
fn facts_to_read(cached: &HashMap<i64, ClaimFacts>, ids: &[i64], limit: usize) -> (bool, Vec<i64>) {
    let missing: Vec<i64> = ids.iter().copied().filter(|id| !cached.contains_key(id)).collect();
    if cached.len() + missing.len() <= limit {
        return (false, missing);
    }
    let mut seen = HashSet::default();
    (true, ids.iter().copied().filter(|id| seen.insert(*id)).collect())
}

/// A claim as the writer stored it (the columns `load_facts` reads back), for
/// `Detector::detect_stored`.
#[derive(Debug, Clone)]
pub struct StoredClaim<'a> {
    pub id: i64,
    pub article_id: i64,
    pub statement_id: i64,
    pub claimant: &'a str,
    pub claimant_key: std::borrow::Cow<'a, str>,
    pub claimant_side: &'a str,
    pub polarity: &'static str,
    pub event: EventType,
    pub actor_side: &'a str,
    pub date: Option<NaiveDate>,
    pub date_source: &'static str,
    pub date_precision: &'static str,
    pub published: Option<NaiveDate>,
    /// Low, high (None: open-ended), unit, measure.
    pub quantity: Option<(f64, Option<f64>, &'a str, &'a str)>,
    /// As stored in `claim_places`: the first row of each place kept.
    pub places: Vec<StoredPlace<'a>>,
}

#[derive(Debug, Clone)]
pub struct StoredPlace<'a> {
    pub id: i64,
    pub near: bool,
    pub broad: bool,
    pub surface: &'a str,
    pub fuzzy: Option<f64>,
}

impl StoredClaim<'_> {
    /// The facts `load_facts` would read back for this claim.
    fn facts(&self, conn: &Connection, known: &mut Known) -> rusqlite::Result<ClaimFacts> {
        let mut places: Vec<ClaimPlace> = Vec::with_capacity(self.places.len());
        for p in &self.places {
            // The first row of each place is the one stored.
            if places.iter().any(|s| s.id == p.id) {
                continue;
            }
            let Some(info) = PlaceInfo::get(conn, known, p.id)? else { continue };
            places.push(ClaimPlace {
                id: p.id,
                name: info.name.clone(),
                kind: info.kind.clone(),
                near: p.near,
                broad: p.broad,
                ancestors: info.ancestors.clone(),
                surface: p.surface.into(),
                fuzzy: p.fuzzy,
            });
        }
        // In place id order, as read back from the claim_places key.
        places.sort_by_key(|p| p.id);
        let mut facts = ClaimFacts {
            id: self.id,
            article_id: self.article_id,
            statement_id: self.statement_id,
            claimant: self.claimant.into(),
            claimant_key: Key::new(known.word(&self.claimant_key)),
            claimant_side: known.word(self.claimant_side),
            polarity: known.word(self.polarity),
            event: self.event,
            actor_side: known.word(self.actor_side),
            date: self.date,
            days: self.date.map(day_number),
            date_source: known.word(self.date_source),
            date_precision: known.word(self.date_precision),
            published: self.published,
            quantity: self.quantity.map(|(lo, hi, unit, measure)| {
                (lo, hi.unwrap_or(f64::INFINITY), known.word(unit), known.word(measure))
            }),
            places,
            place_ids: [0; INLINE_PLACES],
        };
        facts.index_places();
        Ok(facts)
    }
}

/// What a detection pass recorded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DetectOutcome {
    pub conflicts_created: usize,
    pub claims_attached: usize,
    pub corroborations: usize,
}

/// The connection detection reads and records on, with the inserts it records findings
/// with, prepared once (bound without copying, see `insert`).
pub struct Recorder<'c> {
    pub conn: &'c Connection,
    agreements: Insert<'c>,
    member: Insert<'c>,
    conflict: Insert<'c>,
}

impl<'c> Recorder<'c> {
    pub fn prepare(conn: &'c Connection) -> rusqlite::Result<Recorder<'c>> {
        Ok(Recorder {
            conn,
            agreements: Insert::prepare(
                conn,
                "INSERT OR IGNORE INTO claim_corroborations (claim_id, agreements) VALUES (?1, ?2)",
            )?,
            member: Insert::prepare(
                conn,
                "INSERT OR IGNORE INTO conflict_claims (conflict_id, claim_id, side, pair_a, pair_b, window_hours, added)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            conflict: Insert::prepare(
                conn,
                "INSERT INTO conflicts (kind, event_type, status, explanation, created, updated, event_date)
                 VALUES (?1, ?2, 'open', ?3, ?4, ?4, ?5)",
            )?,
        })
    }
}

/// A conflict a claim belongs to.
#[derive(Debug, Clone, Copy)]
struct Membership {
    conflict: i64,
    kind: ConflictKind,
    event: &'static str,
    /// The day the conflict is about, as a `day_number` (None: its claims are undated).
    day: Option<i32>,
}

/// Detection across many articles (an ingest): the facts of claims already compared, and
/// the conflicts they belong to, are kept, since a stored claim never changes and only this
/// writer attaches claims while it holds the transaction; so each claim is read from the
/// database once.
pub struct Detector {
    cfg: DetectConfig,
    cache: HashMap<i64, ClaimFacts>,
    known: Known,
    /// Conflicts of the claims in `members`' keys (an empty list: none), kept up to date as
    /// claims are attached.
    members: HashMap<i64, Vec<Membership>>,
    slots: candidates::Slots,
    /// Conflicts that gained claims in the open transaction, marked updated by `finish`
    /// once per transaction rather than once per claim attached (each update rewrites the
    /// conflict's row, long explanation and all).
    touched: BTreeSet<i64>,
    /// When conflicts are flagged and claims attached: one time per write transaction (set
    /// by `sync`), so that a conflict flagged and filled in one batch shows no claims as
    /// "attached" afterwards, while a review committed by another process between batches
    /// still comes before the claims attached after it.
    now: String,
    /// Scratch for `compare`: the candidates of a claim, those of them not cached, and their
    /// facts as read, kept between claims for their capacity.
    cands: Vec<i64>,
    missing: Vec<i64>,
    loaded: Vec<ClaimFacts>,
}

impl Detector {
    pub fn new(cfg: DetectConfig) -> Detector {
        Detector {
            cfg,
            cache: HashMap::default(),
            known: Known::default(),
            members: HashMap::default(),
            slots: Default::default(),
            touched: BTreeSet::new(),
            now: crate::db::now(),
            cands: Vec::new(),
            missing: Vec::new(),
            loaded: Vec::new(),
        }
    }

    /// Drops everything cached. Call it after a rollback: the ids of claims rolled back are
    /// given to the next claims stored.
    pub fn forget(&mut self) {
        self.cache.clear();
        self.known.clear();
        self.members.clear();
        self.slots.forget();
        self.touched.clear();
    }

    /// Call it before committing the write transaction: marks the conflicts that gained
    /// claims in it as updated, and flags new material on those a reviewer has looked at
    /// (never reopening them silently).
    pub fn finish(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached(
            "UPDATE conflicts SET updated = ?2,
                    new_material = CASE WHEN status != 'open' THEN 1 ELSE new_material END
              WHERE id = ?1",
        )?;
        for conflict in std::mem::take(&mut self.touched) {
            stmt.execute(params![conflict, self.now])?;
        }
        Ok(())
    }

    /// Call it at the start of each write transaction: what was cached is dropped when
    /// another process has written to the database since.
    pub fn sync(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        self.now = crate::db::now();
        if self.slots.sync(conn)? {
            self.cache.clear();
            self.known.clear();
            self.members.clear();
        }
        Ok(())
    }

    /// Empties the facts cache and the memberships when they reach `FACTS_CACHE_CLAIMS`.
    /// Words too (claimant keys are free text, so they grow with the corpus); claims still
    /// held keep theirs.
    fn start_afresh(&mut self) {
        self.cache.clear();
        self.members.clear();
        self.known.words.clear();
    }

    /// Compares claims already stored (by id) with the claims there (and with each other).
    pub fn detect(&mut self, db: &mut Recorder, claim_ids: &[i64]) -> rusqlite::Result<DetectOutcome> {
        let new = load_facts(db.conn, claim_ids, &mut self.known)?;
        self.compare(db, new, false)
    }

    /// Compares claims just stored, as the writer stored them, with the claims already
    /// there (and with each other): the same as `detect` on their ids, without reading
    /// back what the writer has in hand.
    pub fn detect_stored(&mut self, db: &mut Recorder, claims: &[StoredClaim]) -> rusqlite::Result<DetectOutcome> {
        let mut new = Vec::with_capacity(claims.len());
        for c in claims {
            new.push(c.facts(db.conn, &mut self.known)?);
        }
        self.compare(db, new, true)
    }

    /// `just_stored`: `new` are the claims stored last, in the order stored.
    fn compare(
        &mut self,
        db: &mut Recorder,
        new: Vec<ClaimFacts>,
        just_stored: bool,
    ) -> rusqlite::Result<DetectOutcome> {
        let conn = db.conn;
        let cfg = self.cfg;
        let mut out = DetectOutcome::default();
        for c in &new {
            self.slots.note(conn, c, just_stored)?;
            if just_stored {
                // Just stored: in no conflict yet but those this pass puts it in. (True only
                // because `forget` runs after every rollback: a rolled-back claim's id is
                // given to the next claim stored, and its memberships must not be kept.)
                self.members.entry(c.id).or_default();
            }
        }
        // Candidates that are in `new` are taken from `new`, not read from the database;
        // `new` joins the cache after the loop.
        let siblings: HashMap<i64, &ClaimFacts> = new.iter().map(|f| (f.id, f)).collect();
        let sibling = |id: &i64| siblings.get(id).copied();
        let mut agreements = String::new();
        // The two lists below are made for each claim and borrow what it is compared with;
        // their allocations are passed from one claim to the next (see `recycle`).
        let mut spare_corroborating: Vec<&Key> = Vec::new();
        let mut spare_conflicting: Vec<(&ClaimFacts, Verdict)> = Vec::new();
        for c in &new {
            self.slots.candidates(conn, c, &cfg, &mut self.cands)?;
            // A full cache starts afresh before what this claim needs is loaded (never after:
            // the candidates it held would be skipped).
            if self.cache.len() + self.cands.len() >= FACTS_CACHE_CLAIMS || self.members.len() >= FACTS_CACHE_CLAIMS {
                self.start_afresh();
            }
            self.missing.clear();
            self.missing
                .extend(self.cands.iter().copied().filter(|id| !self.cache.contains_key(id) && sibling(id).is_none()));
            load_facts_into(conn, &self.missing, &mut self.known, &mut self.loaded)?;
            for f in self.loaded.drain(..) {
                self.cache.insert(f.id, f);
            }
            // Independent claimants already counted as corroborating c.
            let mut corroborating: Vec<&Key> = recycle(std::mem::take(&mut spare_corroborating));
            agreements.clear();
            let mut conflicting: Vec<(&ClaimFacts, Verdict)> = recycle(std::mem::take(&mut spare_conflicting));
            for id in &self.cands {
                let Some(other) = self.cache.get(id).or_else(|| sibling(id)) else { continue };
                let agreements_wanted = corroborating.len() < MAX_CORROBORATING_CLAIMANTS;
                let Some(v) = verdict(c, other, &cfg, agreements_wanted) else { continue };
                // A verdict is a conflict or an agreement.
                let Some(agreement) = v.rule.agreement_name() else {
                    conflicting.push((other, v));
                    continue;
                };
                // One agreement per claimant (looked for only now: most pairs are not
                // agreements, and a claimant's key is a read from elsewhere in memory).
                if corroborating.contains(&&other.claimant_key) {
                    continue;
                }
                corroborating.push(&other.claimant_key);
                push_agreement(&mut agreements, other.id, agreement);
            }
            if !corroborating.is_empty() {
                agreements.push(']');
                // A claim's agreements are those found when it was stored: detection run
                // again over it records nothing new.
                let n = db.agreements.run(&values![c.id, &agreements])?;
                if n > 0 {
                    out.corroborations += corroborating.len();
                }
            }
            if !conflicting.is_empty() {
                let touched = record(db, &mut self.members, c, &conflicting, &cfg, &self.now, &mut out)?;
                self.touched.extend(touched);
            }
            spare_corroborating = recycle(corroborating);
            spare_conflicting = recycle(conflicting);
        }
        if self.cache.len() + new.len() > FACTS_CACHE_CLAIMS {
            self.start_afresh();
        }
        for c in new {
            self.cache.insert(c.id, c);
        }
        Ok(out)
    }
}

/// `v` emptied, as a Vec of items of another lifetime: a buffer whose items borrow what one
/// claim is compared with, kept for the next claim. Collecting the emptied Vec's iterator
/// into items of the same size reuses its allocation (std's in-place collection; were it
/// not to, this would only allocate as before). Lists made afresh for each claim were 4.4
/// allocations a claim.
/// (In-place collection is how std works, not a promise; the sizes are checked here.)
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    const { assert!(size_of::<T>() == size_of::<U>() && align_of::<T>() == align_of::<U>()) };
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// Reads the conflicts of the claims whose memberships are not known yet.
fn load_members(conn: &Connection, members: &mut HashMap<i64, Vec<Membership>>, ids: &[i64]) -> rusqlite::Result<()> {
    let missing: Vec<i64> = ids.iter().copied().filter(|id| !members.contains_key(id)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT cc.claim_id, cc.conflict_id, k.kind, k.event_type, k.event_date
           FROM json_each(?1) j CROSS JOIN conflict_claims cc ON cc.claim_id = j.value JOIN conflicts k ON k.id = cc.conflict_id",
    )?;
    // Read in place, without a String per column: memberships are read by the million.
    let rows = stmt.query_map([json_ids(&missing)], |r| {
        let day = r.get_ref(4)?.as_str_or_null()?.and_then(|d| d.parse::<NaiveDate>().ok()).map(day_number);
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            ConflictKind::parse(r.get_ref(2)?.as_str()?),
            EventType::parse(r.get_ref(3)?.as_str()?),
            day,
        ))
    })?;
    for id in ids {
        members.entry(*id).or_default();
    }
    for row in rows {
        let (claim, conflict, kind, event, day) = row?;
        // A kind or event this version does not know can never be joined: leave it out.
        let (Some(kind), Some(event)) = (kind, event) else { continue };
        members.entry(claim).or_default().push(Membership { conflict, kind, event: event.name(), day });
    }
    Ok(())
}

/// Whether a pair of claims can join a conflict about `day`: both are dated within the
/// window of that day (or undated), so that a conflict stays about one event at one time
/// and does not grow along a chain of pairs, each within the window of the last.
fn fits(day: Option<i32>, kind: ConflictKind, pair: [&ClaimFacts; 2], cfg: &DetectConfig) -> bool {
    let Some(day) = day else { return true };
    let hours = match kind {
        ConflictKind::Date => DATE_CONFLICT_DAYS * 24,
        _ => cfg.window_hours,
    };
    pair.iter().all(|c| c.days.is_none_or(|d| hours_apart(d, day) <= hours))
}

/// The day a new conflict is about: the earlier date of the pair that flags it.
fn conflict_day(a: &ClaimFacts, b: &ClaimFacts) -> Option<NaiveDate> {
    a.date.into_iter().chain(b.date).min()
}

/// Records the conflicts found between `c` and other claims: a pair joins the oldest
/// conflict of its kind and event that holds the other claim, else one that holds `c`, if
/// the pair `fits` its day; else it flags a new one. Reasons are put into words only for
/// what is stored. Returns the conflicts that existed before and gained claims.
fn record(
    db: &mut Recorder,
    members: &mut HashMap<i64, Vec<Membership>>,
    c: &ClaimFacts,
    findings: &[(&ClaimFacts, Verdict)],
    cfg: &DetectConfig,
    now: &str,
    out: &mut DetectOutcome,
) -> rusqlite::Result<Vec<i64>> {
    let ids: Vec<i64> = std::iter::once(c.id).chain(findings.iter().map(|(o, _)| o.id)).collect();
    load_members(db.conn, members, &ids)?;
    let mut created: Vec<i64> = Vec::new();
    let mut touched: Vec<i64> = Vec::new();
    for (other, v) in findings {
        let Some(kind) = v.kind() else { continue };
        let oldest = |claim: i64| {
            members[&claim]
                .iter()
                .filter(|m| m.kind == kind && m.event == v.event && fits(m.day, kind, [c, other], cfg))
                .min_by_key(|m| m.conflict)
                .copied()
        };
        let joined = match oldest(other.id).or_else(|| oldest(c.id)) {
            Some(m) => m,
            None => {
                let day = conflict_day(c, other);
                let day_text = day.map(crate::db::DayText::new);
                db.conflict.run(&values![
                    kind.name(),
                    v.event,
                    explain(v.rule, c, other, cfg.window_hours).as_str(),
                    now,
                    day_text.as_ref()
                ])?;
                out.conflicts_created += 1;
                let id = db.conn.last_insert_rowid();
                created.push(id);
                Membership { conflict: id, kind, event: v.event, day: day.map(day_number) }
            }
        };
        let conflict = joined.conflict;
        // Most pairs found are between claims already in the conflict: sides are put
        // into words only for a claim that joins.
        let mut both_sides: Option<(Cow<str>, Cow<str>)> = None;
        for (claim, is_new) in [(other.id, false), (c.id, true)] {
            let list = members.entry(claim).or_default();
            if list.iter().any(|m| m.conflict == conflict) {
                continue;
            }
            list.push(joined);
            let (side_c, side_o) = both_sides.get_or_insert_with(|| sides(v.rule, c, other));
            let side: &str = if is_new { side_c } else { side_o };
            // The pair that attached the claim, not its reason in words: `Reasons` writes
            // them from the pair when they are read.
            db.member.run(&values![conflict, claim, side, c.id, other.id, cfg.window_hours, now])?;
            if !created.contains(&conflict) {
                out.claims_attached += 1;
                touched.push(conflict);
            }
        }
    }
    Ok(touched)
}

/// Which side of the disagreement claim `a` and claim `b` are on, as stored in
/// `conflict_claims.side`: put into words only for the pairs stored.
fn sides<'a>(rule: Rule, a: &'a ClaimFacts, b: &'a ClaimFacts) -> (Cow<'a, str>, Cow<'a, str>) {
    let (side_a, side_b) = match rule {
        Rule::Date => return (day(a).into(), day(b).into()),
        Rule::Denial if a.polarity == "asserted" => ("asserted", "denied"),
        Rule::Denial => ("denied", "asserted"),
        Rule::Control => (a.actor_side.as_str(), b.actor_side.as_str()),
        Rule::Numeric => match (&a.quantity, &b.quantity) {
            (Some((alo, ..)), Some((blo, ..))) if alo > blo => ("higher figure", "lower figure"),
            _ => ("lower figure", "higher figure"),
        },
        Rule::AgreesOnCount | Rule::AgreesOnEvent | Rule::AgreesOnControl => ("a", "b"),
    };
    (side_a.into(), side_b.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        id: i64,
        claimant: &str,
        polarity: &str,
        event: EventType,
        date: &str,
        places: Vec<ClaimPlace>,
    ) -> ClaimFacts {
        let mut f = ClaimFacts {
            id,
            article_id: id,
            statement_id: id,
            claimant: claimant.into(),
            claimant_key: claimant.into(),
            claimant_side: "local".into(),
            polarity: polarity.into(),
            event,
            actor_side: "government".into(),
            date: date.parse().ok(),
            days: date.parse().ok().map(day_number),
            date_source: "publication".into(),
            date_precision: "day".into(),
            published: date.parse().ok(),
            quantity: None,
            places,
            place_ids: [0; INLINE_PLACES],
        };
        f.index_places();
        f
    }

    fn place(id: i64, name: &str, kind: &str, ancestors: &[i64]) -> ClaimPlace {
        ClaimPlace {
            id,
            name: name.into(),
            kind: kind.into(),
            near: false,
            broad: false,
            ancestors: ancestors.into(),
            surface: name.into(),
            fuzzy: None,
        }
    }

    fn palmyra() -> ClaimPlace {
        place(3, "Tadmur", "city", &[11, 1])
    }
    fn homs_gov() -> ClaimPlace {
        place(11, "Homs", "admin1", &[1])
    }
    fn daraa() -> ClaimPlace {
        place(4, "Daraa", "city", &[6, 1])
    }

    #[test]
    fn denial_in_governorate_containing_the_town() {
        let cfg = DetectConfig::default();
        let a = facts(1, "local sources", "asserted", EventType::Withdrawal, "2024-12-06", vec![palmyra()]);
        let b = facts(2, "military source", "denied", EventType::Withdrawal, "2024-12-06", vec![homs_gov()]);
        let f = judge(&a, &b, &cfg).unwrap();
        assert_eq!(f.kind, Some(ConflictKind::Denial));
        assert!(f.reason.contains("Tadmur lies in Homs governorate"), "{}", f.reason);
    }

    #[test]
    fn a_place_shared_past_the_inline_ids_is_still_the_same_place() {
        // Five places each: the one they share is the last, past the ids held inline.
        let others = |first: i64| (first..first + 4).map(|i| place(i, "x", "city", &[6, 1])).collect::<Vec<_>>();
        let mut a_places = others(100);
        a_places.push(palmyra());
        let mut b_places = others(200);
        b_places.push(palmyra());
        let mut a = facts(1, "SOHR", "asserted", EventType::Capture, "2024-12-06", a_places);
        let mut b = facts(2, "SANA", "asserted", EventType::Capture, "2024-12-08", b_places);
        for c in [&mut a, &mut b] {
            c.date_source = "explicit".into();
            c.actor_side = "opposition".into();
        }
        assert!(!shares_a_place(&a, &b));
        assert!(place_link(&a, &b).is_some_and(|l| l.same));
        assert_eq!(verdict(&a, &b, &DetectConfig::default(), true).map(|v| v.rule), Some(Rule::Date));
        // Within the inline ids, the same verdict.
        a.places.retain(|p| p.id == 3);
        b.places.retain(|p| p.id == 3);
        a.index_places();
        b.index_places();
        assert!(shares_a_place(&a, &b));
        assert_eq!(verdict(&a, &b, &DetectConfig::default(), true).map(|v| v.rule), Some(Rule::Date));
    }

    #[test]
    fn claimant_keys_compare_by_their_words() {
        let a = Key::from("actor:SANA");
        assert_eq!(a, Key::new(Word::from("actor:SANA")));
        assert_ne!(a, Key::from("actor:SOHR"));
        assert!(a == "actor:SANA");
    }

    #[test]
    fn look_alikes_are_not_conflicts() {
        let cfg = DetectConfig::default();
        let a = facts(1, "local sources", "asserted", EventType::Withdrawal, "2024-12-06", vec![palmyra()]);
        // different places
        let b = facts(2, "army", "denied", EventType::Withdrawal, "2024-12-06", vec![daraa()]);
        assert_eq!(judge(&a, &b, &cfg), None);
        // a situation that changed days later
        let b = facts(2, "army", "denied", EventType::Withdrawal, "2024-12-02", vec![palmyra()]);
        assert_eq!(judge(&a, &b, &cfg), None);
        // same claimant repeating itself
        let b = facts(2, "local sources", "denied", EventType::Withdrawal, "2024-12-06", vec![palmyra()]);
        assert_eq!(judge(&a, &b, &cfg), None);
        // denial of a different aspect: another event type
        let b = facts(2, "army", "denied", EventType::Casualties, "2024-12-06", vec![palmyra()]);
        assert_eq!(judge(&a, &b, &cfg), None);
        // agreeing report: corroboration
        let b = facts(2, "SOHR", "asserted", EventType::Withdrawal, "2024-12-06", vec![palmyra()]);
        let agreement = judge(&a, &b, &cfg).unwrap();
        assert_eq!(agreement.kind, None);
        assert_eq!(agreement.reason, "agrees: both assert the withdrawal; same place: Tadmur");
    }

    #[test]
    fn numbers_conflict_only_outside_each_others_range() {
        let cfg = DetectConfig::default();
        let mut a = facts(1, "SOHR", "asserted", EventType::Casualties, "2024-12-06", vec![palmyra()]);
        let mut b = facts(2, "SANA", "asserted", EventType::Casualties, "2024-12-06", vec![palmyra()]);
        a.quantity = Some((40.0, f64::INFINITY, "people".into(), "killed".into()));
        b.quantity = Some((5.0, 5.0, "people".into(), "killed".into()));
        assert_eq!(judge(&a, &b, &cfg).unwrap().kind, Some(ConflictKind::Numeric));
        a.quantity = Some((20.0, 30.0, "people".into(), "killed".into()));
        b.quantity = Some((22.5, 27.5, "people".into(), "killed".into()));
        assert_eq!(judge(&a, &b, &cfg).unwrap().kind, None);
        assert!(ranges_overlap((40.0, 40.0), (42.0, 42.0)), "tolerance joins 40 and 42");
    }

    #[test]
    fn facts_are_loaded_in_the_order_asked_with_their_places() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(&dir.path().join("t.db"), crate::lexicon::Lexicon::shared()).unwrap();
        conn.execute_batch(
            "INSERT INTO articles (id, content_hash, source, lang, body, ingested_at) VALUES (1, 'h', 's', 'en', 'b', 'now');
             INSERT INTO statements (id, article_id, position, paragraph, span_start, span_end, kind, text)
                    VALUES (1, 1, 0, 0, 0, 1, 'sentence', 'b');",
        )
        .unwrap();
        for id in 1..=4 {
            conn.execute(
                "INSERT INTO claims (id, statement_id, article_id, claimant, claimant_side, polarity, modality, event_type,
                                     date_precision, date_source, claimant_key, clause_start, clause_end)
                 VALUES (?1, 1, 1, 'SANA', 'government', 'denied', 'certain', 'withdrawal', 'unknown', 'unknown', 'sana', 0, 1)",
                [id],
            )
            .unwrap();
        }
        // Claim 3 names two places, claim 1 one, claims 2 and 4 none.
        for (claim, place) in [(3, 169577), (3, 163843), (1, 169577)] {
            conn.execute(
                "INSERT INTO claim_places (claim_id, place_id, surface, match_kind, score, precision, event_type)
                 VALUES (?1, ?2, 'x', 'exact', 1.0, 'city', 'withdrawal')",
                [claim, place],
            )
            .unwrap();
        }
        let facts = load_facts(&conn, &[3, 9, 1, 3, 4], &mut Known::default()).unwrap();
        let got: Vec<(i64, Vec<i64>)> = facts.iter().map(|f| (f.id, f.places.iter().map(|p| p.id).collect())).collect();
        assert_eq!(got, vec![(3, vec![163843, 169577]), (1, vec![169577]), (4, vec![])]);
    }

    #[test]
    fn a_full_cache_of_facts_reads_again_the_cached_ids_it_drops() {
        let mut cached: HashMap<i64, ClaimFacts> = HashMap::default();
        for id in [1, 2] {
            cached.insert(id, facts(id, "SANA", "asserted", EventType::Withdrawal, "2024-12-06", vec![palmyra()]));
        }
        assert_eq!(facts_to_read(&cached, &[2, 3], 3), (false, vec![3]));
        // 1 and 2 cached, 3 and 4 missing, room for 3: afresh, and 2 is read again.
        assert_eq!(facts_to_read(&cached, &[2, 3, 4, 2], 3), (true, vec![2, 3, 4]));
    }

    #[test]
    fn control_needs_opposite_sides_and_window_is_configurable() {
        let a = facts(1, "HTS", "asserted", EventType::Capture, "2024-12-05", vec![palmyra()]);
        let mut b = facts(2, "SANA", "asserted", EventType::Capture, "2024-12-05", vec![palmyra()]);
        let mut a2 = a.clone();
        a2.actor_side = "opposition".into();
        assert_eq!(judge(&a2, &b, &DetectConfig::default()).unwrap().kind, Some(ConflictKind::Control));
        b.date = "2024-12-08".parse().ok();
        b.days = b.date.map(day_number);
        assert_eq!(judge(&a2, &b, &DetectConfig::default()), None);
        assert!(judge(&a2, &b, &DetectConfig { window_hours: 96 }).is_some());
    }

    #[test]
    fn date_conflict_on_explicit_days() {
        let mut a = facts(1, "Anadolu", "asserted", EventType::Capture, "2024-12-05", vec![palmyra()]);
        let mut b = facts(2, "France 24", "asserted", EventType::Capture, "2024-12-07", vec![palmyra()]);
        a.date_source = "explicit".into();
        b.date_source = "explicit".into();
        assert_eq!(judge(&a, &b, &DetectConfig::default()).unwrap().kind, Some(ConflictKind::Date));
    }
}
