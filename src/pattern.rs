//! Word patterns: the small language lexicons are written in.
//!
//! An entry such as `"pri* ~ contrôle"` is a sequence of folded words where `word*` matches
//! any word starting with `word` (stems: "retir*" covers "retirées", "retireraient"), a plain
//! word matches exactly, and `~` lets up to two arbitrary words sit in between. Patterns are
//! indexed by their first word so a sentence is scanned once, not once per pattern, and
//! patterns that start alike share their steps in a trie, so a word is compared with each
//! distinct next step once, not once per pattern ("the" starts 17 English cues).

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
    #[cfg(test)]
    steps: Vec<Step>,
    tag: T,
    source: String,
    /// Whether the first step is a stem: at one start and end, hits come in the order the
    /// set used to give them, patterns starting with a word first, each kind by index.
    stem_first: bool,
}

/// A node of the trie: the patterns whose steps so far lead here.
#[derive(Debug, Clone, Default)]
struct Node {
    /// Patterns with no step left, by index.
    ends: Vec<usize>,
    /// Next steps, with the node each leads to.
    exact: Vec<(String, usize)>,
    prefix: Vec<(String, usize)>,
    gap: Option<usize>,
    /// Whether a gap lies on the way here: then one start can reach the node at several
    /// tokens, and a pattern keeps the first end found, as tried skip 0, 1, 2 in turn.
    after_gap: bool,
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
    /// The trie below the first step; `nodes[0]` is unused (the root is the two maps).
    nodes: Vec<Node>,
    /// First word → its node.
    by_exact: HashMap<String, usize>,
    /// `stem_key` of a first stem → the stems with that key, with their nodes.
    by_stem: HashMap<String, Vec<(String, usize)>>,
    /// A bit per pair of leading bytes that some first word or stem starts with: most words
    /// of a sentence start no pattern of a given set, and this tells so without hashing
    /// them (each sentence is scanned by several sets).
    leads: Vec<u64>,
}

impl<T> Default for PatternSet<T> {
    fn default() -> Self {
        PatternSet {
            patterns: Vec::new(),
            nodes: vec![Node::default()],
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
        let fresh = self.nodes.len();
        let mut node = match &steps[0] {
            Step::Exact(w) => *self.by_exact.entry(w.clone()).or_insert(fresh),
            Step::Prefix(w) => {
                let stems = self.by_stem.entry(stem_key(w).to_string()).or_default();
                match stems.iter().find(|(s, _)| s == w) {
                    Some(&(_, n)) => n,
                    None => {
                        stems.push((w.clone(), fresh));
                        fresh
                    }
                }
            }
            Step::Gap => unreachable!("parse refuses a leading gap"),
        };
        if node == fresh {
            self.nodes.push(Node::default());
        }
        let mut after_gap = false;
        for step in &steps[1..] {
            after_gap |= *step == Step::Gap;
            let fresh = self.nodes.len();
            let n = &mut self.nodes[node];
            let next = match step {
                Step::Exact(w) => Self::child(&mut n.exact, w, fresh),
                Step::Prefix(w) => Self::child(&mut n.prefix, w, fresh),
                Step::Gap => *n.gap.get_or_insert(fresh),
            };
            if next == fresh {
                self.nodes.push(Node { after_gap, ..Node::default() });
            }
            node = next;
        }
        self.nodes[node].ends.push(idx);
        let stem_first = matches!(steps[0], Step::Prefix(_));
        self.patterns.push(Pattern {
            #[cfg(test)]
            steps,
            tag,
            source: entry.to_string(),
            stem_first,
        });
        Ok(())
    }

    /// The node `word` leads to among `children`, added as `fresh` if none does.
    fn child(children: &mut Vec<(String, usize)>, word: &str, fresh: usize) -> usize {
        match children.iter().find(|(w, _)| w == word) {
            Some(&(_, n)) => n,
            None => {
                children.push((word.to_string(), fresh));
                fresh
            }
        }
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
        // (pattern, end) of the matches starting at the word being read.
        let mut here: Vec<(usize, usize)> = Vec::new();
        let bytes = text.as_bytes();
        for i in 0..tokens.len() {
            // The lead read from the bytes, before the word is sliced: most words stop here.
            let t = &tokens[i];
            let l = match t.end - t.start {
                0 => 0,
                1 => usize::from(bytes[t.start]) << 8,
                _ => (usize::from(bytes[t.start]) << 8) | usize::from(bytes[t.start + 1]),
            };
            if self.leads[l / 64] & (1 << (l % 64)) == 0 {
                continue;
            }
            let word = &text[t.start..t.end];
            here.clear();
            if let Some(&n) = self.by_exact.get(word) {
                self.walk(n, text, tokens, i + 1, &mut here);
            }
            for (stem, n) in self.by_stem.get(stem_key(word)).into_iter().flatten() {
                if word.starts_with(stem.as_str()) {
                    self.walk(*n, text, tokens, i + 1, &mut here);
                }
            }
            if here.len() > 1 {
                let key = |&(p, end): &(usize, usize)| (std::cmp::Reverse(end), self.patterns[p].stem_first, p);
                here.sort_by_key(key);
            }
            hits.extend(here.iter().map(|&(p, end)| Hit { tag: &self.patterns[p].tag, start: i, end }));
        }
        hits
    }

    /// Adds to `found` the patterns that match from node `n` on, token `at` being next.
    fn walk(&self, n: usize, text: &str, tokens: &[Token], at: usize, found: &mut Vec<(usize, usize)>) {
        let node = &self.nodes[n];
        for &p in &node.ends {
            if !node.after_gap || !found.iter().any(|&(q, _)| q == p) {
                found.push((p, at));
            }
        }
        if let Some(t) = tokens.get(at) {
            let word = &text[t.start..t.end];
            if let Some(&(_, next)) = node.exact.iter().find(|(w, _)| w == word) {
                self.walk(next, text, tokens, at + 1, found);
            }
            for (stem, next) in &node.prefix {
                if word.starts_with(stem.as_str()) {
                    self.walk(*next, text, tokens, at + 1, found);
                }
            }
        }
        if let Some(next) = node.gap {
            for skip in 0..=GAP_MAX {
                if at + skip > tokens.len() {
                    break;
                }
                self.walk(next, text, tokens, at + skip, found);
            }
        }
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

    /// Every match, one pattern after another: what `find_all` must give.
    #[cfg(test)]
    fn find_all_reference<'s>(&'s self, text: &str, tokens: &[Token]) -> Vec<Hit<'s, T>> {
        let mut hits = Vec::new();
        for i in 0..tokens.len() {
            let word = &text[tokens[i].start..tokens[i].end];
            let firsts = |stem: bool| {
                self.patterns.iter().filter(move |p| p.stem_first == stem).filter(move |p| match &p.steps[0] {
                    Step::Exact(w) => w == word,
                    Step::Prefix(w) => stem_key(w) == stem_key(word),
                    Step::Gap => false,
                })
            };
            for p in firsts(false).chain(firsts(true)) {
                if let Some(end) = self.match_at(&p.steps, text, tokens, i) {
                    hits.push(Hit { tag: &p.tag, start: i, end });
                }
            }
        }
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        hits
    }

    #[cfg(test)]
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
    use crate::text::words;

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

    /// Random sentences over the words of a set's own entries (and a few others), matched
    /// through the trie and pattern by pattern: same hits, in the same order.
    fn trie_agrees_with_reference<T>(s: &PatternSet<T>, seed: u64) {
        let mut vocab: Vec<String> = vec!["x".into(), "le".into(), "the".into(), "et".into(), "and".into()];
        for e in s.entries() {
            for w in words(&e.replace(['*', '~'], " ")) {
                vocab.push(format!("{w}es"));
                vocab.push(w);
            }
        }
        let mut state = seed;
        let mut next = |n: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        for _ in 0..3000 {
            let len = 1 + next(12);
            let sentence: Vec<&str> = (0..len).map(|_| vocab[next(vocab.len())].as_str()).collect();
            let f = fold(&sentence.join(" "));
            let t = tokenize(&f);
            let key = |h: &Hit<'_, T>| (h.tag as *const T as usize, h.start, h.end);
            let trie: Vec<_> = s.find_all(&f, &t).iter().map(key).collect();
            let reference: Vec<_> = s.find_all_reference(&f, &t).iter().map(key).collect();
            assert_eq!(trie, reference, "{f:?}");
        }
    }

    #[test]
    fn the_trie_finds_what_each_pattern_finds() {
        let s = set(&["abc ~ b", "abc ~ ~ b", "abc* b", "abc", "abc", "abc ~ b c", "abc* ~ b", "b ~ c", "b c", "abd*"]);
        trie_agrees_with_reference(&s, 1);
        let lex = crate::lexicon::Lexicon::shared();
        for (i, l) in [&lex.fr, &lex.en].into_iter().enumerate() {
            let seed = i as u64 * 10;
            trie_agrees_with_reference(&l.cues, seed + 2);
            trie_agrees_with_reference(&l.events, seed + 3);
            trie_agrees_with_reference(&l.places, seed + 4);
            trie_agrees_with_reference(&l.quantity, seed + 5);
            trie_agrees_with_reference(&l.vague, seed + 6);
            trie_agrees_with_reference(&l.relative_days, seed + 7);
        }
    }

    #[test]
    fn short_stems_are_refused() {
        let mut s: PatternSet<()> = PatternSet::new();
        assert!(s.add("ni*", ()).is_err());
        assert!(s.add("~ pas", ()).is_err());
        assert!(s.add("", ()).is_err());
    }
}
