//! From statements to sourced claims: attribution, polarity, modality, event, actor,
//! places, time and quantities (claims-spec §2-4).
//!
//! Pure: text in, values out. Nothing here prints or touches the database.

pub mod quantity;
pub mod time;

use std::ops::Range;

use crate::article::Article;
use crate::gazetteer::{Gazetteer, PlaceContext, PlaceMention};
use crate::lexicon::{ActorMention, Cue, EventType, LangLexicon, Lexicon};
use crate::pattern::Hit;
use crate::split::{Splitter, Statement};
use crate::text::{fold, tokenize, Folded, Token};

pub use quantity::Quantity;
pub use time::{DateSource, EventDate, Precision};

/// The claimant of a statement nobody is named for ("it was reported that").
pub const UNATTRIBUTED: &str = "unattributed";
/// At most this many words after the verb of a frame that closes the sentence ("said Thursday").
const CLOSING_FRAME_WORDS: usize = 4;
/// Bytes between "loyal to" and the name it qualifies ("loyal to ousted president Bashar al-Assad").
const ALLEGIANCE_GAP: usize = 30;
/// Bytes between an official's name and the trigger for the official to be its subject.
const OFFICIAL_SUBJECT_GAP: usize = 12;
/// How many statements back a claim that names no place looks for the place it is about.
const PLACE_CARRY_STATEMENTS: usize = 2;
/// Longest subject after the verb in an inverted frame ("..., a déclaré le porte-parole de l'armée").
const INVERTED_SUBJECT_MAX_WORDS: usize = 16;
/// Longest name before an apposition that closes a subject ("Rami Abdel Rahmane, directeur de l'OSDH,").
const APPOSED_NAME_MAX_WORDS: usize = 6;
/// How many words after a negator its tail may come ("ne s'est pas", "n'a jamais").
const NEGATION_REACH: usize = 3;
/// A "not a speaker" noun heads the subject when it starts at most this many words before
/// the subject's end ("the figures", "ces derniers chiffres").
const THING_SUBJECT_WORDS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    Asserted,
    Denied,
}

impl Polarity {
    pub fn name(self) -> &'static str {
        match self {
            Polarity::Asserted => "asserted",
            Polarity::Denied => "denied",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    Certain,
    Reported,
    Hedged,
}

impl Modality {
    pub fn name(self) -> &'static str {
        match self {
            Modality::Certain => "certain",
            Modality::Reported => "reported",
            Modality::Hedged => "hedged",
        }
    }
}

/// Who is speaking, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// As written ("une source militaire"), or the outlet, or `unattributed`.
    pub claimant: String,
    pub claimant_actor: Option<usize>,
    pub side: String,
    pub relayed_by: Option<String>,
    pub relay_actor: Option<usize>,
    /// Whether a frame attributes the statement (otherwise it is the outlet's own voice).
    pub attributed: bool,
}

/// A claim as extracted, before storage. Spans are byte ranges of the article body.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDraft {
    pub statement: usize,
    pub clause: Range<usize>,
    pub source: Source,
    pub polarity: Polarity,
    pub modality: Modality,
    pub event: EventType,
    pub actor: Option<String>,
    pub actor_id: Option<usize>,
    pub actor_side: String,
    /// Place mentions, offsets relative to the article body.
    pub places: Vec<PlaceMention>,
    pub date: EventDate,
    pub quantities: Vec<Quantity>,
    /// Pointer denial: the index (in this article's claims) of the claim it denies.
    pub denies: Option<usize>,
}

/// Everything extracted from one article.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub statements: Vec<Statement>,
    pub claims: Vec<ClaimDraft>,
    /// A better title when the article's is page furniture ("Table of Contents").
    pub better_title: Option<String>,
    /// `Article::content_hash`, computed here so that an ingest computes it on an
    /// extraction thread rather than on the single writer's.
    pub content_hash: String,
}

/// The extraction pipeline: lexicon, gazetteer and sentence rules, built once per process.
#[derive(Debug)]
pub struct Pipeline {
    pub lexicon: Lexicon,
    pub gazetteer: Gazetteer,
    pub splitter: Splitter,
}

/// What the article has said so far, for pronouns and "cette ville".
#[derive(Debug, Default)]
struct ArticleContext {
    /// The last named claimant, with the index of its statement.
    last_claimant: Option<(usize, Source)>,
    /// The last actor that did something, as a source for pronouns ("They said ...").
    last_actor: Option<(usize, Source)>,
    last_armed_actor: Option<usize>,
    /// Index of the statement being read.
    current: usize,
    places: PlaceContext,
}

impl Pipeline {
    pub fn new(lexicon: Lexicon, gazetteer: Gazetteer) -> Result<Pipeline, String> {
        Ok(Pipeline { lexicon, gazetteer, splitter: Splitter::new()? })
    }

    /// Splits an article and extracts its claims. The article's language must be set.
    pub fn extract(&self, article: &Article) -> Extraction {
        let lang = article.lang.unwrap_or(crate::article::Lang::En);
        let lex = self.lexicon.lang(lang);
        let folded_body = Folded::new(&article.body);
        let mut statements = self.splitter.split_folded(&article.body, &folded_body, lang, lex);
        // The headline is a heading however long it is, unless it ends like a sentence (a
        // one-line article read from stdin is its own title).
        let title = article.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let headline = title.filter(|t| !t.ends_with(['.', '!', '?', '»', '"', '”']));
        for st in statements.iter_mut().filter(|st| st.kind == crate::split::StatementKind::Sentence) {
            if headline.is_some_and(|t| article.body[st.span.clone()].trim() == t) {
                st.kind = crate::split::StatementKind::Heading;
            }
        }
        // A title that is page furniture ("Table of Contents") gives way to the first heading.
        let title_is_furniture = title.is_some_and(|t| {
            statements.iter().any(|st| {
                st.kind == crate::split::StatementKind::Boilerplate && article.body[st.span.clone()].trim() == t
            })
        });
        let better_title = if title_is_furniture {
            statements
                .iter()
                .find(|st| st.kind == crate::split::StatementKind::Heading)
                .map(|st| article.body[st.span.clone()].trim().to_string())
        } else {
            None
        };
        let mut claims: Vec<ClaimDraft> = Vec::new();
        let mut ctx = ArticleContext::default();
        for (si, st) in statements.iter().enumerate() {
            if !st.kind.can_claim() {
                continue;
            }
            let inherited =
                st.announced_by.and_then(|a| claims.iter().rev().find(|c| c.statement == a)).map(|c| c.source.clone());
            // A sentence may hold a second frame that answers the first:
            // "..., selon l'OSDH, ce que l'armée a démenti." Each piece is read on its own.
            let reading = Reading::new(folded_body.slice(st.span.clone()), lex);
            let pieces = frame_pieces(&article.body[st.span.clone()], &reading, lex);
            // A statement read whole is read as frame_pieces read it: no second reading.
            let mut whole = (pieces.len() == 1).then_some(reading);
            for (pi, piece) in pieces.into_iter().enumerate() {
                let span = st.span.start + piece.start..st.span.start + piece.end;
                let inherited = if pi == 0 { inherited.clone() } else { None };
                let reading = whole.take();
                self.extract_statement(article, &folded_body, reading, lex, si, span, inherited, &mut ctx, &mut claims);
            }
        }
        Extraction { statements, claims, better_title, content_hash: article.content_hash() }
    }

    #[allow(clippy::too_many_arguments)]
    fn extract_statement(
        &self,
        article: &Article,
        folded_body: &Folded,
        reading: Option<Reading<'_>>,
        lex: &LangLexicon,
        si: usize,
        span: Range<usize>,
        inherited: Option<Source>,
        ctx: &mut ArticleContext,
        claims: &mut Vec<ClaimDraft>,
    ) {
        // A leading dateline ("BEIRUT, Dec 6 (Reuters) -") says where and when the story was
        // filed, not where or when its events happened: read the sentence after it.
        let skip = dateline(&article.body[span.clone()]).unwrap_or(0);
        let base = span.start + skip;
        let s = &article.body[base..span.end];
        let Reading { folded, tokens, cues } = match reading.filter(|_| skip == 0) {
            Some(whole) => whole,
            None => Reading::new(folded_body.slice(base..span.end), lex),
        };
        let text = folded.text.as_str();
        if tokens.is_empty() {
            return;
        }
        ctx.current = si;
        let actors = self.lexicon.actors.find(s, &folded);
        let events = lex.events.find_leftmost_longest(text, &tokens);

        let frame = match inherited {
            Some(src) => {
                Frame { source: src, content: 0..tokens.len(), claimant_spans: Vec::new(), denial_verb: false }
            }
            None => self.attribution(article, s, &folded, &tokens, &actors, &cues, &events, ctx),
        };
        let mut frame = frame;
        frame.source.claimant = strip_relative(&frame.source.claimant, lex);
        if frame.source.attributed && frame.source.claimant != UNATTRIBUTED {
            ctx.last_claimant = Some((si, frame.source.clone()));
        }

        let blocked: Vec<(usize, usize)> = Vec::new();
        let places = self.gazetteer.find(s, &folded, &tokens, lex, &blocked, &mut ctx.places);
        // Places in the claimant's name ("rebels in the city of Sweida said") set the context
        // ("the city") but are not what the claim is about.
        let places: Vec<PlaceMention> = places
            .into_iter()
            .filter(|p| {
                p.match_kind == crate::gazetteer::MatchKind::Reference
                    || !frame.claimant_spans.iter().any(|&(a, b)| p.start >= a && p.end <= b)
            })
            .collect();
        let clauses = clauses(text, &tokens, lex, frame.content.clone());

        // Clauses carrying an event; clauses without one join the claim before them, except a
        // denial with no event of its own ("rejected the reports, saying ..."), which stays a
        // claim of its own and is resolved to what it denies.
        let denial_clause = |c: &Range<usize>, first: bool| {
            (first && frame.denial_verb)
                || cues
                    .iter()
                    .any(|h| matches!(h.tag, Cue::DenialWord | Cue::DenialVerb) && h.start >= c.start && h.end <= c.end)
        };
        let mut drafts: Vec<(Range<usize>, Option<EventType>)> = Vec::new();
        for (i, c) in clauses.into_iter().enumerate() {
            let ev = events.iter().find(|h| h.start >= c.start && h.start < c.end).map(|h| *h.tag);
            let last_is_denial = drafts.last().is_some_and(|(r, e)| e.is_none() && denial_clause(r, drafts.len() == 1));
            match (ev, drafts.last_mut()) {
                (None, Some(last)) if !denial_clause(&c, i == 0) => last.0.end = c.end,
                (Some(_), Some(last)) if last.1.is_none() && !last_is_denial => *last = (last.0.start..c.end, ev),
                _ => drafts.push((c, ev)),
            }
        }

        let mut allegiance_ends: Vec<usize> = cues
            .iter()
            .filter(|h| *h.tag == Cue::Allegiance && h.end >= 1 && h.end <= tokens.len())
            .map(|h| folded.original_end(tokens[h.end - 1].end, s))
            .collect();
        allegiance_ends.sort_unstable();
        // Spans that are places, not actors ("Damascus" the government or the city).
        let place_spans: std::collections::HashSet<(usize, usize)> = places.iter().map(|p| (p.start, p.end)).collect();
        let first_in_statement = claims.len();
        for (ci, (range, ev)) in drafts.iter().enumerate() {
            let clause_text_start = tokens[range.start].start;
            let clause_text_end = tokens[range.end - 1].end;
            let clause_folded = &text[clause_text_start..clause_text_end];
            let clause_tokens: Vec<Token> = tokens[range.clone()]
                .iter()
                .map(|t| Token { start: t.start - clause_text_start, end: t.end - clause_text_start })
                .collect();
            let in_clause = |h: &Hit<'_, Cue>| h.start >= range.start && h.end <= range.end;
            let has = |cue: Cue| cues.iter().any(|h| *h.tag == cue && in_clause(h));

            // "would leave", "pourrait tomber": nothing happened yet, nothing to compare.
            let event = if has(Cue::Hypothetical) { EventType::Other } else { ev.unwrap_or(EventType::Other) };
            let mut polarity = if (ci == 0 && frame.denial_verb) || has(Cue::DenialWord) || has(Cue::DenialVerb) {
                Polarity::Denied
            } else {
                Polarity::Asserted
            };
            if polarity == Polarity::Asserted && ev.is_some() && negated(&cues, &events, range.clone()) {
                polarity = Polarity::Denied;
            }
            // A hedge qualifies the whole sentence; a conditional verb only its clause.
            let hedged = cues.iter().any(|h| *h.tag == Cue::Hedge) || conditional(clause_folded, &clause_tokens, lex);
            let modality = if hedged {
                Modality::Hedged
            } else if frame.source.attributed {
                Modality::Reported
            } else {
                Modality::Certain
            };

            // The event's actor: the claimant when it speaks of itself ("a déclaré avoir pris"),
            // else the armed group or people named as the trigger's subject, else after it,
            // else an official, else a pronoun's referent.
            let clause_orig = folded.original(clause_text_start)..folded.original_end(clause_text_end, s);
            let named = actors
                .iter()
                .filter(|m| m.start >= clause_orig.start && m.end <= clause_orig.end)
                .filter(|m| !frame.claimant_spans.iter().any(|&(a, b)| m.start >= a && m.end <= b))
                .filter(|m| !place_spans.contains(&(m.start, m.end)))
                .collect::<Vec<_>>();
            // Actors right after "loyal to" / "fidèles à", or before "-backed", qualify someone else.
            // Only the next word is folded: folding the rest of the sentence for every actor
            // made long sentences quadratic.
            let qualifies = |m: &&ActorMention| {
                let rest = s.get(m.end..).unwrap_or("");
                // "Turkish-backed", "Iran backed": joined to the actor, not after a comma
                // ("HTS, led by ..." is HTS acting).
                let rest = rest.trim_start_matches([' ', '-']);
                let next = rest.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                !next.is_empty() && lex.not_an_actor_after.contains(crate::text::fold(next).as_str())
            };
            // Actors shortly after an allegiance cue ("loyal to Bashar al-Assad"), found by a
            // binary search over the cues' ends.
            let allegiance_ends = &allegiance_ends;
            let after_allegiance = |m: &&ActorMention| {
                let i = allegiance_ends.partition_point(|&e| e + ALLEGIANCE_GAP < m.start);
                allegiance_ends.get(i).is_some_and(|&e| e <= m.start)
            };
            let named: Vec<&ActorMention> =
                named.into_iter().filter(|m| !qualifies(m)).filter(|m| !after_allegiance(m)).collect();
            let kind_of = |m: &&ActorMention| self.lexicon.actors.actors[m.actor].kind.as_str();
            let does_things = |m: &&&ActorMention| matches!(kind_of(m), "armed" | "people");
            // Where the event's trigger is, to prefer its subject (named before it) over an
            // object or a complement after it ("le retrait de l'armée" is the army's).
            let trigger = events
                .iter()
                .find(|h| h.start >= range.start && h.start < range.end)
                .map(|h| (folded.original(tokens[h.start].start), folded.original_end(tokens[h.end - 1].end, s)));
            // "a déclaré avoir pris", "denied any withdrawal of its forces": the claimant's own side acted.
            // A pronoun opening the content ("rebels said they had seized") is the speaker.
            let pronoun_opens = ci == 0
                && cues.iter().any(|h| *h.tag == Cue::Pronoun && h.start >= range.start && h.start <= range.start + 3);
            let self_report = frame.source.claimant_actor.filter(|&a| {
                let armed = self.lexicon.actors.actors[a].kind == "armed";
                ((has(Cue::Infinitive) || pronoun_opens) && armed) || has(Cue::OwnForces)
            });
            let before = trigger.and_then(|(t0, _)| named.iter().filter(|m| m.end <= t0).rfind(does_things));
            let after = trigger
                .and_then(|(_, t1)| named.iter().filter(|m| m.start >= t1 && m.start <= t1 + 40).find(does_things));
            // An official acts only as the trigger's immediate subject ("Assad fled"), not when
            // named in passing ("gunmen loyal to Assad took ...").
            let official = match trigger {
                Some((t0, _)) => named
                    .iter()
                    .filter(|m| m.end <= t0 && t0 - m.end <= OFFICIAL_SUBJECT_GAP)
                    .rfind(|m| kind_of(m) == "official"),
                None => named.iter().find(|m| kind_of(m) == "official"),
            };
            let untriggered = if trigger.is_none() { named.iter().find(does_things) } else { None };
            let named_choice = |m: &&&ActorMention| (Some(s[m.start..m.end].to_string()), Some(m.actor));
            let (actor, actor_id) = if let Some(m) = before {
                named_choice(&m)
            } else if let Some(a) = self_report {
                (Some(self.lexicon.actors.actors[a].name.clone()), Some(a))
            } else if let Some(m) = after.or(official).or(untriggered) {
                named_choice(&m)
            } else if has(Cue::Pronoun) {
                match ctx.last_armed_actor {
                    Some(a) => (Some(self.lexicon.actors.actors[a].name.clone()), Some(a)),
                    None => (None, None),
                }
            } else {
                (None, None)
            };
            if let Some(a) = actor_id.filter(|&a| self.lexicon.actors.actors[a].kind == "armed") {
                ctx.last_armed_actor = Some(a);
            }
            if let (Some(a), Some(name)) = (actor_id, actor.as_ref()) {
                let side = self.lexicon.actors.actors[a].side.clone();
                let source = Source {
                    claimant: name.clone(),
                    claimant_actor: Some(a),
                    side,
                    relayed_by: None,
                    relay_actor: None,
                    attributed: true,
                };
                ctx.last_actor = Some((si, source));
            }
            let actor_side = actor_id.map_or("unknown".to_string(), |a| self.lexicon.actors.actors[a].side.clone());

            // Places: those in the clause, plus those of a leading phrase before the frame
            // ("À Sweida, des factions ont déclaré ...") which belong to every clause.
            let frame_start = frame.content.start.min(range.start);
            let lead_end = if frame_start > 0 { folded.original(tokens[frame_start].start) } else { 0 };
            let claim_places: Vec<PlaceMention> = places
                .iter()
                .filter(|p| {
                    (p.start >= clause_orig.start && p.end <= clause_orig.end) || (ci == 0 && p.end <= lead_end)
                })
                .map(|p| PlaceMention { start: p.start + base, end: p.end + base, ..p.clone() })
                .collect();

            // The date nearest the trigger in the clause; else one elsewhere in the sentence
            // ("Le 30 novembre, ..."); else the publication date.
            let anchor = events.iter().find(|h| h.start >= range.start && h.start < range.end).map(|h| h.start);
            let mut date =
                time::find_date(clause_folded, &clause_tokens, lex, article.published, anchor.map(|a| a - range.start));
            if date.source == DateSource::Publication {
                date = time::find_date(text, &tokens, lex, article.published, anchor);
            }
            let mut quantities = quantity::find_quantities(clause_folded, &clause_tokens, lex, event.name());
            for q in quantities.iter_mut().filter(|q| q.measure == "distance") {
                let after = clause_text_start + clause_tokens.get(q.token).map_or(0, |t| t.start);
                let from = claim_places.iter().find(|p| p.start - base >= folded.original(after));
                if let Some(name) = from.and_then(|p| self.gazetteer.get(p.place)).map(|p| p.display_name()) {
                    q.measure = format!("distance from {name}");
                }
            }
            // "Les rebelles se trouvent à 20 km de Damas": a distance from a place is where
            // the front stands, an advance, even with no verb of movement.
            let event = if event == EventType::Other
                && !has(Cue::Hypothetical)
                && quantities.iter().any(|q| q.measure.starts_with("distance from"))
            {
                EventType::Advance
            } else {
                event
            };

            claims.push(ClaimDraft {
                statement: si,
                clause: base + clause_orig.start..base + clause_orig.end,
                source: frame.source.clone(),
                polarity,
                modality,
                event,
                actor,
                actor_id,
                actor_side,
                places: claim_places,
                date,
                quantities,
                denies: None,
            });
        }

        // A checkable claim naming no place is about the place the text was just about
        // ("State media said five soldiers died."): the places of the claim just before,
        // in this statement or the one or two before, as references.
        for i in first_in_statement..claims.len() {
            if !claims[i].places.is_empty() || !claims[i].event.is_checkable() || claims[i].polarity == Polarity::Denied
            {
                continue;
            }
            let donor = (0..i)
                .rev()
                .take_while(|&j| claims[j].statement + PLACE_CARRY_STATEMENTS >= si)
                .find(|&j| !claims[j].places.is_empty());
            if let Some(j) = donor {
                let places = claims[j]
                    .places
                    .iter()
                    .map(|p| PlaceMention { match_kind: crate::gazetteer::MatchKind::Reference, ..p.clone() })
                    .collect();
                claims[i].places = places;
            }
        }

        // Pointer denials: a denial with no event of its own denies the claim before it,
        // in this sentence first, then in earlier ones.
        for i in first_in_statement..claims.len() {
            if claims[i].polarity != Polarity::Denied || claims[i].event != EventType::Other {
                continue;
            }
            let target =
                (0..i).rev().find(|&j| claims[j].polarity == Polarity::Asserted && claims[j].event.is_checkable());
            if let Some(j) = target {
                let (event, places, date, actor, actor_id, actor_side) = {
                    let t = &claims[j];
                    (t.event, t.places.clone(), t.date, t.actor.clone(), t.actor_id, t.actor_side.clone())
                };
                let c = &mut claims[i];
                c.event = event;
                if c.places.is_empty() {
                    c.places = places;
                }
                if c.date.source != DateSource::Explicit {
                    c.date = date;
                }
                if c.actor.is_none() {
                    c.actor = actor;
                    c.actor_id = actor_id;
                    c.actor_side = actor_side;
                }
                c.denies = Some(j);
            }
        }
    }
}

/// The attribution frame of a sentence: who says it, and which tokens are the content.
struct Frame {
    source: Source,
    content: Range<usize>,
    /// Original byte ranges of the claimant and relay names (no places are taken there).
    claimant_spans: Vec<(usize, usize)>,
    /// The frame's verb is itself a denial ("X a démenti que ...").
    denial_verb: bool,
}

impl Pipeline {
    #[allow(clippy::too_many_arguments)]
    fn attribution(
        &self,
        article: &Article,
        s: &str,
        folded: &Folded,
        tokens: &[Token],
        actors: &[ActorMention],
        cues: &[Hit<'_, Cue>],
        events: &[Hit<'_, EventType>],
        ctx: &ArticleContext,
    ) -> Frame {
        let text = &folded.text;
        let orig = |t0: usize, t1: usize| -> (usize, usize) {
            if t0 >= t1 || t1 > tokens.len() {
                return (0, 0);
            }
            (folded.original(tokens[t0].start), folded.original_end(tokens[t1 - 1].end, s))
        };
        let n = tokens.len();
        let after_complementizer = |t: usize| -> usize {
            let mut t = t;
            while cues.iter().any(|h| h.start == t && matches!(h.tag, Cue::Complementizer | Cue::Infinitive)) {
                t += 1;
            }
            t
        };

        // "il a été signalé que", "images show": nobody is named. Not across a comma ("the
        // army, which denied the reports, said ...").
        let unbroken = |h: &&Hit<'_, Cue>| {
            let (a, b) = orig(h.start, h.end);
            !s.get(a..b).is_some_and(|w| w.contains([',', ';']))
        };
        if let Some(h) = cues.iter().filter(|h| *h.tag == Cue::Unattributed).find(unbroken) {
            return Frame {
                source: Source {
                    claimant: UNATTRIBUTED.into(),
                    claimant_actor: None,
                    side: "unknown".into(),
                    relayed_by: None,
                    relay_actor: None,
                    attributed: true,
                },
                content: after_complementizer(h.end).min(n)..n,
                claimant_spans: Vec::new(),
                denial_verb: false,
            };
        }

        // "selon X, ...", "according to X, ...": the source runs to the next comma. A passive
        // relay after a verb of saying ("..., said a military source quoted by SANA") relays
        // the source that verb introduces: the verb's frame reads it.
        let relays_a_speaker = |h: &Hit<'_, Cue>| {
            cues.iter().any(|r| *r.tag == Cue::RelayPassive && r.start == h.start)
                && cues.iter().any(|v| matches!(v.tag, Cue::Say | Cue::DenialVerb) && v.end <= h.start)
        };
        if let Some(h) = cues.iter().find(|h| *h.tag == Cue::According && !relays_a_speaker(h)) {
            let (src_start, _) = orig(h.end, (h.end + 1).min(n));
            let rest = &s[src_start.min(s.len())..];
            let src_len = rest.find([',', ';', ':', '.']).unwrap_or(rest.len());
            let src_end = src_start + src_len;
            let end_tok = tokens.iter().position(|t| folded.original(t.start) >= src_end).unwrap_or(n);
            let (claimant, claimant_actor, span) = self.claimant_from(s, src_start, src_end, actors, false);
            let content = if h.start == 0 || end_tok < n && h.start < 2 { end_tok..n } else { 0..h.start };
            // "Selon lui, ...": the pronoun is whoever spoke last.
            let pronoun = cues.iter().any(|c| *c.tag == Cue::Pronoun && c.start == h.end && c.end + 1 >= end_tok);
            if pronoun && claimant_actor.is_none() {
                if let Some((_, last)) = ctx.last_claimant.as_ref().or(ctx.last_actor.as_ref()) {
                    return Frame { source: last.clone(), content, claimant_spans: vec![span], denial_verb: false };
                }
            }
            let (claimant, claimant_actor, relay, spans) = self.passive_relay(
                s,
                folded,
                tokens,
                cues,
                actors,
                (src_start, src_end),
                (claimant, claimant_actor, span),
            );
            let (relayed_by, relay_actor) = relay.unzip();
            let source = self.resolve(article, claimant, claimant_actor, relayed_by, relay_actor.flatten(), true, ctx);
            return Frame { source, content, claimant_spans: spans, denial_verb: false };
        }

        // A verb of saying or denying.
        // A hedge ("reportedly") is not a verb of saying even where a stem would match it.
        let hedge_at = |i: usize| cues.iter().any(|h| *h.tag == Cue::Hedge && h.start <= i && i < h.end);
        // Nor a verb inside a relative clause between the subject and its own verb ("The army,
        // which denied the reports, said ...": the army said).
        let in_relative_aside = |h: &Hit<'_, Cue>| {
            let at = |t: usize| folded.original(tokens[t].start);
            let opener = cues.iter().rfind(|r| *r.tag == Cue::RelativeSubject && r.start > 0 && r.end <= h.start);
            opener.is_some_and(|r| {
                let (r0, h0) = (at(r.start), at(h.start));
                let closing = s[h0..].find(',').map(|c| h0 + c);
                let next = closing.map(|c| tokens.iter().position(|t| folded.original(t.start) > c).unwrap_or(n));
                s[..r0].trim_end().ends_with(',')
                    && !s[r0..h0].contains(',')
                    && next.is_some_and(|t| frame_verb_at(cues, t))
            })
        };
        let verb = cues.iter().find(|h| {
            matches!(h.tag, Cue::Say | Cue::DenialVerb | Cue::RelayActive)
                && h.start > 0
                && !hedge_at(h.start)
                && !in_relative_aside(h)
        });
        if let Some(v) = verb {
            let denial_verb = *v.tag == Cue::DenialVerb;
            // Subject: from the start of the clause it sits in to the verb, auxiliaries dropped;
            // not across a comma ("... from Hama on Thursday, said a source": "on Thursday"
            // belongs to the content).
            let mut subj_end = v.start;
            let joined = |a: usize, b: usize| {
                let gap = s.get(folded.original_end(tokens[a - 1].end, s)..folded.original(tokens[b].start));
                gap.is_none_or(|g| last_boundary(g).is_none())
            };
            while subj_end > 0
                && cues.iter().any(|h| h.end == subj_end && *h.tag == Cue::Auxiliary && joined(h.end, subj_end))
            {
                let aux = cues
                    .iter()
                    .filter(|h| h.end == subj_end && *h.tag == Cue::Auxiliary)
                    .map(|h| h.start)
                    .min()
                    .unwrap_or(subj_end);
                subj_end = aux;
            }
            let (s_start, s_end) = orig(0, subj_end);
            // The clause holding the verb starts after the last comma, dash, colon or quote
            // before it. Text before that boundary which carries an event, with no "that" /
            // "que" after the verb, is the content of a parenthetical or trailing frame:
            // "Troops left Homs, two commanders told Reuters." / "« ... », a déclaré X."
            let head = &s[..tokens.get(subj_end).map_or(s_end, |t| folded.original(t.start)).max(s_start)];
            let boundary = last_boundary(head);
            let pre_tokens = boundary.map_or(0, |b| tokens.iter().take_while(|t| folded.original(t.end) <= b).count());
            let subject_empty = boundary.is_none_or(|b| {
                tokens
                    .iter()
                    .filter(|t| folded.original(t.start) >= b && t.end <= tokens[subj_end.min(n - 1)].start)
                    .all(|t| {
                        let i = tokens.iter().position(|x| x == t).unwrap_or(0);
                        cues.iter()
                            .any(|h| h.start <= i && i < h.end && matches!(h.tag, Cue::Determiner | Cue::Auxiliary))
                    })
                    && subj_end <= pre_tokens + 1
            });
            let complement_follows = cues.iter().any(|h| {
                matches!(h.tag, Cue::Complementizer | Cue::Infinitive) && h.start >= v.end && h.start <= v.end + 4
            }) || s[orig(v.start, v.end).1.min(s.len())..].trim_start().starts_with(':');
            // Inversion needs a short subject after the verb closing the sentence
            // ("..., a indiqué samedi l'OSDH."), not a clause ("..., said at least 42 died").
            let (speaker, outlet_spoken_to) = self.inverted_speaker(article, s, folded, tokens, cues, actors, v);
            // "told Al Jazeera", "a déclaré à l'AFP": the outlet spoken to carries the words, as
            // a relay does, but lends no side to a speaker it does not know.
            let carried = |mut source: Source, spans: &mut Vec<(usize, usize)>| {
                let outlet = outlet_spoken_to.filter(|m| Some(m.actor) != source.claimant_actor);
                if let (None, Some(m)) = (&source.relayed_by, outlet) {
                    source.relayed_by = Some(s[m.start..m.end].to_string());
                    source.relay_actor = Some(m.actor);
                    spans.push((m.start, m.end));
                }
                source
            };
            let rest_words = speaker.map_or(0, |(a, b)| s[a..b].split_whitespace().count());
            // "A resident, who asked not to be named, said rebels ...": the subject is before
            // the relative clause, not after the verb.
            let after_relative = boundary
                .filter(|&b| s[..b].ends_with(','))
                .is_some_and(|b| opens_relative(last_boundary(&s[..b - 1]).unwrap_or(0), folded, tokens, cues));
            let inversion =
                subject_empty && speaker.is_some() && !after_relative && rest_words <= INVERTED_SUBJECT_MAX_WORDS;
            // Nobody but the one spoken to after the verb ("..., Hassan Abdel Ghani, a rebel
            // spokesman, told Al Jazeera."): the subject closes at the comma before the verb.
            // The same when what follows is the content ("A resident, who asked not to be
            // named, said that ...").
            let before_comma = boundary.filter(|&b| {
                subject_empty && (speaker.is_none() || complement_follows || after_relative) && s[..b].ends_with(',')
            });
            let (boundary, pre_tokens, subject_empty, s_end) =
                match before_comma.map(|b| subject_before_comma(s, b - 1, folded, tokens, cues, events)) {
                    Some((start, end)) => {
                        (Some(start), tokens.iter().take_while(|t| folded.original(t.end) <= start).count(), false, end)
                    }
                    None => (boundary, pre_tokens, subject_empty, s_end),
                };
            let pre_has_event = events.iter().any(|e| e.end <= pre_tokens);
            // "..., a spokesman for the SDF said Thursday.": a frame closing the sentence.
            let closing = n.saturating_sub(v.end) <= CLOSING_FRAME_WORDS;
            let parenthetical = !subject_empty && (pre_has_event || closing);
            if pre_tokens >= 3 && !complement_follows && (inversion || parenthetical) {
                let region = if let (true, Some(speaker)) = (subject_empty, speaker) {
                    // Inversion: "..., a déclaré le ministère." / "..., said the monitor."
                    speaker
                } else {
                    (boundary.unwrap_or(0), s_end)
                };
                let found = self.claimant_from(s, region.0, region.1, actors, true);
                let (claimant, claimant_actor, relay, mut spans) =
                    self.passive_relay(s, folded, tokens, cues, actors, region, found);
                let (relayed_by, relay_actor) = relay.unzip();
                let source =
                    self.resolve(article, claimant, claimant_actor, relayed_by, relay_actor.flatten(), true, ctx);
                let source = carried(source, &mut spans);
                return Frame { source, content: 0..pre_tokens.min(n), claimant_spans: spans, denial_verb };
            }
            let subject_actors: Vec<&ActorMention> =
                actors.iter().filter(|m| m.start >= s_start && m.end <= s_end).collect();

            // Pronoun or back-reference subject: the last claimant.
            let subject_words: Vec<&str> = tokens[..subj_end].iter().map(|t| &text[t.start..t.end]).collect();
            let pronoun_subject =
                cues.iter().any(|h| *h.tag == Cue::Pronoun && h.end == subj_end && h.start + 1 >= subj_end)
                    || cues.iter().any(|h| *h.tag == Cue::BackReference && h.end == subj_end);
            let content_start = after_complementizer(v.end);
            // "..., which said ...", "..., qui a précisé ...": the pronoun opens the piece after
            // a frame (see frame_pieces) and speaks for whoever spoke or acted just before it
            // in this sentence.
            let relative_subject =
                cues.iter().any(|h| *h.tag == Cue::RelativeSubject && h.start == 0 && h.end == subj_end);
            let referent = if !subject_actors.is_empty() {
                None
            } else if pronoun_subject {
                // The speaker of the sentence before, else the last actor named, else an earlier speaker.
                let recent_speaker = ctx.last_claimant.as_ref().filter(|(at, _)| at + 1 >= ctx.current);
                recent_speaker.or(ctx.last_actor.as_ref()).or(ctx.last_claimant.as_ref())
            } else if relative_subject {
                [&ctx.last_claimant, &ctx.last_actor]
                    .into_iter()
                    .find_map(|c| c.as_ref().filter(|(at, _)| *at == ctx.current))
            } else {
                None
            };
            if let Some((_, referent)) = referent {
                let mut source = referent.clone();
                source.attributed = true;
                return Frame {
                    source,
                    content: content_start.min(n)..n,
                    claimant_spans: vec![(s_start, s_end)],
                    denial_verb,
                };
            }
            // "Ces événements témoignent de ...", "The figures show ...": things do not speak;
            // the sentence is the outlet's own.
            let thing_subject = subject_actors.is_empty()
                && cues.iter().any(|h| {
                    *h.tag == Cue::NotASpeaker && h.end <= subj_end && h.start + THING_SUBJECT_WORDS >= subj_end
                });
            if subject_words.is_empty() || thing_subject {
                return self.outlet_voice(article, n);
            }

            let (mut claimant, mut claimant_actor, span) = self.claimant_from(s, s_start, s_end, actors, true);
            let mut spans = vec![span];
            let mut relayed_by = None;
            let mut relay_actor = None;
            let mut content = content_start.min(n)..n;
            // "Y a cité X affirmant que": X speaks, Y relays.
            if *v.tag == Cue::RelayActive || cues.iter().any(|h| *h.tag == Cue::RelayActive && h.start == v.start) {
                let next_verb = cues
                    .iter()
                    .find(|h| h.start > v.end && matches!(h.tag, Cue::Say | Cue::Complementizer | Cue::DenialVerb))
                    .map_or(n, |h| h.start);
                // "quoted a military source as saying": the link word ends the source.
                let mut verb_start = next_verb;
                while let Some(aux) = cues.iter().find(|h| h.end == verb_start && *h.tag == Cue::Auxiliary) {
                    verb_start = aux.start;
                }
                let source_end = cues
                    .iter()
                    .find(|h| *h.tag == Cue::RelayLink && h.start > v.end && h.end == verb_start)
                    .map_or(next_verb, |h| h.start);
                let (c_start, c_end) = orig(v.end, source_end);
                if c_end > c_start {
                    relayed_by = Some(claimant);
                    relay_actor = claimant_actor;
                    let (c, a, sp) = self.claimant_from(s, c_start, c_end, actors, false);
                    claimant = c;
                    claimant_actor = a;
                    spans.push(sp);
                    let next_end = cues.iter().find(|h| h.start == next_verb).map_or(next_verb, |h| h.end);
                    content = after_complementizer(next_end).min(n)..n;
                }
            }
            // "X, cité par Y, a dit": Y relays.
            if let Some(p) = cues.iter().find(|h| *h.tag == Cue::RelayPassive && h.end <= v.start) {
                let (r_start, r_end) = orig(p.end, v.start.min(subj_end).max(p.end));
                if r_end > r_start {
                    let (r, a, sp) = self.claimant_from(s, r_start, r_end, actors, false);
                    relayed_by = Some(r);
                    relay_actor = a;
                    spans.push(sp);
                }
            }
            let source = self.resolve(article, claimant, claimant_actor, relayed_by, relay_actor, true, ctx);
            let source = carried(source, &mut spans);
            return Frame { source, content, claimant_spans: spans, denial_verb };
        }

        self.outlet_voice(article, n)
    }

    /// The speaker named after the verb of an inverted frame, as a byte range of `s` up to
    /// the next comma: past the one spoken to right after the verb ("..., a déclaré à l'AFP
    /// Hassan Abdel Ghani.", "told Al Jazeera") and before one spoken to after the speaker
    /// ("..., said Hassan Abdel Ghani to AFP."); none when no actor and no name follows.
    /// With it, the outlet spoken to, if any.
    #[allow(clippy::too_many_arguments)]
    fn inverted_speaker(
        &self,
        article: &Article,
        s: &str,
        folded: &Folded,
        tokens: &[Token],
        cues: &[Hit<'_, Cue>],
        actors: &[ActorMention],
        verb: &Hit<'_, Cue>,
    ) -> (Option<(usize, usize)>, Option<ActorMention>) {
        let lex = self.lexicon.lang(article.lang.unwrap_or(crate::article::Lang::En));
        let start_of = |t: usize| folded.original(tokens[t].start);
        let Some(last) = verb.end.checked_sub(1).and_then(|t| tokens.get(t)) else { return (None, None) };
        let from = folded.original_end(last.end, s);
        let region_end = from + s[from..].find([',', ';', '(', '.']).unwrap_or(s.len() - from);
        let limit = tokens.iter().take_while(|t| folded.original_end(t.end, s) <= region_end).count();
        let is_cue = |t: usize, cue: Cue| cues.iter().find(|h| h.start == t && *h.tag == cue);
        let skip_determiners = |mut t: usize| {
            while let Some(d) = is_cue(t, Cue::Determiner) {
                t = d.end;
            }
            t
        };
        let actor_at = |t: usize| actors.iter().find(|m| t < limit && m.start == start_of(t));
        let after_actor = |m: &ActorMention| (0..limit).find(|&i| start_of(i) >= m.end).unwrap_or(limit);
        let capitalised = |t: usize| s[start_of(t)..].starts_with(char::is_uppercase);
        let mut t = verb.end;
        let told = cues.iter().any(|h| *h.tag == Cue::AddresseeVerb && h.start == verb.start);
        let marker = is_cue(t, Cue::Addressee);
        let is_outlet = |m: &&ActorMention| self.lexicon.actors.actors[m.actor].kind == "media";
        let mut outlet = None;
        if told || marker.is_some() {
            // The one spoken to: a known name ("à l'AFP"), else words up to a name that ends
            // it ("au journal Al-Watan", "told reporters on Thursday").
            t = skip_determiners(marker.map_or(t, |m| m.end));
            if let Some(m) = actor_at(t) {
                outlet = Some(*m).filter(|m| is_outlet(&m));
                t = after_actor(m);
            } else {
                while t < limit && !capitalised(t) && is_cue(t, Cue::Determiner).is_none() {
                    t += 1;
                }
                while t < limit && capitalised(t) {
                    t += 1;
                }
            }
        }
        if t >= limit {
            return (None, outlet);
        }
        // One spoken to after the speaker: a marker then a media name ("... à l'AFP").
        let media_after = |h: &&Hit<'_, Cue>| actor_at(skip_determiners(h.end)).is_some_and(|m| is_outlet(&m));
        let trailing =
            cues.iter().filter(|h| *h.tag == Cue::Addressee && h.start > t && h.end < limit).find(media_after);
        let end = trailing.map_or(region_end, |h| start_of(h.start));
        let outlet = outlet.or(trailing.and_then(|h| actor_at(skip_determiners(h.end)).copied()));
        let start = start_of(t);
        // A speaker: an actor, or a name that is no word the lexicon knows ("Hassan Abdel Ghani"),
        // with determiners and weekdays before it ("samedi l'OSDH") skipped.
        let mut head = skip_determiners(t);
        while head < limit && lex.weekdays.contains_key(&folded.text[tokens[head].start..tokens[head].end]) {
            head = skip_determiners(head + 1);
        }
        let known = actors.iter().any(|m| m.start >= start && m.end <= end);
        let name = head < limit
            && start_of(head) < end
            && capitalised(head)
            && !lex.known_words.contains(&folded.text[tokens[head].start..tokens[head].end]);
        ((known || name).then_some((start, s[..end].trim_end().len())), outlet)
    }

    /// A claimant phrase (`region`, where `found` was read) that holds a passive relay
    /// ("selon une source militaire citée par SANA", "according to a resident cited by the
    /// SOHR", "..., a affirmé un habitant interrogé par l'AFP"): the claimant is the words before the cue, the relay
    /// the words after it. Returns the claimant, its actor, the relay with its actor, and the
    /// spans of both; `found` as it was when there is no such cue.
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    fn passive_relay(
        &self,
        s: &str,
        folded: &Folded,
        tokens: &[Token],
        cues: &[Hit<'_, Cue>],
        actors: &[ActorMention],
        region: (usize, usize),
        (claimant, actor, span): (String, Option<usize>, (usize, usize)),
    ) -> (String, Option<usize>, Option<(String, Option<usize>)>, Vec<(usize, usize)>) {
        let cue = cues.iter().find(|h| {
            *h.tag == Cue::RelayPassive
                && h.end < tokens.len()
                && folded.original(tokens[h.start].start) > region.0
                && folded.original_end(tokens[h.end - 1].end, s) < region.1
        });
        let Some(cue) = cue else { return (claimant, actor, None, vec![span]) };
        let cue_start = folded.original(tokens[cue.start].start);
        let cue_end = folded.original_end(tokens[cue.end - 1].end, s);
        let (c, c_actor, c_span) = self.claimant_from(s, region.0, cue_start, actors, false);
        let (r, r_actor, r_span) = self.claimant_from(s, cue_end, region.1, actors, false);
        if c.is_empty() || r.is_empty() {
            return (claimant, actor, None, vec![span]);
        }
        (c, c_actor, Some((r, r_actor)), vec![c_span, r_span])
    }

    fn outlet_voice(&self, article: &Article, n: usize) -> Frame {
        let name = article.outlet.clone().unwrap_or_else(|| "outlet (unknown)".into());
        let actor = article.outlet.as_deref().and_then(|o| {
            let f = Folded::new(o);
            self.lexicon.actors.find(o, &f).first().map(|m| m.actor)
        });
        let side = actor.map_or("media".to_string(), |a| self.lexicon.actors.actors[a].side.clone());
        Frame {
            source: Source {
                claimant: name,
                claimant_actor: actor,
                side,
                relayed_by: None,
                relay_actor: None,
                attributed: false,
            },
            content: 0..n,
            claimant_spans: Vec::new(),
            denial_verb: false,
        }
    }

    /// The claimant in `s[start..end]`: the first actor named there, as written from the
    /// clause it opens (leading adverbials and trailing appositions dropped).
    fn claimant_from(
        &self,
        s: &str,
        start: usize,
        end: usize,
        actors: &[ActorMention],
        prefer_last: bool,
    ) -> (String, Option<usize>, (usize, usize)) {
        let start = start.min(s.len());
        let end = end.clamp(start, s.len());
        let inside: Vec<&ActorMention> = actors.iter().filter(|m| m.start >= start && m.end <= end).collect();
        let region = &s[start..end];
        let chosen = if prefer_last { inside.last() } else { inside.first() };
        // "SNA spokesman", "un porte-parole des FDS": a generic source speaks for the group
        // named with it.
        let is_source = |m: &&&ActorMention| self.lexicon.actors.actors[m.actor].kind == "source";
        let chosen = match chosen {
            Some(m) if is_source(&m) => inside.iter().find(|x| !is_source(x)).or(Some(m)),
            other => other,
        };
        match chosen {
            Some(m) => {
                // From the last boundary before the actor to the first comma after it.
                let from = last_boundary(&s[start..m.start]).map_or(start, |b| start + b);
                let to = s[m.end..end].find([',', '(']).map_or(end, |c| m.end + c);
                let mut text = clean_name(&s[from..to]);
                if text.is_empty() {
                    text = s[m.start..m.end].to_string();
                }
                (text, Some(m.actor), (from, to))
            }
            None => {
                let from = region.rfind(',').map_or(0, |c| c + 1);
                (clean_name(&region[from..]), None, (start + from, end))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve(
        &self,
        article: &Article,
        claimant: String,
        claimant_actor: Option<usize>,
        relayed_by: Option<String>,
        relay_actor: Option<usize>,
        attributed: bool,
        _ctx: &ArticleContext,
    ) -> Source {
        let actors = &self.lexicon.actors.actors;
        let mut side = claimant_actor.map_or("unknown".to_string(), |a| actors[a].side.clone());
        let mut relayed_by = relayed_by;
        let mut relay_actor = relay_actor;
        // A generic source ("a military source") takes the side of whoever relays it; with no
        // relay named, the outlet that carries it relays it ("Damascus, SANA - A military source said").
        let generic = claimant_actor.is_none_or(|a| actors[a].kind == "source");
        if side == "unknown" && generic && relay_actor.is_none() {
            if let Some(outlet) = article.outlet.as_deref() {
                let f = Folded::new(outlet);
                // Only an outlet with a side of its own (state media) lends it to its sources.
                if let Some(m) =
                    self.lexicon.actors.find(outlet, &f).into_iter().find(|m| actors[m.actor].side != "media")
                {
                    relayed_by = Some(outlet.to_string());
                    relay_actor = Some(m.actor);
                }
            }
        }
        if side == "unknown" {
            if let Some(r) = relay_actor {
                side = actors[r].side.clone();
            }
        }
        let claimant = if claimant.is_empty() {
            article.outlet.clone().unwrap_or_else(|| "outlet (unknown)".into())
        } else {
            claimant
        };
        Source { claimant, claimant_actor, side, relayed_by, relay_actor, attributed }
    }
}

/// A statement folded, cut into words, and its cues found: what both `frame_pieces` and
/// `extract_statement` start from.
struct Reading<'l> {
    folded: Folded,
    tokens: Vec<Token>,
    cues: Vec<Hit<'l, Cue>>,
}

impl<'l> Reading<'l> {
    fn new(folded: Folded, lex: &'l LangLexicon) -> Reading<'l> {
        let tokens = tokenize(&folded.text);
        let cues = lex.cues.find_all(&folded.text, &tokens);
        Reading { folded, tokens, cues }
    }
}

/// Splits a sentence where a second attribution frame begins after a pointer
/// (", ce que l'armée a démenti", ", which the ministry denied"): byte ranges of the pieces.
fn frame_pieces(s: &str, reading: &Reading<'_>, lex: &LangLexicon) -> Vec<Range<usize>> {
    let Reading { folded, tokens, cues } = reading;
    let text = folded.text.as_str();
    let mut cuts: Vec<usize> = Vec::new();
    for (pos, len) in lex.frame_separators.find_in(text) {
        let at = pos + len;
        let first_tok = tokens.iter().position(|t| t.start > pos).unwrap_or(tokens.len());
        // The verb must sit inside the new clause ("which the army denied"), not after a
        // relative clause that closes ("the monitor, which relies on sources, said").
        let clause_end = text[at..].find([',', ';']).map_or(text.len(), |c| at + c);
        let last_tok = tokens.iter().position(|t| t.start >= clause_end).unwrap_or(tokens.len());
        let has_frame = cues
            .iter()
            .any(|h| h.start >= first_tok && h.start < last_tok && matches!(h.tag, Cue::Say | Cue::DenialVerb));
        // Nor when the clause closes before the verb of the frame it sits in ("the army,
        // which denied the reports, said ...").
        let closes_before_verb = clause_end < text.len() && frame_verb_at(cues.as_slice(), last_tok);
        if has_frame && !closes_before_verb && first_tok > 2 {
            cuts.push(folded.original(pos) + 1);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts {
        if c > start && c < s.len() && s.is_char_boundary(c) {
            out.push(start..c);
            start = c;
        }
    }
    out.push(start..s.len());
    out
}

/// Whether a verb of saying or denying starts at token `t`, auxiliaries before it skipped
/// ("a affirmé", "had earlier denied").
fn frame_verb_at(cues: &[Hit<'_, Cue>], t: usize) -> bool {
    let mut t = t;
    while let Some(aux) = cues.iter().find(|h| h.start == t && *h.tag == Cue::Auxiliary) {
        t = aux.end;
    }
    cues.iter().any(|h| h.start == t && matches!(h.tag, Cue::Say | Cue::DenialVerb))
}

/// The length of a leading dateline ("BEIRUT, Dec 6 (Reuters) - ", "Damascus, SANA- "):
/// where the story was filed, not where its events happened.
fn dateline(s: &str) -> Option<usize> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^\s*(?:\p{Lu}{2,}[\p{Lu}/ '.-]*(?:,[^–—()\n]{1,30})?(?:\s*\([^)]{1,30}\))?|\p{Lu}[\p{L} ]{1,30},\s*\p{Lu}{2,})\s*[-–—]+\s*",
        )
        .expect("valid dateline regex")
    });
    re.find(s).map(|m| m.end())
}

/// Byte offset just after the last clause boundary (comma, semicolon, colon, dash, closing
/// quote or bracket) in `head`, if any.
fn last_boundary(head: &str) -> Option<usize> {
    let mut best = None;
    for (i, c) in head.char_indices() {
        if matches!(c, ',' | ';' | ':' | '—' | '–' | '»' | '”' | ')') || (c == '-' && head[i..].starts_with("- "))
        {
            best = Some(i + c.len_utf8());
        }
    }
    best
}

/// The byte range of the subject that closes at the comma at `comma`: the phrase after the
/// boundary before it; with the name an apposition follows ("Hassan Abdel Ghani, un
/// porte-parole des rebelles,"), a short capitalised phrase with no event and no verb of
/// saying; without a relative clause that follows it ("Un habitant, qui a requis l'anonymat,").
fn subject_before_comma(
    s: &str,
    comma: usize,
    folded: &Folded,
    tokens: &[Token],
    cues: &[Hit<'_, Cue>],
    events: &[Hit<'_, EventType>],
) -> (usize, usize) {
    let start = last_boundary(&s[..comma]).unwrap_or(0);
    let Some(name_end) = s[..start].strip_suffix(',').map(str::len) else { return (start, comma) };
    let name_start = last_boundary(&s[..name_end]).unwrap_or(0);
    if opens_relative(start, folded, tokens, cues) {
        return (name_start, name_end);
    }
    let name = s[name_start..name_end].trim().trim_start_matches(['"', '“', '«']).trim_start();
    let first = tokens.iter().position(|t| folded.original(t.start) >= name_start).unwrap_or(tokens.len());
    let last = tokens.iter().position(|t| folded.original(t.start) >= name_end).unwrap_or(tokens.len());
    let speaks_or_acts = events.iter().any(|e| e.start < last && e.end > first)
        || cues.iter().any(|h| matches!(h.tag, Cue::Say | Cue::DenialVerb) && h.start < last && h.end > first);
    let is_name = name.starts_with(char::is_uppercase)
        && name.split_whitespace().count() <= APPOSED_NAME_MAX_WORDS
        && !speaks_or_acts;
    if is_name {
        (name_start, comma)
    } else {
        (start, comma)
    }
}

/// Whether the phrase at byte `start` opens with a relative pronoun as subject ("qui a requis l'anonymat").
fn opens_relative(start: usize, folded: &Folded, tokens: &[Token], cues: &[Hit<'_, Cue>]) -> bool {
    let first = tokens.iter().position(|t| folded.original(t.start) >= start);
    first.is_some_and(|i| cues.iter().any(|h| *h.tag == Cue::RelativeSubject && h.start == i))
}

/// "which the Defense Ministry" → "the Defense Ministry".
fn strip_relative(name: &str, lex: &LangLexicon) -> String {
    let mut rest = name.trim_start();
    loop {
        let word_end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        if word_end == 0 || !lex.relative_pronouns.contains(&fold(&rest[..word_end])) {
            break;
        }
        rest = rest[word_end..].trim_start_matches(|c: char| !c.is_alphanumeric());
    }
    if rest.is_empty() {
        name.to_string()
    } else {
        rest.to_string()
    }
}

/// Trims a name as written: whitespace, quotes, leading connectors.
fn clean_name(s: &str) -> String {
    let t = s.trim().trim_matches(|c: char| c.is_whitespace() || "«»\"“”'’,;:()".contains(c)).trim();
    let mut out = t.to_string();
    // "L'agence officielle (SANA" → "L'agence officielle (SANA)".
    if out.matches('(').count() > out.matches(')').count() {
        out.push(')');
    }
    if out.chars().count() > 80 {
        out = out.chars().take(80).collect::<String>() + "…";
    }
    out
}

/// Token ranges of the clauses of the content, split at the lexicon's separators.
fn clauses(text: &str, tokens: &[Token], lex: &LangLexicon, content: Range<usize>) -> Vec<Range<usize>> {
    if content.start >= content.end || content.end > tokens.len() {
        return std::iter::once(0..tokens.len()).collect();
    }
    let mut cuts: Vec<usize> = Vec::new();
    let from = tokens[content.start].start;
    let to = tokens[content.end - 1].end;
    for (at, _) in lex.clause_separators.find_in(&text[from..to]) {
        let pos = from + at;
        // The clause starts at the first token after the separator's first char.
        if let Some(ti) = tokens.iter().position(|t| t.start > pos) {
            if ti > content.start && ti < content.end {
                cuts.push(ti);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut start = content.start;
    for c in cuts {
        if c > start {
            out.push(start..c);
            start = c;
        }
    }
    out.push(start..content.end);
    out
}

/// A negated event: a negator, then (French) its tail within reach, near an event trigger.
fn negated(cues: &[Hit<'_, Cue>], events: &[Hit<'_, EventType>], range: Range<usize>) -> bool {
    let negators = cues.iter().filter(|h| *h.tag == Cue::Negator && h.start >= range.start && h.end <= range.end);
    let has_tails = cues.iter().any(|h| *h.tag == Cue::NegationTail);
    for n in negators {
        let tail_ok = !has_tails
            || cues
                .iter()
                .any(|t| *t.tag == Cue::NegationTail && t.start >= n.end && t.start <= n.end + NEGATION_REACH);
        let is_french_ne = has_tails;
        if is_french_ne && !tail_ok {
            continue;
        }
        // The negated verb must be an event trigger close by.
        if events.iter().any(|e| e.start >= n.start && e.start <= n.end + NEGATION_REACH + 1 && e.start < range.end) {
            return true;
        }
    }
    false
}

/// French conditional ("se seraient retirées", "auraient fui"): a verb ending in -rait /
/// -raient that is not one of the listed nouns ("retrait").
fn conditional(text: &str, tokens: &[Token], lex: &LangLexicon) -> bool {
    tokens.iter().any(|t| {
        let w = &text[t.start..t.end];
        w.chars().count() > 5
            && lex.conditional_endings.iter().any(|e| w.ends_with(e.as_str()))
            && !lex.conditional_exceptions.iter().any(|x| w == x || (w.ends_with(x.as_str()) && w.len() <= x.len() + 2))
    })
}

#[cfg(test)]
mod tests;
