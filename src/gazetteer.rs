//! Places: the gazetteer (GeoNames-derived, extendable) and finding places in a sentence.
//!
//! Exact and alternate names go through one Aho-Corasick automaton over folded text; a
//! capitalised word that matches nothing is then compared (strsim) with names of similar
//! length, and kept above `FUZZY_THRESHOLD` with its score. Cue words from the lexicon say
//! whether a name is the governorate ("province de Homs"), a city, or a place one is near.

// Looked up for every name found in every sentence: FxHash, not SipHash (see pattern.rs).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use aho_corasick::{AhoCorasick, MatchKind as AcMatchKind};
use serde::Deserialize;

use crate::lexicon::{automaton_kind, is_word_boundary, LangLexicon, PlaceCue};
use crate::text::{fold, Folded, Token};

const NAME_RULES: &str = include_str!("../data/gazetteer/name_rules.toml");
/// ISO code → capital name, for "the capital" (built with the gazetteer).
const CAPITALS: &str = include_str!("../data/gazetteer/capitals.tsv");
/// Folded forms that are ordinary words and never place names (built with the gazetteer).
const STOPLIST: &str = include_str!("../data/gazetteer/stoplist.txt");
/// The built-in gazetteer, built by scripts/build_gazetteer.py.
pub const BUILTIN_PLACES: &str = include_str!("../data/gazetteer/places.tsv");

/// Names shorter than this (in chars) are never matched, unless they contain a digit ("T4").
pub const MIN_NAME_CHARS: usize = 3;
/// Fuzzy matching only tries words at least this long: below it one letter changes a
/// different town ("Homs" / "Hama" differ by 3 of 4 letters, "Idlib"/"Idleb" by one of 5).
pub const FUZZY_MIN_CHARS: usize = 5;
/// Normalised Damerau-Levenshtein similarity needed for a fuzzy match: one edit in six
/// letters ("Rasten" / "Rastan" = 0.83) passes, two edits in six (0.67) do not.
pub const FUZZY_THRESHOLD: f64 = 0.8;

/// One row of the gazetteer, as stored in the `places` table.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRecord {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub country: Option<String>,
    pub parent: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub population: i64,
    pub alternates: Vec<String>,
}

impl PlaceRecord {
    /// The name without diacritics ("Ḩamāh" → "Hamah"), as shown to readers.
    pub fn display_name(&self) -> String {
        strip_diacritics(&self.name)
    }

    /// How precise a place is: country, admin1, city or site.
    pub fn precision(&self) -> &'static str {
        match self.kind.as_str() {
            "country" => "country",
            "admin1" => "admin1",
            "city" => "city",
            _ => "site",
        }
    }
}

/// Parses the built-in TSV (header line, then
/// `geonameid name kind country admin1 parent lat lon population alternates`).
pub fn parse_places_tsv(text: &str) -> Result<Vec<PlaceRecord>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 10 {
            return Err(format!("line {}: expected 10 columns, found {}", i + 1, cols.len()));
        }
        let num = |s: &str| s.trim().parse::<i64>().ok();
        let id = num(cols[0]).ok_or_else(|| format!("line {}: bad geonameid {:?}", i + 1, cols[0]))?;
        out.push(PlaceRecord {
            id,
            name: cols[1].to_string(),
            kind: cols[2].to_string(),
            country: Some(cols[3].to_string()).filter(|s| !s.is_empty()),
            parent: num(cols[5]),
            lat: cols[6].trim().parse().ok(),
            lon: cols[7].trim().parse().ok(),
            population: num(cols[8]).unwrap_or(0),
            alternates: cols[9].split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        });
    }
    Ok(out)
}

/// "Ḩamāh" → "Hamah": the name with its case, without diacritics.
pub fn strip_diacritics(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().filter(|c| !('\u{300}'..='\u{36f}').contains(c)).nfc().collect()
}

#[derive(Debug, Deserialize)]
struct NameRules {
    strip_prefixes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Exact,
    Alias,
    Fuzzy,
    Reference,
}

impl MatchKind {
    pub fn name(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Alias => "alias",
            MatchKind::Fuzzy => "fuzzy",
            MatchKind::Reference => "reference",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    In,
    Near,
}

impl Relation {
    pub fn name(self) -> &'static str {
        match self {
            Relation::In => "in",
            Relation::Near => "near",
        }
    }
}

/// A place found in a sentence. Offsets are bytes of the sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMention {
    pub place: i64,
    pub start: usize,
    pub end: usize,
    pub match_kind: MatchKind,
    pub score: f64,
    pub relation: Relation,
    /// Set when a bare name is shared by a city and the governorate it lies in: the
    /// governorate, a broader reading detection also considers.
    pub broad: Option<i64>,
}

/// What the article said before the current sentence: the last city ("cette ville") and
/// the governorates already named (to choose between two towns of the same name).
#[derive(Debug, Default, Clone)]
pub struct PlaceContext {
    pub last_city: Option<i64>,
    pub admin1_seen: HashSet<i64>,
}

#[derive(Debug)]
struct Name {
    places: Vec<usize>,
    /// Whether the text must be capitalised where it matches: true for proper names, false
    /// for forms written in lower case in the data ("province de Homs").
    needs_capital: bool,
    /// Whether this form is some place's primary name (exact) rather than an alternate.
    primary_for: HashSet<usize>,
}

pub struct Gazetteer {
    places: Vec<PlaceRecord>,
    by_id: HashMap<i64, usize>,
    names: Vec<Name>,
    name_text: Vec<String>,
    /// Name index by folded text.
    name_index: HashMap<String, usize>,
    /// Capital by country id, worked out once (see `capital_of`).
    capitals: HashMap<i64, i64>,
    automaton: AhoCorasick,
    /// Name indices by (first char, char count), for fuzzy matching.
    fuzzy: HashMap<(char, usize), Vec<usize>>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gazetteer({} places, {} names)", self.places.len(), self.names.len())
    }
}

fn name_ok(folded: &str) -> bool {
    let n = folded.chars().count();
    n >= MIN_NAME_CHARS || (n >= 2 && folded.chars().any(|c| c.is_ascii_digit()))
}

impl Gazetteer {
    pub fn builtin() -> Result<Gazetteer, String> {
        Ok(Gazetteer::new(parse_places_tsv(BUILTIN_PLACES)?))
    }

    pub fn new(places: Vec<PlaceRecord>) -> Gazetteer {
        let rules: NameRules = toml::from_str(NAME_RULES).expect("data/gazetteer/name_rules.toml is valid");
        let prefixes: Vec<String> = rules.strip_prefixes.iter().map(|p| fold(p)).collect();
        let stop: HashSet<&str> =
            STOPLIST.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let mut index: HashMap<String, usize> = HashMap::default();
        let mut names: Vec<Name> = Vec::new();
        let mut name_text: Vec<String> = Vec::new();
        let mut by_id = HashMap::default();
        for (pi, p) in places.iter().enumerate() {
            by_id.insert(p.id, pi);
            let capital = |s: &str| !s.chars().next().is_some_and(char::is_lowercase);
            let mut forms: Vec<(String, bool, bool)> = vec![(fold(&p.name), true, capital(&p.name))];
            forms.extend(p.alternates.iter().map(|a| (fold(a), false, capital(a))));
            let mut extra = Vec::new();
            for (f, primary, cap) in &forms {
                for pre in &prefixes {
                    if let Some(rest) = f.strip_prefix(pre.as_str()) {
                        extra.push((rest.to_string(), *primary, *cap));
                    }
                }
            }
            forms.extend(extra);
            for (f, primary, cap) in forms {
                let f = f.trim().to_string();
                if !name_ok(&f) || stop.contains(f.as_str()) {
                    continue;
                }
                let ni = *index.entry(f.clone()).or_insert_with(|| {
                    names.push(Name { places: Vec::new(), needs_capital: cap, primary_for: HashSet::default() });
                    name_text.push(f.clone());
                    names.len() - 1
                });
                if !names[ni].places.contains(&pi) {
                    names[ni].places.push(pi);
                }
                if primary {
                    names[ni].primary_for.insert(pi);
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(AcMatchKind::LeftmostLongest)
            .kind(automaton_kind(&name_text))
            .build(&name_text)
            .expect("gazetteer automaton builds");
        let mut fuzzy: HashMap<(char, usize), Vec<usize>> = HashMap::default();
        for (ni, n) in name_text.iter().enumerate() {
            if let Some(c) = n.chars().next() {
                if !n.contains(' ') {
                    fuzzy.entry((c, n.chars().count())).or_default().push(ni);
                }
            }
        }
        let mut g = Gazetteer {
            places,
            by_id,
            names,
            name_text,
            name_index: index,
            capitals: HashMap::default(),
            automaton,
            fuzzy,
        };
        g.capitals = g.find_capitals();
        g
    }

    /// Each country's capital: the city of that name in it (data/gazetteer/capitals.tsv),
    /// else its most populous city.
    fn find_capitals(&self) -> HashMap<i64, i64> {
        let named: HashMap<&str, String> =
            CAPITALS.lines().filter_map(|l| l.split_once('\t')).map(|(code, name)| (code, fold(name))).collect();
        // Per country: (named as its capital, population, id) of the best city so far.
        let mut best: HashMap<i64, (bool, i64, i64)> = HashMap::default();
        for p in self.places.iter().filter(|p| p.kind == "city") {
            let Some(country) = self.country_of(p.id) else { continue };
            let capital_name = self.get(country).and_then(|c| c.country.as_deref()).and_then(|iso| named.get(iso));
            let is_named =
                capital_name.is_some_and(|n| fold(&p.name) == *n || p.alternates.iter().any(|a| fold(a) == *n));
            let key = (is_named, p.population, p.id);
            let e = best.entry(country).or_insert(key);
            if (key.0, key.1) > (e.0, e.1) {
                *e = key;
            }
        }
        best.into_iter().map(|(country, (_, _, id))| (country, id)).collect()
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    pub fn get(&self, id: i64) -> Option<&PlaceRecord> {
        self.by_id.get(&id).map(|&i| &self.places[i])
    }

    pub fn records(&self) -> &[PlaceRecord] {
        &self.places
    }

    /// The place's ancestors, nearest first (city → governorate → country).
    pub fn ancestors(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut cur = self.get(id).and_then(|p| p.parent);
        while let Some(p) = cur {
            if out.contains(&p) || out.len() > 16 {
                break;
            }
            out.push(p);
            cur = self.get(p).and_then(|r| r.parent);
        }
        out
    }

    /// The country a place lies in (itself for a country).
    pub fn country_of(&self, id: i64) -> Option<i64> {
        std::iter::once(id).chain(self.ancestors(id)).find(|p| self.get(*p).is_some_and(|r| r.kind == "country"))
    }

    /// A country's capital: the city of that name in it (data/gazetteer/capitals.tsv), else
    /// its most populous city.
    pub fn capital_of(&self, country: i64) -> Option<i64> {
        self.capitals.get(&country).copied()
    }

    pub fn admin1_of(&self, id: i64) -> Option<i64> {
        std::iter::once(id).chain(self.ancestors(id)).find(|p| self.get(*p).is_some_and(|r| r.kind == "admin1"))
    }

    /// Places named exactly (any alternate, case and accents ignored) `name`.
    pub fn lookup(&self, name: &str) -> Vec<i64> {
        let f = fold(name.trim());
        match self.name_index.get(&f).copied() {
            Some(ni) => self.names[ni].places.iter().map(|&pi| self.places[pi].id).collect(),
            None => Vec::new(),
        }
    }

    /// Finds the places of a sentence. `blocked` are original byte ranges (actor names)
    /// where no place is looked for.
    pub fn find(
        &self,
        sentence: &str,
        folded: &Folded,
        tokens: &[Token],
        lex: &LangLexicon,
        blocked: &[(usize, usize)],
        ctx: &mut PlaceContext,
    ) -> Vec<PlaceMention> {
        let text = &folded.text;
        // Tokens are sorted: find the one holding a byte by binary search.
        let tok_at = |folded_off: usize| {
            let i = tokens.partition_point(|t| t.end <= folded_off);
            tokens.get(i).filter(|t| t.start <= folded_off).map(|_| i)
        };
        let is_blocked = |s: usize, e: usize| blocked.iter().any(|&(bs, be)| s >= bs && e <= be && (be - bs) > (e - s));

        // (first token, end token, name index or fuzzy (name, score))
        struct Raw {
            t0: usize,
            t1: usize,
            name: usize,
            fuzzy: Option<f64>,
        }
        let mut raws: Vec<Raw> = Vec::new();
        for m in self.automaton.find_iter(text.as_str()) {
            if !is_word_boundary(text, m.start(), m.end()) {
                continue;
            }
            let ostart = folded.original(m.start());
            let oend = folded.original_end(m.end(), sentence);
            // A proper name is capitalised somewhere ("Homs", "al-Qaryatayn"), not "the hama".
            let capitalised = sentence.get(ostart..oend).is_some_and(|w| {
                w.split(|c: char| !c.is_alphanumeric())
                    .any(|part| part.chars().next().is_some_and(|c| !c.is_lowercase()))
            });
            let needs_capital = self.names[m.pattern().as_usize()].needs_capital;
            if (needs_capital && !capitalised) || is_blocked(ostart, oend) {
                continue;
            }
            let name = &self.name_text[m.pattern().as_usize()];
            if lex.known_words.contains(name.as_str()) {
                continue;
            }
            let (Some(t0), Some(tl)) = (tok_at(m.start()), tok_at(m.end().saturating_sub(1))) else { continue };
            raws.push(Raw { t0, t1: tl + 1, name: m.pattern().as_usize(), fuzzy: None });
        }

        // Fuzzy: capitalised unknown words right after a place preposition or a place.
        let mut covered_tokens = vec![false; tokens.len()];
        // place_ends[t]: a place ends just before token t.
        let mut place_ends = vec![false; tokens.len() + 1];
        for r in &raws {
            for c in covered_tokens.iter_mut().take(r.t1).skip(r.t0) {
                *c = true;
            }
            place_ends[r.t1] = true;
        }
        for i in 0..tokens.len() {
            if covered_tokens[i] || i == 0 {
                continue;
            }
            // The cheap tests first: this runs for every word of every sentence.
            let word = &text[tokens[i].start..tokens[i].end];
            if word.len() < FUZZY_MIN_CHARS {
                continue; // fewer bytes, fewer chars
            }
            let ostart = folded.original(tokens[i].start);
            if !sentence.get(ostart..).and_then(|o| o.chars().next()).is_some_and(char::is_uppercase) {
                continue;
            }
            let prev = &text[tokens[i - 1].start..tokens[i - 1].end];
            let after_place = place_ends[i] || (place_ends[i - 1] && (prev == "et" || prev == "and"));
            if !(after_place || lex.place_prepositions.contains(prev)) {
                continue;
            }
            let oend = folded.original_end(tokens[i].end, sentence);
            // The word as written must be there (the capital above was read from its start).
            let written = sentence.get(ostart..oend).is_some_and(|o| !o.is_empty());
            if !written
                || word.chars().count() < FUZZY_MIN_CHARS
                || lex.known_words.contains(word)
                || is_blocked(ostart, oend)
            {
                continue;
            }
            if let Some((ni, score)) = self.fuzzy_best(word) {
                raws.push(Raw { t0: i, t1: i + 1, name: ni, fuzzy: Some(score) });
                covered_tokens[i] = true;
                place_ends[i + 1] = true;
            }
        }
        raws.sort_by_key(|r| r.t0);

        // Cues indexed by token, so that each place looks its cues up in constant time (a
        // scan of every cue for every place made long sentences quadratic).
        let cues = lex.places.find_all(text, tokens);
        let n = tokens.len();
        // The cue ending at token t (the last found, if several), and the nearest cue end at
        // or before t.
        let mut cue_ending: Vec<Option<PlaceCue>> = vec![None; n + 1];
        let mut cues_starting: Vec<Vec<PlaceCue>> = vec![Vec::new(); n + 1];
        let mut refusal_ends = vec![false; n + 1];
        for c in &cues {
            if *c.tag == PlaceCue::NotAPlaceBefore {
                refusal_ends[c.end] = true;
            }
            cue_ending[c.end] = Some(*c.tag);
            cues_starting[c.start].push(*c.tag);
        }
        let mut last_cue_end: Vec<Option<usize>> = vec![None; n + 1];
        for t in 0..=n {
            last_cue_end[t] =
                if cue_ending[t].is_some() { Some(t) } else { t.checked_sub(1).and_then(|p| last_cue_end[p]) };
        }
        // The first token of the run of determiners that ends just before token t (looked up
        // for places only, not for every word).
        let is_det = |i: usize| lex.determiners.contains(&text[tokens[i].start..tokens[i].end]);
        let determiners_from = |t: usize| (0..t).rev().find(|&i| !is_det(i)).map_or(0, |i| i + 1);
        // list_start[ri]: where the list holding place ri starts (see below).
        let mut list_start: Vec<usize> = Vec::with_capacity(raws.len());
        let mut raw_covering: Vec<Option<usize>> = vec![None; n];
        let mut out = Vec::new();
        for (ri, r) in raws.iter().enumerate() {
            // Walk back over list connectors and earlier places to the cue that governs a
            // list; an earlier place's own walk is reused, so a long list costs one pass.
            let mut k = r.t0;
            while k > 0 {
                let w = &text[tokens[k - 1].start..tokens[k - 1].end];
                if let Some(p) = raw_covering[k - 1] {
                    k = list_start[p];
                    break;
                } else if lex.list_connectors.contains(w) {
                    k -= 1;
                } else {
                    break;
                }
            }
            list_start.push(k);
            for slot in raw_covering.iter_mut().take(r.t1).skip(r.t0) {
                slot.get_or_insert(ri);
            }
            let before = last_cue_end[r.t0].filter(|&e| e >= k).and_then(|e| cue_ending[e]);
            let after = cues_starting[r.t1].iter().copied().find(|&t| t != PlaceCue::NotAPlaceAfter);
            if cues_starting[r.t1].contains(&PlaceCue::NotAPlaceAfter) {
                continue;
            }
            if (determiners_from(r.t0)..=r.t0).any(|e| refusal_ends[e]) {
                continue;
            }
            let admin1_cue =
                matches!(before, Some(PlaceCue::Admin1Before)) || matches!(after, Some(PlaceCue::Admin1After));
            let city_cue = matches!(before, Some(PlaceCue::CityBefore)) || matches!(after, Some(PlaceCue::CityAfter));
            let near = matches!(before, Some(PlaceCue::Near));
            let Some(pi) = self.choose(r.name, admin1_cue, ctx) else { continue };
            let place = &self.places[pi];
            let broad = if !admin1_cue && !city_cue && place.kind == "city" {
                // A bare name shared by a city and its own governorate.
                place.parent.filter(|&g| {
                    self.names[r.name].places.iter().any(|&o| self.places[o].id == g && self.places[o].kind == "admin1")
                })
            } else {
                None
            };
            let (match_kind, score) = match r.fuzzy {
                Some(s) => (MatchKind::Fuzzy, s),
                None if self.names[r.name].primary_for.contains(&pi) => (MatchKind::Exact, 1.0),
                None => (MatchKind::Alias, 1.0),
            };
            let start = folded.original(tokens[r.t0].start);
            let end = folded.original_end(tokens[r.t1 - 1].end, sentence);
            out.push(PlaceMention {
                place: place.id,
                start,
                end,
                match_kind,
                score,
                relation: if near { Relation::Near } else { Relation::In },
                broad,
            });
        }

        // A place the words point back to, over tokens t0..t1.
        let reference = |place: i64, t0: usize, t1: usize| PlaceMention {
            place,
            start: folded.original(tokens[t0].start),
            end: folded.original_end(tokens[t1 - 1].end, sentence),
            match_kind: MatchKind::Reference,
            score: 1.0,
            relation: Relation::In,
            broad: None,
        };
        // "cette ville" / "the city": the last city named, in this sentence or before.
        // ("the city of Homs" names the city; it does not point back.)
        let names_follow = |end: usize| raws.iter().any(|r| r.t0 >= end && r.t0 <= end + 1);
        for c in cues.iter().filter(|c| *c.tag == PlaceCue::ThisCity && !names_follow(c.end)) {
            let last_here = out
                .iter()
                .filter(|m| m.start < folded.original(tokens[c.start].start))
                .rfind(|m| self.get(m.place).is_some_and(|p| p.kind == "city"))
                .map(|m| m.place);
            if let Some(city) = last_here.or(ctx.last_city) {
                out.push(reference(city, c.start, c.end));
            }
        }

        // "la capitale" / "the capital": the most populous city of the country in context.
        for c in cues.iter().filter(|c| *c.tag == PlaceCue::Capital) {
            let country = out
                .iter()
                .filter_map(|m| self.country_of(m.place))
                .next()
                .or_else(|| ctx.admin1_seen.iter().filter_map(|&a| self.country_of(a)).next());
            if let Some(capital) = country.and_then(|c| self.capital_of(c)) {
                out.push(reference(capital, c.start, c.end));
            }
        }

        for m in &out {
            if let Some(p) = self.get(m.place) {
                if p.kind == "city" {
                    ctx.last_city = Some(p.id);
                }
                if let Some(a) = self.admin1_of(p.id) {
                    ctx.admin1_seen.insert(a);
                }
            }
        }
        out
    }

    /// The place a name stands for: the governorate after a governorate cue; otherwise a
    /// city or site before a governorate or country of the same name ("Homs" alone is the
    /// city), then one in a governorate the article already named, then the most populous.
    fn choose(&self, name: usize, admin1_cue: bool, ctx: &PlaceContext) -> Option<usize> {
        let cands = &self.names[name].places;
        if admin1_cue {
            if let Some(&a) = cands.iter().find(|&&p| self.places[p].kind == "admin1") {
                return Some(a);
            }
        }
        let rank = |&p: &usize| {
            let r = &self.places[p];
            let level = match r.kind.as_str() {
                "country" => 1,
                "admin1" => 2,
                _ => 3,
            };
            let in_context = self.admin1_of(r.id).is_some_and(|a| ctx.admin1_seen.contains(&a));
            let primary = self.names[name].primary_for.contains(&p);
            (level, in_context, primary, r.population)
        };
        cands.iter().copied().max_by_key(|p| {
            let (l, c, pr, pop) = rank(p);
            (l, c, pr, pop)
        })
    }

    fn fuzzy_best(&self, word: &str) -> Option<(usize, f64)> {
        let first = word.chars().next()?;
        let n = word.chars().count();
        let mut best: Option<(usize, f64)> = None;
        for len in n.saturating_sub(1)..=n + 1 {
            for &ni in self.fuzzy.get(&(first, len)).into_iter().flatten() {
                // Most names of the right length share few letters with the word: those
                // that cannot reach the threshold are not scored (a matrix per pair).
                let floor = distance_floor(word, &self.name_text[ni]);
                if floor.is_some_and(|d| 1.0 - (d as f64) / (n.max(len) as f64) < FUZZY_THRESHOLD) {
                    continue;
                }
                let score = strsim::normalized_damerau_levenshtein(word, &self.name_text[ni]);
                if score >= FUZZY_THRESHOLD && best.is_none_or(|(_, b)| score > b) {
                    best = Some((ni, score));
                }
            }
        }
        best
    }
}

/// A lower bound of the Damerau-Levenshtein distance of two ASCII words (None for others):
/// an edit changes the multiset of their letters by at most two (a transposition by none),
/// so the distance is at least half the letters they do not share.
fn distance_floor(a: &str, b: &str) -> Option<usize> {
    if !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    let mut diff = [0i16; 128];
    for &c in a.as_bytes() {
        diff[usize::from(c)] += 1;
    }
    for &c in b.as_bytes() {
        diff[usize::from(c)] -= 1;
    }
    let unshared: usize = diff.iter().map(|d| usize::from(d.unsigned_abs())).sum();
    Some(unshared.div_ceil(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::text::tokenize;

    fn rec(id: i64, name: &str, kind: &str, parent: Option<i64>, pop: i64, alts: &[&str]) -> PlaceRecord {
        PlaceRecord {
            id,
            name: name.into(),
            kind: kind.into(),
            country: Some("SY".into()),
            parent,
            lat: None,
            lon: None,
            population: pop,
            alternates: alts.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn small() -> Gazetteer {
        Gazetteer::new(vec![
            rec(1, "Syria", "country", None, 0, &["Syrie"]),
            rec(11, "Homs", "admin1", Some(1), 0, &["Hims"]),
            rec(10, "Hama", "admin1", Some(1), 0, &[]),
            rec(100, "Homs", "city", Some(11), 700000, &["Hims"]),
            rec(101, "Hama", "city", Some(10), 600000, &["Hamah"]),
            rec(102, "Tadmur", "city", Some(11), 50000, &["Palmyra", "Palmyre"]),
            rec(103, "Ar Rastan", "city", Some(11), 40000, &[]),
            rec(104, "Talbisah", "city", Some(11), 30000, &["Talbiseh"]),
        ])
    }

    fn find(g: &Gazetteer, s: &str, lang: crate::article::Lang) -> Vec<(i64, MatchKind, Relation, Option<i64>)> {
        let lex = Lexicon::shared();
        let f = Folded::new(s);
        let t = tokenize(&f.text);
        let mut ctx = PlaceContext::default();
        g.find(s, &f, &t, lex.lang(lang), &[], &mut ctx)
            .into_iter()
            .map(|m| (m.place, m.match_kind, m.relation, m.broad))
            .collect()
    }

    use crate::article::Lang::{En, Fr};

    #[test]
    fn the_builtin_names_are_scanned_by_a_dfa() {
        let g = Gazetteer::builtin().unwrap();
        assert_eq!(g.automaton.kind(), aho_corasick::AhoCorasickKind::DFA);
    }

    #[test]
    fn governorate_cue_and_bare_city() {
        let g = small();
        let found = find(&g, "Les forces ont quitté Palmyre dans la province de Homs.", Fr);
        assert_eq!(
            found,
            vec![(102, MatchKind::Alias, Relation::In, None), (11, MatchKind::Exact, Relation::In, None)]
        );
        let found = find(&g, "Le retrait de l'armée de Homs.", Fr);
        assert_eq!(found, vec![(100, MatchKind::Exact, Relation::In, Some(11))]);
        let found = find(&g, "Fighting in Homs province and in Hama city.", En);
        assert_eq!(found[0].0, 11);
        assert_eq!((found[1].0, found[1].3), (101, None));
    }

    #[test]
    fn distance_floor_never_exceeds_the_distance() {
        let mut state = 7u64;
        let mut word = || {
            let mut w = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for k in 0..3 + (state >> 60) as usize {
                w.push(char::from(b'a' + ((state >> (k * 4 % 56)) % 6) as u8));
            }
            w
        };
        for _ in 0..5000 {
            let (a, b) = (word(), word());
            let floor = distance_floor(&a, &b).unwrap();
            assert!(floor <= strsim::damerau_levenshtein(&a, &b), "{a} {b}");
        }
        assert_eq!(distance_floor("rasten", "rastan"), Some(1));
        assert_eq!(distance_floor("idlib", "ḩamāh"), None);
    }

    #[test]
    fn fuzzy_matches_misspelt_towns_with_score_but_not_homs_for_hama() {
        let g = small();
        let lex = Lexicon::shared();
        let s = "Ils contrôlent les villes de Rasten, Talbise et Hama.";
        let f = Folded::new(s);
        let t = tokenize(&f.text);
        let found = g.find(s, &f, &t, &lex.fr, &[], &mut PlaceContext::default());
        let _ = s;
        let ids: Vec<i64> = found.iter().map(|m| m.place).collect();
        assert_eq!(ids, vec![103, 104, 101]);
        assert_eq!(found[0].match_kind, MatchKind::Fuzzy);
        assert!(found[0].score >= FUZZY_THRESHOLD && found[0].score < 1.0);
        assert!(find(&g, "Ils sont entrés à Hamz.", Fr).is_empty(), "four letters are never fuzzy");
        assert!(strsim::normalized_damerau_levenshtein("homs", "hama") < FUZZY_THRESHOLD);
    }

    #[test]
    fn near_cue_and_this_city() {
        let g = small();
        let found = find(&g, "Une base à l'est de Palmyre a été évacuée, près de cette ville.", Fr);
        assert_eq!(found[0].0, 102);
        assert_eq!(found[0].2, Relation::Near);
    }

    #[test]
    fn lower_case_words_are_not_places() {
        let g = small();
        assert!(find(&g, "the hama of homs", En).is_empty());
    }

    #[test]
    fn ancestors_walk_up() {
        let g = small();
        assert_eq!(g.ancestors(102), vec![11, 1]);
        assert_eq!(g.admin1_of(102), Some(11));
    }

    #[test]
    fn builtin_tsv_parses() {
        let places = parse_places_tsv(BUILTIN_PLACES).unwrap();
        assert!(places.len() > 100);
    }
}
