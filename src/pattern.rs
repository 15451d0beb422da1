//! Word patterns: the small language lexicons are written in.
//!
//! An entry such as `"pri* ~ contrôle"` is a sequence of folded words where `word*` matches
//! any word starting with `word` (stems: "retir*" covers "retirées", "retireraient"), a plain
//! word matches exactly, and `~` lets up to two arbitrary words sit in between. Patterns are
//! indexed by their first word so a sentence is scanned once, not once per pattern.

// Looked up once per word of every sentence, for every set: FxHash, not SipHash (the
// words are the lexicon's and the article's, and a collision only costs time).
use rustc_hash::FxHashMap as HashMap;

use crate::text::{fold, tokenize, Token};

/// Shortest stem accepted before `*`: shorter stems ("ni*") match far too many words.
pub const MIN_STEM: usize = 3;
/// How many words `~` may skip.
const GAP_MAX: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Exact(String),
    Prefix(String),
    Gap,
}

#[derive(Debug, Clone)]
struct Pattern<T> {
    steps: Vec<Step>,
    tag: T,
    source: String,
}

/// A match of one pattern over a token slice: tokens `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a, T> {
    pub tag: &'a T,
    pub start: usize,
    pub end: usize,
}

/// A set of tagged patterns, indexed by first word.
#[derive(Debug, Clone)]
pub struct PatternSet<T> {
    patterns: Vec<Pattern<T>>,
    by_exact: HashMap<String, Vec<usize>>,
    by_stem: HashMap<String, Vec<usize>>,
    /// A bit per pair of leading bytes that some first word or stem starts with: most words
    /// of a sentence start no pattern of a given set, and this tells so without hashing
    /// them (each sentence is scanned by several sets).
    leads: Vec<u64>,
}

impl<T> Default for PatternSet<T> {
    fn default() -> Self {
        PatternSet {
            patterns: Vec::new(),
            by_exact: HashMap::default(),
            by_stem: HashMap::default(),
            leads: vec![0; LEADS / 64],
        }
    }
}

/// How many pairs of leading bytes there are.
const LEADS: usize = 1 << 16;

/// The pair of leading bytes of a word (the second 0 for a one-byte word). A word equal to
/// a key, or with the same `stem_key`, has the same lead.
fn lead(word: &str) -> usize {
    let b = word.as_bytes();
    (usize::from(b.first().copied().unwrap_or(0)) << 8) | usize::from(b.get(1).copied().unwrap_or(0))
}

/// A map from folded words that tells most words it does not hold by a bit per pair of
/// leading bytes, without hashing them: month and weekday names are looked up for every
/// word of every clause, and almost no word is one.
#[derive(Debug, Clone)]
pub struct WordMap<V> {
    map: HashMap<String, V>,
    leads: Vec<u64>,
}

impl<V> WordMap<V> {
    #[inline]
    pub fn get(&self, word: &str) -> Option<&V> {
        let l = lead(word);
        if self.leads[l / 64] & (1 << (l % 64)) == 0 {
            return None;
        }
        self.get_hashed(word)
    }

    #[inline(never)]
    fn get_hashed(&self, word: &str) -> Option<&V> {
        self.map.get(word)
    }

    pub fn contains_key(&self, word: &str) -> bool {
        self.get(word).is_some()
    }
}

impl<V> FromIterator<(String, V)> for WordMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let map: HashMap<String, V> = iter.into_iter().collect();
        let mut leads = vec![0u64; LEADS / 64];
        for k in map.keys() {
            leads[lead(k) / 64] |= 1 << (lead(k) % 64);
        }
        WordMap { map, leads }
    }
}

/// Error in a lexicon entry, reported with the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub entry: String,
    pub reason: String,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pattern \"{}\": {}", self.entry, self.reason)
    }
}

fn parse(entry: &str) -> Result<Vec<Step>, PatternError> {
    let err = |reason: &str| PatternError { entry: entry.to_string(), reason: reason.to_string() };
    let mut steps = Vec::new();
    for chunk in entry.split_whitespace() {
        if chunk == "~" {
            steps.push(Step::Gap);
            continue;
        }
        let (body, stem) = match chunk.strip_suffix('*') {
            Some(b) => (b, true),
            None => (chunk, false),
        };
        let folded = fold(body);
        let toks = tokenize(&folded);
        if toks.is_empty() {
            return Err(err("a word has no letters"));
        }
        let last = toks.len() - 1;
        for (i, t) in toks.iter().enumerate() {
            let w = folded[t.start..t.end].to_string();
            if stem && i == last {
                if w.chars().count() < MIN_STEM {
                    return Err(err(&format!("stem '{w}*' is shorter than {MIN_STEM} letters")));
                }
                steps.push(Step::Prefix(w));
            } else {
                steps.push(Step::Exact(w));
            }
        }
    }
    match steps.first() {
        None => Err(err("empty pattern")),
        Some(Step::Gap) => Err(err("a pattern cannot start with ~")),
        _ if steps.last() == Some(&Step::Gap) => Err(err("a pattern cannot end with ~")),
        _ => Ok(steps),
    }
}

/// The first `MIN_STEM` letters of a word, which index the patterns starting with a stem.
fn stem_key(word: &str) -> &str {
    match word.char_indices().nth(MIN_STEM) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

impl<T> PatternSet<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, entry: &str, tag: T) -> Result<(), PatternError> {
        let steps = parse(entry)?;
        let idx = self.patterns.len();
        let key = match &steps[0] {
            Step::Exact(w) => w.as_str(),
            Step::Prefix(w) => stem_key(w),
            Step::Gap => unreachable!("parse refuses a leading gap"),
        };
        self.leads[lead(key) / 64] |= 1 << (lead(key) % 64);
        match &steps[0] {
            Step::Exact(w) => self.by_exact.entry(w.clone()).or_default().push(idx),
            Step::Prefix(w) => self.by_stem.entry(stem_key(w).to_string()).or_default().push(idx),
            Step::Gap => unreachable!("parse refuses a leading gap"),
        }
        self.patterns.push(Pattern { steps, tag, source: entry.to_string() });
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Every match, in order of start token, longest first at equal start.
    pub fn find_all<'s>(&'s self, text: &str, tokens: &[Token]) -> Vec<Hit<'s, T>> {
        let mut hits = Vec::new();
        for i in 0..tokens.len() {
            let word = &text[tokens[i].start..tokens[i].end];
            if self.leads[lead(word) / 64] & (1 << (lead(word) % 64)) == 0 {
                continue;
            }
            let exact = self.by_exact.get(word).into_iter().flatten();
            let stems = self.by_stem.get(stem_key(word)).into_iter().flatten();
            for &p in exact.chain(stems) {
                if let Some(end) = self.match_at(&self.patterns[p].steps, text, tokens, i) {
                    hits.push(Hit { tag: &self.patterns[p].tag, start: i, end });
                }
            }
        }
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        hits
    }

    /// Matches that do not overlap, preferring the earliest then the longest.
    pub fn find_leftmost_longest<'s>(&'s self, text: &str, tokens: &[Token]) -> Vec<Hit<'s, T>> {
        let mut out: Vec<Hit<'s, T>> = Vec::new();
        for h in self.find_all(text, tokens) {
            if out.last().is_none_or(|last| h.start >= last.end) {
                out.push(h);
            }
        }
        out
    }

    /// Whether any pattern matches.
    pub fn any(&self, text: &str, tokens: &[Token]) -> bool {
        !self.find_all(text, tokens).is_empty()
    }

    /// The entry text of a pattern, for explanations.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        self.patterns.iter().map(|p| p.source.as_str())
    }

    fn match_at(&self, steps: &[Step], text: &str, tokens: &[Token], at: usize) -> Option<usize> {
        let Some((step, rest)) = steps.split_first() else {
            return Some(at);
        };
        match step {
            Step::Gap => (0..=GAP_MAX).find_map(|skip| {
                if at + skip > tokens.len() {
                    None
                } else {
                    self.match_at(rest, text, tokens, at + skip)
                }
            }),
            Step::Exact(w) => {
                let t = tokens.get(at)?;
                (&text[t.start..t.end] == w).then(|| self.match_at(rest, text, tokens, at + 1)).flatten()
            }
            Step::Prefix(w) => {
                let t = tokens.get(at)?;
                text[t.start..t.end]
                    .starts_with(w.as_str())
                    .then(|| self.match_at(rest, text, tokens, at + 1))
                    .flatten()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(entries: &[&str]) -> PatternSet<usize> {
        let mut s = PatternSet::new();
        for (i, e) in entries.iter().enumerate() {
            s.add(e, i).unwrap();
        }
        s
    }

    fn hits(s: &PatternSet<usize>, sentence: &str) -> Vec<(usize, usize, usize)> {
        let f = fold(sentence);
        let t = tokenize(&f);
        s.find_all(&f, &t).into_iter().map(|h| (*h.tag, h.start, h.end)).collect()
    }

    #[test]
    fn stems_cover_inflections() {
        let s = set(&["retir*", "retrait*"]);
        assert_eq!(hits(&s, "Les forces se seraient retirées").len(), 1);
        assert_eq!(hits(&s, "le retrait de l'armée").len(), 1);
        assert_eq!(hits(&s, "ils se retireraient").len(), 1);
        assert!(hits(&s, "la retraite").is_empty() || hits(&s, "la retraite").len() == 1);
    }

    #[test]
    fn gaps_allow_up_to_two_words() {
        let s = set(&["pri* ~ contrôle"]);
        assert_eq!(hits(&s, "ont pris le contrôle"), vec![(0, 1, 4)]);
        assert_eq!(hits(&s, "ont pris contrôle"), vec![(0, 1, 3)]);
        assert!(hits(&s, "ont pris la ville puis le contrôle").is_empty());
    }

    #[test]
    fn elisions_and_accents_in_entries() {
        let s = set(&["d'après", "s'empar*"]);
        assert_eq!(hits(&s, "D’après l'OSDH"), vec![(0, 0, 2)]);
        assert_eq!(hits(&s, "ils se sont emparés"), Vec::<(usize, usize, usize)>::new());
        assert_eq!(hits(&s, "ils s’emparent de la ville").len(), 1);
    }

    #[test]
    fn short_stems_are_refused() {
        let mut s: PatternSet<()> = PatternSet::new();
        assert!(s.add("ni*", ()).is_err());
        assert!(s.add("~ pas", ()).is_err());
        assert!(s.add("", ()).is_err());
    }
}
