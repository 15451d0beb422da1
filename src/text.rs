//! Text normalisation shared by every matcher: case and accent folding that keeps a map
//! back to the original bytes, and a tokenizer over the folded text.
//!
//! Lexicon patterns, gazetteer names and article text all go through `fold`, so "Palmyre",
//! "PALMYRE" and "palmyre" meet, and "l’armée" and "l'armée" tokenize the same way.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// Folded text with, for each folded byte, the byte offset in the original it came from.
#[derive(Debug, Clone)]
pub struct Folded {
    pub text: String,
    /// `origin[i]` is the original byte offset of folded byte `i`; one extra entry at the
    /// end holds the original length, so `origin[end]` is valid for any folded end.
    origin: Vec<usize>,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len() + 1);
        let mut at = 0;
        while at < original.len() {
            // A run of ASCII that folds to itself lower-cased (most of any text) is copied
            // and lower-cased whole, not char by char: this runs over every article.
            let run = original.as_bytes()[at..].iter().take_while(|&&b| folds_to_lowercase(b)).count();
            if run > 0 {
                let before = text.len();
                text.push_str(&original[at..at + run]);
                text[before..].make_ascii_lowercase();
                origin.extend(at..at + run);
                at += run;
                continue;
            }
            let ch = original[at..].chars().next().expect("at is a char boundary");
            let before = text.len();
            push_folded(ch, &mut text);
            origin.extend(std::iter::repeat_n(at, text.len() - before));
            at += ch.len_utf8();
        }
        origin.push(original.len());
        Folded { text, origin }
    }

    /// The folding of `original[range]`, where `self` is the folding of the whole of
    /// `original`: folding goes char by char, so it is the matching slice of this one, with
    /// offsets made relative to the range. An article is folded once and its lines,
    /// sentences and statements are cut from it, not folded again each.
    pub fn slice(&self, range: Range<usize>) -> Folded {
        let folded = self.folded_range(range.clone());
        let mut origin = Vec::with_capacity(folded.len() + 1);
        origin.extend(self.origin[folded.clone()].iter().map(|&o| o - range.start));
        origin.push(range.len());
        Folded { text: self.text[folded].to_string(), origin }
    }

    /// The folded text of `original[range]` (see `slice`), borrowed.
    pub fn slice_text(&self, range: Range<usize>) -> &str {
        &self.text[self.folded_range(range)]
    }

    /// The folded byte range of an original byte range whose ends are char boundaries: the
    /// folded bytes of the chars it holds (origins are sorted, one run per char).
    fn folded_range(&self, range: Range<usize>) -> Range<usize> {
        let origins = &self.origin[..self.text.len()];
        let start = origins.partition_point(|&o| o < range.start);
        start..start + origins[start..].partition_point(|&o| o < range.end)
    }

    /// Original byte offset of a folded byte offset.
    pub fn original(&self, folded_at: usize) -> usize {
        self.origin.get(folded_at).copied().unwrap_or_else(|| *self.origin.last().unwrap_or(&0))
    }

    /// Original byte offset just past the folded range ending at `folded_end`.
    pub fn original_end(&self, folded_end: usize, original: &str) -> usize {
        if folded_end == 0 {
            return 0;
        }
        let last = self.original(folded_end - 1);
        // Step past the whole original character the last folded byte came from.
        original.get(last..).and_then(|s| s.chars().next()).map_or(original.len(), |c| last + c.len_utf8())
    }
}

/// Lower-case, strip accents, unify apostrophes and dashes. One char may become several
/// ("œ" → "oe") or none (a combining mark).
/// Appends the folded form of `ch` to `out`; ASCII (most of the text) takes the fast path.
#[inline]
fn push_folded(ch: char, out: &mut String) {
    if ch.is_ascii() && folds_to_lowercase(ch as u8) {
        out.push(ch.to_ascii_lowercase());
    } else {
        push_folded_other(ch, out);
    }
}

/// Whether an ASCII byte folds to its lower case: all but the two `push_folded_other` maps.
#[inline]
fn folds_to_lowercase(b: u8) -> bool {
    b.is_ascii() && b != b'-' && b != b'`'
}

/// The slow path of `push_folded`, written straight into `out` (it ran once per accented
/// letter of every text, and collecting each into a vector was an allocation each).
fn push_folded_other(ch: char, out: &mut String) {
    let mapped: Option<&'static str> = match ch {
        '’' | '‘' | 'ʼ' | '`' | '´' | 'ʻ' => Some("'"),
        // Hyphens fold to spaces so "al-Qaryatayn" and "Al Qaryatayn" meet (one byte each: offsets hold).
        '-' => Some(" "),
        '‐' | '‑' | '‒' | '–' | '—' => Some("-"),
        'œ' | 'Œ' => Some("oe"),
        'æ' | 'Æ' => Some("ae"),
        'ß' => Some("ss"),
        '\u{a0}' | '\u{202f}' | '\u{2009}' => Some(" "),
        _ => None,
    };
    match mapped {
        Some(s) => out.push_str(s),
        None if ch.is_ascii() => out.push(ch.to_ascii_lowercase()),
        None => {
            for c in std::iter::once(ch).nfd().filter(|c| !is_combining_mark(*c)) {
                out.extend(c.to_lowercase());
            }
        }
    }
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Folds a whole string (for lexicon entries and names).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        push_folded(ch, &mut out);
    }
    out
}

/// A word of folded text, with its span in the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

/// Words are runs of letters and digits; apostrophes, hyphens and punctuation separate
/// them, so "d'après" is ["d", "apres"] and "Al-Assad" is ["al", "assad"].
pub fn tokenize(folded: &str) -> Vec<Token> {
    // Every sentence is tokenized: room for a word per `BYTES_PER_WORD` bytes up front, not
    // a vector grown by doubling, and ASCII (most bytes) is classed without decoding a char
    // (`char::is_alphanumeric` and `u8::is_ascii_alphanumeric` agree on ASCII).
    const BYTES_PER_WORD: usize = 6;
    let bytes = folded.as_bytes();
    let mut tokens = Vec::with_capacity(bytes.len() / BYTES_PER_WORD + 1);
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (is_word, len) = if bytes[i].is_ascii() {
            (bytes[i].is_ascii_alphanumeric(), 1)
        } else {
            let c = folded[i..].chars().next().expect("i is a char boundary");
            (c.is_alphanumeric(), c.len_utf8())
        };
        if is_word {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            tokens.push(Token { start: s, end: i });
        }
        i += len;
    }
    if let Some(s) = start {
        tokens.push(Token { start: s, end: folded.len() });
    }
    tokens
}

/// The folded words of a lexicon entry, e.g. "d’après" → ["d", "apres"].
pub fn words(s: &str) -> Vec<String> {
    let f = fold(s);
    tokenize(&f).into_iter().map(|t| f[t.start..t.end].to_string()).collect()
}

/// True when the first character of `s` is upper case.
pub fn is_capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_a_map_to_original_bytes() {
        let original = "L’Armée à Palmyre";
        let f = Folded::new(original);
        assert_eq!(f.text, "l'armee a palmyre");
        let at = f.text.find("palmyre").unwrap();
        let start = f.original(at);
        let end = f.original_end(at + "palmyre".len(), original);
        assert_eq!(&original[start..end], "Palmyre");
        let at = f.text.find("armee").unwrap();
        let end = f.original_end(at + 5, original);
        assert_eq!(&original[f.original(at)..end], "Armée");
    }

    #[test]
    fn a_slice_of_a_folding_is_the_folding_of_the_slice() {
        let original = "L’Œuvre d’Ḩamāh — e\u{301}té\u{a0}STRAßE, al-Qaryatayn.";
        let whole = Folded::new(original);
        let bounds: Vec<usize> = original.char_indices().map(|(i, _)| i).chain([original.len()]).collect();
        for (i, &a) in bounds.iter().enumerate() {
            for &b in &bounds[i..] {
                let (cut, fresh) = (whole.slice(a..b), Folded::new(&original[a..b]));
                assert_eq!((&cut.text, &cut.origin), (&fresh.text, &fresh.origin), "{a}..{b}");
                assert_eq!(whole.slice_text(a..b), fresh.text);
            }
        }
    }

    #[test]
    fn tokens_are_the_runs_of_alphanumeric_chars() {
        let s = "L'Œuvre d'Ḩamāh: 12/06/2024, x_y ²³ e\u{301}té — ٣٤ fin";
        let mut expected = Vec::new();
        let mut start = None;
        for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
            match (c.is_alphanumeric() && i < s.len(), start) {
                (true, None) => start = Some(i),
                (false, Some(a)) => {
                    expected.push(Token { start: a, end: i });
                    start = None;
                }
                _ => {}
            }
        }
        assert_eq!(tokenize(s), expected);
    }

    #[test]
    fn tokens_split_elisions_and_hyphens() {
        assert_eq!(words("d’après Al-Assad"), vec!["d", "apres", "al", "assad"]);
        assert_eq!(words("Œuvre ÉTÉ"), vec!["oeuvre", "ete"]);
    }
}
