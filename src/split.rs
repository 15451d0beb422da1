//! From article body to statements: paragraphs, headings, boilerplate, bullets, sentences.
//!
//! Lines are paragraphs (claims-spec §1). Sentences come from LanguageTool's SRX rules,
//! run through the `srx` crate. Every statement keeps its byte span in the body.

use std::ops::Range;

use crate::article::Lang;
use crate::lexicon::{Cue, LangLexicon};
use crate::text::{fold, tokenize, words, Folded};

const SEGMENT_SRX: &str = include_str!("../data/segment.srx");

/// A line this short (in words) with no final punctuation, standing alone, is a heading.
pub const HEADING_MAX_WORDS: usize = 14;
/// ... and at most this many bytes.
pub const HEADING_MAX_BYTES: usize = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    Heading,
    Sentence,
    Bullet,
    Boilerplate,
}

impl StatementKind {
    pub fn name(self) -> &'static str {
        match self {
            StatementKind::Heading => "heading",
            StatementKind::Sentence => "sentence",
            StatementKind::Bullet => "bullet",
            StatementKind::Boilerplate => "boilerplate",
        }
    }

    /// Whether statements of this kind can carry claims.
    pub fn can_claim(self) -> bool {
        matches!(self, StatementKind::Sentence | StatementKind::Bullet)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub span: Range<usize>,
    pub paragraph: usize,
    pub kind: StatementKind,
    /// For a bullet: the index (in the statement list) of the sentence that announced it,
    /// whose attribution it inherits.
    pub announced_by: Option<usize>,
}

/// Sentence rules per language, compiled once per process.
pub struct Splitter {
    fr: Rules,
    en: Rules,
}

/// One language's SRX rules, run as the `srx` crate runs them (in order; the first rule to
/// match at a position decides whether it breaks there), but only the rules that match
/// somewhere in the line: one pass of a `RegexSet` over the line tells which, and most
/// lines need two or three of the 140-odd rules. The crate runs every rule over every line,
/// which was two fifths of extraction.
struct Rules {
    /// Each rule as `before(after)`: a break goes where the group starts.
    rules: Vec<Rule>,
    any: regex::RegexSet,
    #[cfg(test)]
    reference: srx::Rules,
}

/// `pattern` without its `\b` and `\B`: it matches wherever `pattern` does, and more. The
/// set of rules is run with these, since a Unicode word boundary keeps the regex crate off
/// its fast DFA on any non-ASCII text (most French lines), and then the set was slower
/// than the rules one by one.
fn without_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b' | 'B') => {}
            Some(next) => {
                out.push(c);
                out.push(next);
            }
            None => out.push(c),
        }
    }
    out
}

/// A rule as the `srx` crate keeps it; its fields are private, but it serializes them.
#[derive(serde::Deserialize)]
struct RawRules {
    rules: Vec<RawRule>,
}

#[derive(serde::Deserialize)]
struct RawRule {
    regex: String,
    do_break: bool,
}

/// A rule's regex is compiled the first time a line needs it: a short run needs a few
/// dozen of the 140-odd, and compiling them all was a fifth of `check` on the two seed
/// articles. The `srx` crate keeps only the rules whose pattern it compiled (with the same
/// `regex` crate) while parsing the file, so none fails here; one that did would be skipped.
struct Rule {
    pattern: String,
    do_break: bool,
    regex: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Rule {
    fn regex(&self) -> Option<&regex::Regex> {
        self.regex.get_or_init(|| regex::Regex::new(&self.pattern).ok()).as_ref()
    }
}

impl Rules {
    fn new(srx: &srx::SRX, lang: &str) -> Result<Rules, String> {
        let parsed = srx.language_rules(lang);
        let raw: RawRules = serde_json::to_value(&parsed)
            .and_then(serde_json::from_value)
            .map_err(|e| format!("data/segment.srx: rules of '{lang}': {e}"))?;
        let any = regex::RegexSet::new(raw.rules.iter().map(|r| without_word_boundaries(&r.regex)))
            .map_err(|e| format!("data/segment.srx: {e}"))?;
        let rules = raw
            .rules
            .into_iter()
            .map(|r| Rule { pattern: r.regex, do_break: r.do_break, regex: std::sync::OnceLock::new() })
            .collect();
        Ok(Rules {
            rules,
            any,
            #[cfg(test)]
            reference: parsed,
        })
    }

    /// The sentences of `text`, as byte ranges that cover it (`srx::Rules::split_ranges`).
    fn split_ranges(&self, text: &str) -> Vec<Range<usize>> {
        let mut breaks: Vec<Option<bool>> = vec![None; text.len()];
        'rules: for i in self.any.matches(text).iter() {
            let rule = &self.rules[i];
            let Some(re) = rule.regex() else { continue };
            for caps in re.captures_iter(text) {
                let Some(at) = caps.get(1).map(|m| m.start()) else { continue };
                if at >= text.len() {
                    continue 'rules;
                }
                breaks[at].get_or_insert(rule.do_break);
            }
        }
        let mut out = Vec::new();
        let mut prev = 0;
        for (at, _) in text.char_indices() {
            if breaks[at] == Some(true) {
                out.push(prev..at);
                prev = at;
            }
        }
        if prev < text.len() {
            out.push(prev..text.len());
        }
        out
    }
}

impl std::fmt::Debug for Splitter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Splitter")
    }
}

impl Splitter {
    pub fn new() -> Result<Splitter, String> {
        let rules: srx::SRX = SEGMENT_SRX.parse().map_err(|e| format!("data/segment.srx: {e}"))?;
        Ok(Splitter { fr: Rules::new(&rules, "fr")?, en: Rules::new(&rules, "en")? })
    }

    fn rules(&self, lang: Lang) -> &Rules {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// Splits `body` into statements, in order.
    pub fn split(&self, body: &str, lang: Lang, lex: &LangLexicon) -> Vec<Statement> {
        self.split_folded(body, &Folded::new(body), lang, lex)
    }

    /// `split`, given the folding of `body` (extraction folds an article once, and cuts
    /// lines and statements from it).
    pub fn split_folded(&self, body: &str, folded_body: &Folded, lang: Lang, lex: &LangLexicon) -> Vec<Statement> {
        let mut out: Vec<Statement> = Vec::new();
        let mut paragraph = 0;
        let mut offset = 0;
        // The sentence that may announce a list, while bullets keep coming.
        let mut announcer = Announcer::None;
        for raw_line in body.split_inclusive('\n') {
            let line_start = offset;
            offset += raw_line.len();
            let Some(range) = trimmed(raw_line) else {
                continue;
            };
            let line = &raw_line[range.clone()];
            let start = line_start + range.start;
            let folded_line = folded_body.slice_text(start..start + line.len());
            let bullet_body = bullet_marker(line);

            if let Some(skip) = bullet_body {
                let span = start + skip..start + line.len();
                let kind =
                    if is_boilerplate(folded_line, lex) { StatementKind::Boilerplate } else { StatementKind::Bullet };
                let announced_by = announcer.resolve(body, folded_body, &out, lex);
                out.push(Statement { span, paragraph, kind, announced_by });
                paragraph += 1;
                continue;
            }
            announcer = Announcer::None;
            if is_boilerplate(folded_line, lex) {
                out.push(Statement {
                    span: start..start + line.len(),
                    paragraph,
                    kind: StatementKind::Boilerplate,
                    announced_by: None,
                });
            } else if is_heading(line) {
                out.push(Statement {
                    span: start..start + line.len(),
                    paragraph,
                    kind: StatementKind::Heading,
                    announced_by: None,
                });
            } else {
                for r in merge_abbreviations(line, self.rules(lang).split_ranges(line), lex) {
                    let Some(t) = trimmed(&line[r.clone()]) else { continue };
                    let s = start + r.start + t.start..start + r.start + t.end;
                    let kind = if is_boilerplate(folded_body.slice_text(s.clone()), lex) {
                        StatementKind::Boilerplate
                    } else {
                        StatementKind::Sentence
                    };
                    out.push(Statement { span: s, paragraph, kind, announced_by: None });
                }
                if out.last().is_some_and(|last| last.kind == StatementKind::Sentence) {
                    announcer = Announcer::Unread(out.len() - 1);
                }
            }
            paragraph += 1;
        }
        out
    }
}

/// The last sentence of the paragraph before a run of bullets, which they inherit their
/// attribution from if it announces a list. Whether it does is read only when a bullet
/// follows: most paragraphs are followed by none, and reading every paragraph's last
/// sentence for cues was a tenth of splitting.
#[derive(Debug, Clone, Copy)]
enum Announcer {
    None,
    /// Statement index of a sentence not read yet.
    Unread(usize),
    Read(Option<usize>),
}

impl Announcer {
    /// The statement announcing the bullet about to be pushed, reading the candidate once.
    fn resolve(&mut self, body: &str, folded_body: &Folded, out: &[Statement], lex: &LangLexicon) -> Option<usize> {
        if let Announcer::Unread(i) = *self {
            let span = out[i].span.clone();
            let announces = announces_list(&body[span.clone()], folded_body.slice_text(span), lex);
            *self = Announcer::Read(announces.then_some(i));
        }
        match *self {
            Announcer::Read(found) => found,
            _ => None,
        }
    }
}

/// Joins segments the SRX rules cut after an abbreviation ("Mr.", "M.", "Gen.") or an
/// initial: the lexicon's list is the authority, since the bundled rules miss some.
fn merge_abbreviations(line: &str, ranges: Vec<Range<usize>>, lex: &LangLexicon) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        if let Some(last) = out.last_mut() {
            let prev = line[last.clone()].trim_end();
            if let Some(body) = prev.strip_suffix('.') {
                let tail = body.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
                let folded = words(tail).join(" ");
                let initial = tail.chars().count() == 1 && tail.chars().all(char::is_uppercase);
                if initial
                    || lex.abbreviations.contains(&folded)
                    || lex.abbreviations.contains(fold(tail).replace('.', " ").trim())
                {
                    last.end = r.end;
                    continue;
                }
            }
        }
        out.push(r);
    }
    out
}

/// The non-blank part of a line, without surrounding whitespace.
fn trimmed(s: &str) -> Option<Range<usize>> {
    let start = s.len() - s.trim_start().len();
    let end = s.trim_end().len();
    (start < end).then_some(start..end)
}

/// Bytes to skip for a bullet marker ("- ", "• ", "* ", "– "), if the line is a bullet.
fn bullet_marker(line: &str) -> Option<usize> {
    for m in ["- ", "• ", "* ", "– ", "— ", "· "] {
        if let Some(rest) = line.strip_prefix(m) {
            let rest_trim = rest.trim_start();
            if !rest_trim.is_empty() {
                return Some(line.len() - rest_trim.len());
            }
        }
    }
    None
}

fn is_boilerplate(folded_line: &str, lex: &LangLexicon) -> bool {
    let l = folded_line.trim();
    lex.boilerplate.is_match(l)
}

/// A short line without final punctuation.
pub fn is_heading(line: &str) -> bool {
    let last = line.trim_end().chars().next_back();
    let ends_like_sentence = matches!(last, Some('.' | '!' | '?' | ':' | ';' | '…' | '»' | '"' | '”' | ')' | ','));
    !ends_like_sentence && line.len() <= HEADING_MAX_BYTES && line.split_whitespace().count() <= HEADING_MAX_WORDS
}

/// A sentence ending with ':' or carrying a cue such as "the following" announces a list.
fn announces_list(sentence: &str, folded: &str, lex: &LangLexicon) -> bool {
    if sentence.trim_end().ends_with(':') {
        return true;
    }
    let toks = tokenize(folded);
    lex.cues.find_all(folded, &toks).iter().any(|h| *h.tag == Cue::BulletIntro)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    fn kinds(body: &str, lang: Lang) -> Vec<(StatementKind, String)> {
        let lex = Lexicon::shared();
        let sp = Splitter::new().unwrap();
        sp.split(body, lang, lex.lang(lang)).into_iter().map(|s| (s.kind, body[s.span].to_string())).collect()
    }

    /// Lines of every fixture file, and lines made to hit the rules' edges.
    fn sample_lines() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(text) = std::fs::read_to_string(&p) {
                    out.extend(text.lines().map(str::to_string));
                }
            }
        }
        let mut lines = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"), &mut lines);
        lines.extend(
            [
                "",
                ".",
                "...",
                "a",
                "M. Dupont et Mme. X sont là. Puis ?! Non...",
                "U.S. officials said so. Mr. Smith left.",
                "Il est 5 h. Le 1er déc. 2024, etc. Fin.",
                "« Ça suffit ! » a-t-il dit. Ensuite…",
                "e.g. U.K. and Mr. do not split. SRX is a rule-based format.",
                "Point final.\u{a0}Suite",
                "(Voir p. 3.) Texte. 3.5 km. No. 4 ici.",
                "ÉTAT. ÉTÉ! Été? été.",
            ]
            .map(str::to_string),
        );
        lines
    }

    #[test]
    fn rules_split_as_the_srx_crate_does() {
        let sp = Splitter::new().unwrap();
        let lines = sample_lines();
        assert!(lines.len() > 1000, "{} lines", lines.len());
        for rules in [&sp.fr, &sp.en] {
            for line in &lines {
                assert_eq!(rules.split_ranges(line), rules.reference.split_ranges(line), "{line:?}");
            }
        }
    }

    #[test]
    fn headings_sentences_and_boilerplate() {
        let body = "Retraite des forces\nLes forces se sont retirées. Le 5 déc. le général Dupont a confirmé la nouvelle.\nCrédit Photo : AA /\n#Syrie\n";
        let k = kinds(body, Lang::Fr);
        assert_eq!(k[0], (StatementKind::Heading, "Retraite des forces".into()));
        assert_eq!(k[1], (StatementKind::Sentence, "Les forces se sont retirées.".into()));
        assert_eq!(k[2], (StatementKind::Sentence, "Le 5 déc. le général Dupont a confirmé la nouvelle.".into()));
        assert_eq!(k[3].0, StatementKind::Boilerplate);
        assert_eq!(k[4].0, StatementKind::Boilerplate);
    }

    #[test]
    fn bullets_point_at_their_announcer() {
        let lex = Lexicon::shared();
        let sp = Splitter::new().unwrap();
        let body = "Les factions ont annoncé :\n- la prise de Izra.\n- le contrôle de la route.\nAutre paragraphe ici, sans liste.\n";
        let st = sp.split(body, Lang::Fr, &lex.fr);
        assert_eq!(st[1].kind, StatementKind::Bullet);
        assert_eq!(st[1].announced_by, Some(0));
        assert_eq!(st[2].announced_by, Some(0));
        assert_eq!(&body[st[1].span.clone()], "la prise de Izra.");
        assert_eq!(st[3].announced_by, None);
    }

    #[test]
    fn spans_stay_inside_body_with_crlf_and_unicode() {
        let lex = Lexicon::shared();
        let sp = Splitter::new().unwrap();
        let body = "Titre\r\n  L’armée s’est retirée de Palmyre. Les rebelles avancent.  \r\n";
        for s in sp.split(body, Lang::Fr, &lex.fr) {
            assert!(body.get(s.span.clone()).is_some());
        }
    }

    #[test]
    fn english_abbreviations_do_not_split() {
        let k = kinds("Mr. Smith said troops withdrew on Dec. 6 from Homs. They left.\n", Lang::En);
        let sentences: Vec<_> = k.iter().filter(|(k, _)| *k == StatementKind::Sentence).collect();
        assert_eq!(sentences.len(), 2, "{k:?}");
    }
}
