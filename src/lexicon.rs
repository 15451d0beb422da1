//! Language data: cue words, attribution verbs, event triggers and actors, loaded from the
//! TOML files under `data/` (built into the binary) plus a user folder that extends them.
//!
//! Everything the extractor knows about French or English wording lives here as data, so a
//! new cue is an edit to a data file, never to code.

use std::collections::BTreeMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
// Looked up once per word of every sentence: FxHash, not SipHash (see pattern.rs).
use regex::{Regex, RegexSet};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;

use crate::article::Lang;
use crate::pattern::{PatternError, PatternSet, WordMap};
use crate::text::{fold, words};

const FR: &str = include_str!("../data/lexicon/fr.toml");
const EN: &str = include_str!("../data/lexicon/en.toml");
const ACTORS: &str = include_str!("../data/actors.toml");

/// The event types of claims-spec §4. `Other` is a statement with no recognised event: it is
/// stored as a claim (someone said it) but never compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    Withdrawal,
    Capture,
    Entry,
    Advance,
    Strike,
    Defection,
    Deployment,
    Destruction,
    Casualties,
    Departure,
    Suspension,
    Call,
    Other,
}

pub const EVENT_TYPES: [EventType; 13] = [
    EventType::Withdrawal,
    EventType::Capture,
    EventType::Entry,
    EventType::Advance,
    EventType::Strike,
    EventType::Defection,
    EventType::Deployment,
    EventType::Destruction,
    EventType::Casualties,
    EventType::Departure,
    EventType::Suspension,
    EventType::Call,
    EventType::Other,
];

impl EventType {
    pub fn name(self) -> &'static str {
        match self {
            EventType::Withdrawal => "withdrawal",
            EventType::Capture => "capture",
            EventType::Entry => "entry",
            EventType::Advance => "advance",
            EventType::Strike => "strike",
            EventType::Defection => "defection",
            EventType::Deployment => "deployment",
            EventType::Destruction => "destruction",
            EventType::Casualties => "casualties",
            EventType::Departure => "departure",
            EventType::Suspension => "suspension",
            EventType::Call => "call",
            EventType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EVENT_TYPES.iter().copied().find(|e| e.name() == s)
    }

    /// Whether claims of this type can be checked against each other at all.
    pub fn is_checkable(self) -> bool {
        !matches!(self, EventType::Call | EventType::Other)
    }
}

/// Sides of claims-spec §2.
pub const SIDES: [&str; 8] =
    ["government", "opposition", "kurdish-led", "monitor", "foreign-government", "media", "local", "unknown"];

#[derive(Debug, Clone, Deserialize)]
pub struct ActorEntry {
    pub name: String,
    pub side: String,
    #[serde(default = "default_kind")]
    pub kind: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

fn default_kind() -> String {
    "other".into()
}

#[derive(Debug, Deserialize, Default)]
struct ActorsFile {
    #[serde(default)]
    actor: Vec<ActorEntry>,
}

/// The raw shape of a language file; every section optional so user files can be partial.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct LangFile {
    statements: StatementsSection,
    attribution: AttributionSection,
    polarity: PolaritySection,
    modality: ModalitySection,
    clauses: ClausesSection,
    events: BTreeMap<String, Vec<String>>,
    places: PlacesSection,
    time: TimeSection,
    quantity: QuantitySection,
    words: WordsSection,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct WordsSection {
    stopwords: Vec<String>,
    place_prepositions: Vec<String>,
    determiners: Vec<String>,
    list_connectors: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct StatementsSection {
    boilerplate: Vec<String>,
    bullet_intro: Vec<String>,
    abbreviations: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct AttributionSection {
    say: Vec<String>,
    according: Vec<String>,
    relay_active: Vec<String>,
    relay_passive: Vec<String>,
    relay_link: Vec<String>,
    addressee: Vec<String>,
    verbs_with_addressee: Vec<String>,
    not_a_speaker: Vec<String>,
    unattributed: Vec<String>,
    complementizer: Vec<String>,
    infinitive_markers: Vec<String>,
    pronouns: Vec<String>,
    back_reference: Vec<String>,
    own_forces: Vec<String>,
    allegiance: Vec<String>,
    relative_pronouns: Vec<String>,
    relative_subjects: Vec<String>,
    auxiliaries: Vec<String>,
    determiners: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct PolaritySection {
    denial_verbs: Vec<String>,
    denial_words: Vec<String>,
    report_nouns: Vec<String>,
    pointer: Vec<String>,
    negators: Vec<String>,
    negation_tails: Vec<String>,
    not_an_event_negation: Vec<String>,
    hypothetical: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct ModalitySection {
    hedges: Vec<String>,
    conditional_endings: Vec<String>,
    conditional_exceptions: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct ClausesSection {
    separators: Vec<String>,
    frame_separators: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct PlacesSection {
    admin1_before: Vec<String>,
    admin1_after: Vec<String>,
    city_before: Vec<String>,
    city_after: Vec<String>,
    near: Vec<String>,
    this_city: Vec<String>,
    capital: Vec<String>,
    not_a_place_after: Vec<String>,
    not_a_place_before: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct TimeSection {
    months: BTreeMap<String, u32>,
    weekdays: BTreeMap<String, u32>,
    relative_days: BTreeMap<String, i64>,
    day_markers: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct QuantitySection {
    approx: Vec<String>,
    at_least: Vec<String>,
    at_most: Vec<String>,
    between: Vec<String>,
    between_and: Vec<String>,
    vague: BTreeMap<String, [f64; 2]>,
    numbers: BTreeMap<String, f64>,
    people: Vec<String>,
    distance: Vec<String>,
    killed: Vec<String>,
    wounded: Vec<String>,
    displaced: Vec<String>,
}

/// Roles a cue can play in attribution and polarity, so one scan finds them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    Say,
    According,
    RelayActive,
    RelayPassive,
    /// "quoted a source *as* saying", "a cité une source *qui* a affirmé": joins the quoted
    /// source to its verb; not part of the source's name.
    RelayLink,
    /// "à l'AFP", "to AFP": opens the one spoken to, who is not the speaker.
    Addressee,
    /// "told Al Jazeera": a verb whose object is the one spoken to.
    AddresseeVerb,
    /// "which", "qui" as the subject of a verb: speaks for the phrase before it.
    RelativeSubject,
    /// "these events", "les chiffres": a subject that cannot speak, whatever its verb.
    NotASpeaker,
    Unattributed,
    Complementizer,
    Infinitive,
    Pronoun,
    BackReference,
    /// "ses forces", "its troops": the speaker's own side.
    OwnForces,
    /// "loyal to", "soutenus par": the actor named next is not the one acting.
    Allegiance,
    Auxiliary,
    Determiner,
    DenialVerb,
    DenialWord,
    ReportNoun,
    Pointer,
    Negator,
    NegationTail,
    Hedge,
    BulletIntro,
    /// A condition or a future: "would", "if", "pourrait": nothing happened yet.
    Hypothetical,
}

/// Place cues around a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceCue {
    Admin1Before,
    Admin1After,
    CityBefore,
    CityAfter,
    Near,
    ThisCity,
    /// "the capital": the largest city of the country in context.
    Capital,
    /// "Britain-based", "Iran-backed": the name qualifies someone, it is not where things happen.
    NotAPlaceAfter,
    /// "soutenus par l'Iran", "backed by the US": the same, the other way round.
    NotAPlaceBefore,
}

/// Quantity cues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityCue {
    Approx,
    AtLeast,
    AtMost,
    Between,
    BetweenAnd,
    People,
    Distance,
    Killed,
    Wounded,
    Displaced,
}

/// Compiled lexicon for one language.
#[derive(Debug)]
pub struct LangLexicon {
    pub lang: Lang,
    /// Page furniture, as one set: every line and sentence is tested, and one pass of a
    /// set costs less than a pass of each pattern.
    pub boilerplate: RegexSet,
    pub cues: PatternSet<Cue>,
    pub events: PatternSet<EventType>,
    pub places: PatternSet<PlaceCue>,
    pub quantity: PatternSet<QuantityCue>,
    pub vague: PatternSet<(f64, f64)>,
    /// Numbers written as words ("five", "cinq"), folded.
    pub number_words: HashMap<String, f64>,
    pub clause_separators: Separators,
    /// Folded substrings where a second attribution frame may start (", ce que", ", which").
    pub frame_separators: Separators,
    pub conditional_endings: Vec<String>,
    pub conditional_exceptions: Vec<String>,
    pub months: WordMap<u32>,
    pub weekdays: WordMap<u32>,
    pub relative_days: PatternSet<i64>,
    pub day_markers: Vec<String>,
    /// Every folded word the lexicon knows, to keep them from being taken for place names.
    pub known_words: HashSet<String>,
    pub place_prepositions: HashSet<String>,
    /// Words that may stand between a cue and the name it governs ("loyal to the ...").
    pub determiners: HashSet<String>,
    /// Words that join the items of a list of places ("de Sukhna, de Farqlas et de Palmyre").
    pub list_connectors: HashSet<String>,
    /// Words that open a relative clause ("which", "ce que"): not part of a claimant's name.
    pub relative_pronouns: HashSet<String>,
    /// Words after a name that make it a qualifier ("Turkey-backed", "Iran-aligned").
    pub not_an_actor_after: HashSet<String>,
    /// Folded abbreviations after which a period does not end a sentence ("m", "gen", "u s").
    pub abbreviations: HashSet<String>,
}

/// Folded substrings where a sentence is cut ("; ", ", which "), all found in one pass of
/// one automaton: searching for each in turn built a searcher per separator per clause, and
/// was a tenth of extraction.
#[derive(Debug)]
pub struct Separators {
    automaton: AhoCorasick,
}

impl Separators {
    fn new(entries: &[String], file: &str) -> Result<Separators, LexiconError> {
        let folded: Vec<String> = entries.iter().map(|s| fold(s)).collect();
        if folded.iter().any(String::is_empty) {
            return Err(LexiconError { file: file.into(), reason: "a clause separator is empty".into() });
        }
        // Standard semantics: every occurrence of every separator, overlapping ones included.
        // A DFA (a few KB for a few separators), and no prefilter: separators start with a
        // comma, a semicolon or a space (" but "), and a prefilter stopping at every space
        // cost more than it skipped.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&folded)
            .map_err(|e| LexiconError { file: file.into(), reason: format!("clause separators: {e}") })?;
        Ok(Separators { automaton })
    }

    /// Where the separators occur in `text`, as (start, length): for each separator, its
    /// occurrences from left to right that do not overlap one another, as repeated
    /// `str::find` gives them; in no particular order across separators.
    pub fn find_in(&self, text: &str) -> Vec<(usize, usize)> {
        // Per separator, where its next occurrence may start.
        let mut free_from = vec![0; self.automaton.patterns_len()];
        let mut out = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let next = &mut free_from[m.pattern().as_usize()];
            if m.start() >= *next {
                *next = m.end();
                out.push((m.start(), m.len()));
            }
        }
        out
    }
}

/// An actor known to the lexicon.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub side: String,
    pub kind: String,
}

/// A match of an actor alias in a text, in original byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorMention {
    pub actor: usize,
    pub start: usize,
    pub end: usize,
}

/// All actors, with one automaton over every alias.
#[derive(Debug)]
pub struct Actors {
    pub actors: Vec<Actor>,
    aliases: Vec<(usize, bool)>, // (actor index, case-sensitive)
    alias_text: Vec<String>,
    automaton: AhoCorasick,
}

/// Everything the extractor needs.
#[derive(Debug)]
pub struct Lexicon {
    pub fr: LangLexicon,
    pub en: LangLexicon,
    pub actors: Actors,
}

/// A problem in a lexicon file, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("lexicon {file}: {reason}")]
pub struct LexiconError {
    pub file: String,
    pub reason: String,
}

impl Lexicon {
    /// The built-in lexicon, extended by the files in `user_dir` (fr.toml, en.toml,
    /// actors.toml), when given.
    pub fn load(user_dir: Option<&Path>) -> Result<Lexicon, LexiconError> {
        let mut fr: LangFile = parse_toml("data/lexicon/fr.toml", FR)?;
        let mut en: LangFile = parse_toml("data/lexicon/en.toml", EN)?;
        let mut actors: ActorsFile = parse_toml("data/actors.toml", ACTORS)?;
        if let Some(dir) = user_dir {
            for (name, target) in [("fr.toml", &mut fr), ("en.toml", &mut en)] {
                let path = dir.join(name);
                if path.exists() {
                    let text = read_user(&path)?;
                    let extra: LangFile = parse_toml(&path.display().to_string(), &text)?;
                    target.extend(extra);
                }
            }
            let path = dir.join("actors.toml");
            if path.exists() {
                let text = read_user(&path)?;
                let extra: ActorsFile = parse_toml(&path.display().to_string(), &text)?;
                merge_actors(&mut actors.actor, extra.actor);
            }
        }
        let mut fr = compile(Lang::Fr, fr, "fr.toml")?;
        let mut en = compile(Lang::En, en, "en.toml")?;
        // Page furniture crosses languages ("Table of Contents" on a French page).
        let both = |a: &RegexSet, b: &RegexSet| {
            RegexSet::new(a.patterns().iter().chain(b.patterns()))
                .map_err(|e| LexiconError { file: "fr.toml, en.toml".into(), reason: format!("boilerplate: {e}") })
        };
        (fr.boilerplate, en.boilerplate) =
            (both(&fr.boilerplate, &en.boilerplate)?, both(&en.boilerplate, &fr.boilerplate)?);
        Ok(Lexicon {
            fr,
            en,
            actors: Actors::new(actors.actor).map_err(|reason| LexiconError { file: "actors.toml".into(), reason })?,
        })
    }

    /// The built-in lexicon, loaded once per process.
    pub fn shared() -> &'static Lexicon {
        static SHARED: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| Lexicon::load(None).expect("built-in lexicon is valid"))
    }

    pub fn lang(&self, lang: Lang) -> &LangLexicon {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

fn read_user(path: &Path) -> Result<String, LexiconError> {
    std::fs::read_to_string(path).map_err(|e| LexiconError { file: path.display().to_string(), reason: e.to_string() })
}

fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, LexiconError> {
    toml::from_str(text).map_err(|e| LexiconError { file: file.to_string(), reason: e.to_string() })
}

fn merge_actors(base: &mut Vec<ActorEntry>, extra: Vec<ActorEntry>) {
    for e in extra {
        match base.iter_mut().find(|b| b.name.eq_ignore_ascii_case(&e.name)) {
            Some(b) => {
                b.aliases.extend(e.aliases);
                b.side = e.side;
                b.kind = e.kind;
            }
            None => base.push(e),
        }
    }
}

impl LangFile {
    fn extend(&mut self, o: LangFile) {
        let s = &mut self.statements;
        s.boilerplate.extend(o.statements.boilerplate);
        s.bullet_intro.extend(o.statements.bullet_intro);
        s.abbreviations.extend(o.statements.abbreviations);
        let a = &mut self.attribution;
        let oa = o.attribution;
        a.say.extend(oa.say);
        a.according.extend(oa.according);
        a.relay_active.extend(oa.relay_active);
        a.relay_passive.extend(oa.relay_passive);
        a.relay_link.extend(oa.relay_link);
        a.addressee.extend(oa.addressee);
        a.verbs_with_addressee.extend(oa.verbs_with_addressee);
        a.not_a_speaker.extend(oa.not_a_speaker);
        a.unattributed.extend(oa.unattributed);
        a.complementizer.extend(oa.complementizer);
        a.infinitive_markers.extend(oa.infinitive_markers);
        a.pronouns.extend(oa.pronouns);
        a.back_reference.extend(oa.back_reference);
        a.own_forces.extend(oa.own_forces);
        a.allegiance.extend(oa.allegiance);
        a.relative_pronouns.extend(oa.relative_pronouns);
        a.relative_subjects.extend(oa.relative_subjects);
        a.auxiliaries.extend(oa.auxiliaries);
        a.determiners.extend(oa.determiners);
        let p = &mut self.polarity;
        let op = o.polarity;
        p.denial_verbs.extend(op.denial_verbs);
        p.denial_words.extend(op.denial_words);
        p.report_nouns.extend(op.report_nouns);
        p.pointer.extend(op.pointer);
        p.negators.extend(op.negators);
        p.negation_tails.extend(op.negation_tails);
        p.not_an_event_negation.extend(op.not_an_event_negation);
        p.hypothetical.extend(op.hypothetical);
        self.modality.hedges.extend(o.modality.hedges);
        self.modality.conditional_endings.extend(o.modality.conditional_endings);
        self.modality.conditional_exceptions.extend(o.modality.conditional_exceptions);
        self.clauses.separators.extend(o.clauses.separators);
        self.clauses.frame_separators.extend(o.clauses.frame_separators);
        for (k, v) in o.events {
            self.events.entry(k).or_default().extend(v);
        }
        let pl = &mut self.places;
        pl.admin1_before.extend(o.places.admin1_before);
        pl.admin1_after.extend(o.places.admin1_after);
        pl.city_before.extend(o.places.city_before);
        pl.city_after.extend(o.places.city_after);
        pl.near.extend(o.places.near);
        pl.this_city.extend(o.places.this_city);
        pl.capital.extend(o.places.capital);
        pl.not_a_place_after.extend(o.places.not_a_place_after);
        pl.not_a_place_before.extend(o.places.not_a_place_before);
        self.time.months.extend(o.time.months);
        self.time.weekdays.extend(o.time.weekdays);
        self.time.relative_days.extend(o.time.relative_days);
        self.time.day_markers.extend(o.time.day_markers);
        let q = &mut self.quantity;
        let oq = o.quantity;
        q.approx.extend(oq.approx);
        q.at_least.extend(oq.at_least);
        q.at_most.extend(oq.at_most);
        q.between.extend(oq.between);
        q.between_and.extend(oq.between_and);
        q.vague.extend(oq.vague);
        q.numbers.extend(oq.numbers);
        q.people.extend(oq.people);
        q.distance.extend(oq.distance);
        q.killed.extend(oq.killed);
        q.wounded.extend(oq.wounded);
        q.displaced.extend(oq.displaced);
        self.words.stopwords.extend(o.words.stopwords);
        self.words.place_prepositions.extend(o.words.place_prepositions);
        self.words.determiners.extend(o.words.determiners);
        self.words.list_connectors.extend(o.words.list_connectors);
    }
}

fn add_all<T: Copy>(set: &mut PatternSet<T>, entries: &[String], tag: T, file: &str) -> Result<(), LexiconError> {
    for e in entries {
        set.add(e, tag).map_err(|PatternError { entry, reason }| LexiconError {
            file: file.to_string(),
            reason: format!("pattern \"{entry}\": {reason}"),
        })?;
    }
    Ok(())
}

fn compile(lang: Lang, f: LangFile, file: &str) -> Result<LangLexicon, LexiconError> {
    let boilerplate = f
        .statements
        .boilerplate
        .iter()
        .map(|r| {
            Regex::new(r).map_err(|e| LexiconError { file: file.into(), reason: format!("boilerplate {r:?}: {e}") })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let boilerplate = RegexSet::new(boilerplate.iter().map(Regex::as_str))
        .map_err(|e| LexiconError { file: file.into(), reason: format!("boilerplate: {e}") })?;

    let mut cues = PatternSet::new();
    let a = &f.attribution;
    let p = &f.polarity;
    for (entries, cue) in [
        (&a.say, Cue::Say),
        (&a.according, Cue::According),
        (&a.relay_active, Cue::RelayActive),
        (&a.relay_passive, Cue::RelayPassive),
        (&a.relay_link, Cue::RelayLink),
        (&a.addressee, Cue::Addressee),
        (&a.relative_subjects, Cue::RelativeSubject),
        (&a.verbs_with_addressee, Cue::AddresseeVerb),
        (&a.not_a_speaker, Cue::NotASpeaker),
        (&a.unattributed, Cue::Unattributed),
        (&a.complementizer, Cue::Complementizer),
        (&a.infinitive_markers, Cue::Infinitive),
        (&a.pronouns, Cue::Pronoun),
        (&a.back_reference, Cue::BackReference),
        (&a.own_forces, Cue::OwnForces),
        (&a.allegiance, Cue::Allegiance),
        (&a.auxiliaries, Cue::Auxiliary),
        (&a.determiners, Cue::Determiner),
        (&p.denial_verbs, Cue::DenialVerb),
        (&p.denial_words, Cue::DenialWord),
        (&p.report_nouns, Cue::ReportNoun),
        (&p.pointer, Cue::Pointer),
        (&p.negators, Cue::Negator),
        (&p.negation_tails, Cue::NegationTail),
        (&f.modality.hedges, Cue::Hedge),
        (&f.statements.bullet_intro, Cue::BulletIntro),
        (&p.hypothetical, Cue::Hypothetical),
    ] {
        add_all(&mut cues, entries, cue, file)?;
    }

    let mut events = PatternSet::new();
    for (name, triggers) in &f.events {
        let ev = EventType::parse(name)
            .ok_or_else(|| LexiconError { file: file.into(), reason: format!("unknown event type [events.{name}]") })?;
        add_all(&mut events, triggers, ev, file)?;
    }

    let mut places = PatternSet::new();
    let pl = &f.places;
    for (entries, cue) in [
        (&pl.admin1_before, PlaceCue::Admin1Before),
        (&pl.admin1_after, PlaceCue::Admin1After),
        (&pl.city_before, PlaceCue::CityBefore),
        (&pl.city_after, PlaceCue::CityAfter),
        (&pl.near, PlaceCue::Near),
        (&pl.this_city, PlaceCue::ThisCity),
        (&pl.capital, PlaceCue::Capital),
        (&pl.not_a_place_after, PlaceCue::NotAPlaceAfter),
        (&pl.not_a_place_before, PlaceCue::NotAPlaceBefore),
    ] {
        add_all(&mut places, entries, cue, file)?;
    }

    let q = &f.quantity;
    let mut quantity = PatternSet::new();
    for (entries, cue) in [
        (&q.approx, QuantityCue::Approx),
        (&q.at_least, QuantityCue::AtLeast),
        (&q.at_most, QuantityCue::AtMost),
        (&q.between, QuantityCue::Between),
        (&q.between_and, QuantityCue::BetweenAnd),
        (&q.people, QuantityCue::People),
        (&q.distance, QuantityCue::Distance),
        (&q.killed, QuantityCue::Killed),
        (&q.wounded, QuantityCue::Wounded),
        (&q.displaced, QuantityCue::Displaced),
    ] {
        add_all(&mut quantity, entries, cue, file)?;
    }
    let mut vague = PatternSet::new();
    for (k, [lo, hi]) in &q.vague {
        vague.add(k, (*lo, *hi)).map_err(|e| LexiconError { file: file.into(), reason: e.to_string() })?;
    }
    let mut relative_days = PatternSet::new();
    for (k, d) in &f.time.relative_days {
        relative_days.add(k, *d).map_err(|e| LexiconError { file: file.into(), reason: e.to_string() })?;
    }

    let mut known_words = HashSet::default();
    let all_entries = [
        &a.say,
        &a.according,
        &a.unattributed,
        &a.pronouns,
        &a.auxiliaries,
        &a.determiners,
        &p.denial_verbs,
        &p.denial_words,
        &p.report_nouns,
        &p.pointer,
        &p.negators,
        &p.negation_tails,
        &f.modality.hedges,
    ];
    for list in all_entries {
        for e in list {
            known_words.extend(words(&e.replace('*', "")));
        }
    }
    for list in f.events.values() {
        for e in list {
            known_words.extend(words(&e.replace('*', "")));
        }
    }
    known_words.extend(f.time.months.keys().cloned());
    known_words.extend(f.time.weekdays.keys().cloned());
    for w in &f.words.stopwords {
        known_words.extend(words(w));
    }
    let place_prepositions = f.words.place_prepositions.iter().flat_map(|w| words(w)).collect();

    Ok(LangLexicon {
        lang,
        boilerplate,
        cues,
        events,
        places,
        quantity,
        vague,
        number_words: q.numbers.iter().map(|(k, v)| (fold(k), *v)).collect(),
        clause_separators: Separators::new(&f.clauses.separators, file)?,
        frame_separators: Separators::new(&f.clauses.frame_separators, file)?,
        conditional_endings: f.modality.conditional_endings.iter().map(|s| fold(s)).collect(),
        conditional_exceptions: f.modality.conditional_exceptions.iter().map(|s| fold(s)).collect(),
        months: f.time.months.into_iter().map(|(k, v)| (fold(&k), v)).collect(),
        weekdays: f.time.weekdays.into_iter().map(|(k, v)| (fold(&k), v)).collect(),
        relative_days,
        day_markers: f.time.day_markers.iter().map(|s| fold(s)).collect(),
        known_words,
        place_prepositions,
        determiners: f.words.determiners.iter().flat_map(|w| words(w)).collect(),
        list_connectors: f.words.list_connectors.iter().flat_map(|w| words(w)).collect(),
        abbreviations: f.statements.abbreviations.iter().map(|a| words(a).join(" ")).collect(),
        not_an_actor_after: pl.not_a_place_after.iter().flat_map(|w| words(w)).collect(),
        relative_pronouns: a.relative_pronouns.iter().flat_map(|w| words(w)).collect(),
    })
}

/// Whether an alias must match with its exact case: acronyms such as "US", "AP" or "ANS"
/// would otherwise match the words "us", "ap", "ans".
fn is_acronym(alias: &str) -> bool {
    let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase())
}

impl Actors {
    fn new(entries: Vec<ActorEntry>) -> Result<Actors, String> {
        let mut actors = Vec::new();
        let mut aliases = Vec::new();
        let mut alias_text = Vec::new();
        let mut patterns = Vec::new();
        for e in entries {
            if !SIDES.contains(&e.side.as_str()) {
                return Err(format!("actor \"{}\": unknown side \"{}\" (one of {})", e.name, e.side, SIDES.join(", ")));
            }
            let idx = actors.len();
            let mut names = e.aliases.clone();
            names.push(e.name.clone());
            for alias in names {
                let folded = fold(alias.trim());
                if folded.is_empty() {
                    continue;
                }
                aliases.push((idx, is_acronym(&alias)));
                alias_text.push(alias.trim().to_string());
                patterns.push(folded);
            }
            actors.push(Actor { name: e.name, side: e.side, kind: e.kind });
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(automaton_kind(&patterns))
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        Ok(Actors { actors, aliases, alias_text, automaton })
    }

    /// Actor mentions in `original` (whose folded form is `folded`), whole words only.
    pub fn find(&self, original: &str, folded: &crate::text::Folded) -> Vec<ActorMention> {
        let text = &folded.text;
        let mut out: Vec<ActorMention> = Vec::new();
        for m in self.automaton.find_iter(text) {
            if !is_word_boundary(text, m.start(), m.end()) {
                continue;
            }
            let (actor, case_sensitive) = self.aliases[m.pattern().as_usize()];
            let start = folded.original(m.start());
            let end = folded.original_end(m.end(), original);
            // A bare common noun ("army", "armée", "rebels") after a capitalised word belongs
            // to that name ("the Lebanese army", "Free Syrian Army" is its own alias).
            let alias = &self.alias_text[m.pattern().as_usize()];
            if alias.chars().next().is_some_and(char::is_lowercase) {
                let before = original[..start].trim_end();
                // "Russia's defence ministry" is Russia's.
                let before = before.strip_suffix("'s").or_else(|| before.strip_suffix("’s")).unwrap_or(before);
                let prev_word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                let sentence_start = before.trim_end_matches(|c: char| !c.is_alphanumeric()).is_empty()
                    || before.ends_with(['.', '!', '?', ':', '«', '"', '“']);
                if !sentence_start
                    && prev_word.chars().next().is_some_and(char::is_uppercase)
                    && before.len() > prev_word.len()
                {
                    continue;
                }
                // ... or to the actor named just before it ("Russia's defence ministry").
                if out.last().is_some_and(|p| p.end <= before.len() && before.len() <= p.end + 1) {
                    continue;
                }
            }
            if case_sensitive && original.get(start..end) != Some(self.alias_text[m.pattern().as_usize()].as_str()) {
                continue;
            }
            out.push(ActorMention { actor, start, end });
        }
        out
    }

    /// The aliases of actor `i`, as written in the data.
    pub fn aliases_of(&self, i: usize) -> Vec<&str> {
        self.aliases.iter().zip(&self.alias_text).filter(|((a, _), _)| *a == i).map(|(_, t)| t.as_str()).collect()
    }

    pub fn by_name(&self, name: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// Up to this many bytes of patterns, a name automaton (actors, gazetteer) is built as a
/// DFA: about 300 bytes of memory per byte of patterns (12 MB for the built-in gazetteer's
/// 40 KB of names), paid once per process, and it scans every sentence in half the
/// instructions of the NFA the crate picks for that many patterns. Above it (a gazetteer
/// grown by GeoNames imports) the crate chooses, so memory stays bounded.
pub const DFA_MAX_PATTERN_BYTES: usize = 64 * 1024;

/// The kind of automaton for a set of folded names: see `DFA_MAX_PATTERN_BYTES`.
pub fn automaton_kind(patterns: &[String]) -> Option<AhoCorasickKind> {
    let bytes: usize = patterns.iter().map(String::len).sum();
    (bytes <= DFA_MAX_PATTERN_BYTES).then_some(AhoCorasickKind::DFA)
}

/// True when `start..end` of `text` is not inside a longer word.
pub fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{tokenize, Folded};

    #[test]
    fn builtin_lexicon_compiles() {
        let lex = Lexicon::shared();
        assert!(lex.fr.events.len() > 50);
        assert!(lex.en.events.len() > 50);
        assert!(lex.actors.actors.len() > 10);
    }

    #[test]
    fn name_automata_are_dfas_up_to_the_pattern_bytes_limit() {
        assert_eq!(Lexicon::shared().actors.automaton.kind(), AhoCorasickKind::DFA);
        let at_limit = vec!["a".repeat(DFA_MAX_PATTERN_BYTES / 2); 2];
        assert_eq!(automaton_kind(&at_limit), Some(AhoCorasickKind::DFA));
        let above = vec!["a".repeat(DFA_MAX_PATTERN_BYTES / 2), "a".repeat(DFA_MAX_PATTERN_BYTES / 2 + 1)];
        assert_eq!(automaton_kind(&above), None);
    }

    #[test]
    fn acronyms_match_case_sensitively() {
        let lex = Lexicon::shared();
        let s = "Il nous a dit un mot, selon l'ONU et les US.";
        let f = Folded::new(s);
        let names: Vec<&str> = lex.actors.find(s, &f).iter().map(|m| &s[m.start..m.end]).collect();
        assert!(names.contains(&"ONU"));
        assert!(names.contains(&"US"));
        assert!(!names.contains(&"un"));
    }

    #[test]
    fn separators_are_found_as_repeated_str_find_finds_them() {
        let entries: Vec<String> =
            ["; ", "aa", "a", ", ce que ", ", ce que dément", " mais "].iter().map(|s| s.to_string()).collect();
        let seps = Separators::new(&entries, "test").unwrap();
        for text in ["aaaaa", "x; y; z, ce que dement, ce que b", " mais  mais mais ", "", "ba;  a"] {
            let mut expected = Vec::new();
            for sep in entries.iter().map(|e| fold(e)) {
                let mut at = 0;
                while let Some(p) = text[at..].find(sep.as_str()) {
                    expected.push((at + p, sep.len()));
                    at += p + sep.len();
                }
            }
            let mut found = seps.find_in(text);
            expected.sort_unstable();
            found.sort_unstable();
            assert_eq!(found, expected, "{text:?}");
        }
        assert!(Separators::new(&["".to_string()], "test").is_err());
    }

    #[test]
    fn event_triggers_cover_inflections() {
        let lex = Lexicon::shared();
        for (lang, s, ev) in [
            (Lang::Fr, "les forces se seraient retirées", EventType::Withdrawal),
            (Lang::Fr, "le retrait de l'armée", EventType::Withdrawal),
            (Lang::Fr, "ont pris le contrôle de la ville", EventType::Capture),
            (Lang::En, "troops withdrew from the town", EventType::Withdrawal),
            (Lang::En, "after the pullout", EventType::Withdrawal),
            (Lang::En, "rebels seized the airport", EventType::Capture),
        ] {
            let f = fold(s);
            let t = tokenize(&f);
            let hits = lex.lang(lang).events.find_leftmost_longest(&f, &t);
            assert_eq!(hits.first().map(|h| *h.tag), Some(ev), "{s}");
        }
    }

    #[test]
    fn user_folder_extends_builtin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("en.toml"), "[events]\nwithdrawal = [\"skedaddl*\"]\n").unwrap();
        std::fs::write(
            dir.path().join("actors.toml"),
            "[[actor]]\nname = \"Wagner\"\nside = \"foreign-government\"\nkind = \"armed\"\naliases = [\"Wagner Group\"]\n",
        )
        .unwrap();
        let lex = Lexicon::load(Some(dir.path())).unwrap();
        let f = fold("the troops skedaddled");
        assert!(lex.en.events.any(&f, &tokenize(&f)));
        assert!(lex.actors.by_name("Wagner").is_some());
        std::fs::write(dir.path().join("fr.toml"), "[events]\nbogus = [\"x\"]\n").unwrap();
        let err = Lexicon::load(Some(dir.path())).unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
    }
}
