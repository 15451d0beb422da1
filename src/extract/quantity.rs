//! Quantities: number, unit, what it measures, as a range (claims-spec §4).
//!
//! "environ 50" widens to a range, "plus de 30 000" opens it, "entre 20 et 30" is the
//! range, "des dizaines" is a range too. French groups digits with spaces and uses a
//! decimal comma; English groups with commas.

use regex::Regex;
use std::sync::OnceLock;

use crate::article::Lang;
use crate::lexicon::{LangLexicon, QuantityCue};
use crate::text::Token;

/// "about 50" is read as 50 ± this fraction.
pub const APPROX_FRACTION: f64 = 0.1;

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub low: f64,
    /// `f64::INFINITY` when open ("at least 40").
    pub high: f64,
    pub unit: String,
    /// What is measured: "killed", "wounded", "displaced", "distance", or "<event>: <unit>".
    pub measure: String,
    /// Token index of the number, to find the place a distance is measured from.
    pub token: usize,
}

fn number_re(lang: Lang) -> &'static Regex {
    static FR: OnceLock<Regex> = OnceLock::new();
    static EN: OnceLock<Regex> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| Regex::new(r"\b\d{1,3}(?:[ .]\d{3})+\b|\b\d+(?:,\d+)?\b").expect("valid")),
        Lang::En => EN.get_or_init(|| Regex::new(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)?\b").expect("valid")),
    }
}

fn parse_number(s: &str, lang: Lang) -> Option<f64> {
    let cleaned: String = match lang {
        Lang::Fr => s.chars().filter(|c| *c != ' ' && *c != '.').map(|c| if c == ',' { '.' } else { c }).collect(),
        Lang::En => s.chars().filter(|c| *c != ',').collect(),
    };
    cleaned.parse().ok()
}

/// Quantities of a clause. `event` names the measure when no casualty word does.
pub fn find_quantities(text: &str, tokens: &[Token], lex: &LangLexicon, event: &str) -> Vec<Quantity> {
    let cues = lex.quantity.find_all(text, tokens);
    let cue_at = |i: usize, want: &[QuantityCue]| cues.iter().any(|c| c.start == i && want.contains(c.tag));
    let cue_ending_at = |end: usize| cues.iter().filter(|c| c.end == end).map(|c| *c.tag).next();
    let tok_index = |off: usize| tokens.iter().position(|t| t.start == off);
    let word = |i: usize| tokens.get(i).map(|t| &text[t.start..t.end]).unwrap_or("");

    // Numbers with their token spans; a number glued to a month or a slash is a date.
    let mut numbers: Vec<(f64, usize, usize)> = Vec::new();
    let has_digits = text.bytes().any(|b| b.is_ascii_digit());
    for m in number_re(lex.lang).find_iter(if has_digits { text } else { "" }) {
        let Some(t0) = tok_index(m.start()) else { continue };
        let t1 = tokens.iter().rposition(|t| t.end <= m.end()).map_or(t0 + 1, |i| i + 1);
        let next = word(t1);
        let follows_slash = text[m.end()..].starts_with(['/', ':', 'h']) || text[..m.start()].ends_with(['/', ':']);
        if lex.months.contains_key(next)
            || follows_slash
            || !word(t0.saturating_sub(1)).is_empty() && lex.months.contains_key(word(t0.saturating_sub(1)))
        {
            continue;
        }
        let Some(v) = parse_number(m.as_str(), lex.lang) else { continue };
        // A bare four-digit year is not a quantity.
        if m.as_str().len() == 4
            && (1900.0..=2100.0).contains(&v)
            && !cue_at(t1, &[QuantityCue::People, QuantityCue::Distance])
        {
            continue;
        }
        numbers.push((v, t0, t1));
    }

    // Numbers in words count only right before what they count ("five people", "cinq soldats").
    for (i, t) in tokens.iter().enumerate() {
        if let Some(&v) = lex.number_words.get(&text[t.start..t.end]) {
            let next = if matches!(word(i + 1), "de" | "d" | "of") { i + 2 } else { i + 1 };
            if cue_at(next, &[QuantityCue::People, QuantityCue::Distance]) && !numbers.iter().any(|n| n.1 == i) {
                numbers.push((v, i, next));
            }
        }
    }
    numbers.sort_by_key(|n| n.1);

    let killed = cues.iter().any(|c| *c.tag == QuantityCue::Killed);
    let wounded = cues.iter().any(|c| *c.tag == QuantityCue::Wounded);
    let displaced = cues.iter().any(|c| *c.tag == QuantityCue::Displaced);
    let people_measure = || {
        if killed {
            "killed"
        } else if wounded {
            "wounded"
        } else if displaced {
            "displaced"
        } else {
            "people"
        }
    };

    let mut out = Vec::new();
    let mut used_as_upper: Vec<usize> = Vec::new();
    for (ni, &(v, t0, t1)) in numbers.iter().enumerate() {
        if used_as_upper.contains(&ni) {
            continue;
        }
        let (mut low, mut high) = (v, v);
        let mut unit_at = t1;
        // "entre 20 et 30", "between 20 and 30"
        if cue_ending_at(t0) == Some(QuantityCue::Between) {
            if let Some((nj, &(v2, _, t1b))) = numbers.iter().enumerate().nth(ni + 1) {
                if cue_at(t1, &[QuantityCue::BetweenAnd]) && v2 >= v {
                    high = v2;
                    unit_at = t1b;
                    used_as_upper.push(nj);
                }
            }
        }
        match cue_ending_at(t0) {
            Some(QuantityCue::Approx) => {
                low = v * (1.0 - APPROX_FRACTION);
                high = v * (1.0 + APPROX_FRACTION);
            }
            Some(QuantityCue::AtLeast) => high = f64::INFINITY,
            Some(QuantityCue::AtMost) => low = 0.0,
            _ => {}
        }
        // Skip "de"/"of" between number and unit ("30 000 de civils" is rare, "dozens of").
        let unit_word = word(unit_at);
        let (unit, measure) = if cue_at(unit_at, &[QuantityCue::Distance]) {
            let factor = if unit_word.starts_with("mile") {
                1.609
            } else if unit_word == "m" || unit_word.starts_with("metre") || unit_word.starts_with("meter") {
                0.001
            } else {
                1.0
            };
            low *= factor;
            if high.is_finite() {
                high *= factor;
            }
            ("km".to_string(), "distance".to_string())
        } else if cue_at(unit_at, &[QuantityCue::People]) || (unit_word.is_empty() && killed) {
            ("people".to_string(), people_measure().to_string())
        } else if !unit_word.is_empty()
            && unit_word.chars().all(char::is_alphabetic)
            && !lex.known_words.contains(unit_word)
        {
            (unit_word.to_string(), format!("{event}: {unit_word}"))
        } else {
            continue;
        };
        out.push(Quantity { low, high, unit, measure, token: t0 });
    }

    // Vague amounts: "des dizaines de civils", "dozens of people".
    for h in lex.vague.find_leftmost_longest(text, tokens) {
        let (lo, hi) = *h.tag;
        let mut u = h.end;
        if matches!(word(u), "de" | "d" | "of") {
            u += 1;
        }
        if cue_at(u, &[QuantityCue::People]) {
            out.push(Quantity {
                low: lo,
                high: hi,
                unit: "people".into(),
                measure: people_measure().into(),
                token: h.start,
            });
        } else if cue_at(u, &[QuantityCue::Distance]) {
            out.push(Quantity { low: lo, high: hi, unit: "km".into(), measure: "distance".into(), token: h.start });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::text::{fold, tokenize};

    fn q(s: &str, lang: Lang) -> Vec<(f64, f64, String, String)> {
        let lex = Lexicon::shared();
        let f = fold(s);
        let t = tokenize(&f);
        find_quantities(&f, &t, lex.lang(lang), "capture")
            .into_iter()
            .map(|q| (q.low, q.high, q.unit, q.measure))
            .collect()
    }

    #[test]
    fn french_numbers_and_ranges() {
        assert_eq!(
            q("tuant plus de 30 000 civils", Lang::Fr),
            vec![(30000.0, f64::INFINITY, "people".into(), "killed".into())]
        );
        assert_eq!(q("à 20 kilomètres de la capitale", Lang::Fr), vec![(20.0, 20.0, "km".into(), "distance".into())]);
        let v = q("occupation d'environ 50 villages", Lang::Fr);
        assert_eq!(v.len(), 1);
        assert!((v[0].0 - 45.0).abs() < 1e-9 && (v[0].1 - 55.0).abs() < 1e-9 && v[0].2 == "villages");
        assert_eq!(q("1,5 km", Lang::Fr)[0].0, 1.5);
        assert_eq!(
            q("des dizaines de civils ont été tués", Lang::Fr),
            vec![(20.0, 99.0, "people".into(), "killed".into())]
        );
        assert_eq!(
            q("à une vingtaine de kilomètres de Damas", Lang::Fr),
            vec![(18.0, 22.0, "km".into(), "distance".into())]
        );
        assert_eq!(q("cinq personnes ont été tuées", Lang::Fr), vec![(5.0, 5.0, "people".into(), "killed".into())]);
        assert_eq!(q("the strike killed five people", Lang::En), vec![(5.0, 5.0, "people".into(), "killed".into())]);
    }

    #[test]
    fn english_numbers_and_ranges() {
        assert_eq!(q("killed 30,000 people", Lang::En), vec![(30000.0, 30000.0, "people".into(), "killed".into())]);
        assert_eq!(
            q("between 20 and 30 people were killed", Lang::En),
            vec![(20.0, 30.0, "people".into(), "killed".into())]
        );
        assert_eq!(q("at least 40 civilians died", Lang::En)[0].1, f64::INFINITY);
        assert!(q("on December 6, 2024", Lang::En).is_empty());
    }
}
