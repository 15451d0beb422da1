//! Publication dates: parsing metadata values and finding the date a page prints.
//!
//! The search looks at the head of the text (first ~15 lines, at least ~1500 bytes and at
//! most 3000) for any full date, and further on (first 100 KB and last 4 KB) only for dates
//! next to a cue word (published, updated, MAJ, publié...). A date next to a cue beats a
//! time-stamped or stand-alone date, which beats a date in a sentence. Dates without a day
//! ("en février 1982") are never taken, nor dates in the future.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate};
use regex::Regex;

use super::floor_char_boundary;
use crate::article::Lang;

const HEAD_LINES: usize = 15;
const HEAD_MIN: usize = 1500;
const HEAD_MAX: usize = 3000;
const CUED_SCAN: usize = 100_000;
const TAIL_SCAN: usize = 4_000;
/// How far before a date the cue word is looked for.
const CUE_WINDOW: usize = 120;

/// Parses a date given as metadata: `YYYY-MM-DD`, RFC 3339, or a date-time starting with
/// `YYYY-MM-DD` (space or `T` separated), or RFC 2822.
pub(crate) fn parse_date_value(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
        return Some(dt.date_naive());
    }
    let date_part = v.get(..10);
    let rest = v.get(10..);
    if let (Some(d), Some(rest)) = (date_part, rest) {
        if rest.is_empty() || rest.starts_with(['T', 't', ' ']) {
            if let Some(date) = parse_iso_strict(d) {
                return Some(date);
            }
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(v) {
        return Some(dt.date_naive());
    }
    None
}

/// `YYYY-MM-DD` with exactly those widths.
fn parse_iso_strict(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    if !s.get(0..4)?.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Finds the publication date printed in an article's text, if any.
pub(crate) fn find_date(text: &str, lang: Option<Lang>) -> Option<NaiveDate> {
    find_date_before(text, lang, chrono::Local::now().date_naive())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Publish,
    Update,
    Weak,
    None,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    date: NaiveDate,
    score: u8,
}

/// `today` bounds the dates accepted (a page cannot be published in the future).
fn find_date_before(text: &str, lang: Option<Lang>, today: NaiveDate) -> Option<NaiveDate> {
    let len = text.len();
    let head = head_end(text);
    let mut best: Option<Candidate> = None;
    scan(text, 0, head, lang, today, true, &mut best);
    let cued_end = floor_char_boundary(text, len.min(CUED_SCAN)).max(head);
    if cued_end > head {
        scan(text, head, cued_end, lang, today, false, &mut best);
    }
    let tail = floor_char_boundary(text, len.saturating_sub(TAIL_SCAN)).max(cued_end);
    if tail < len {
        scan(text, tail, len, lang, today, false, &mut best);
    }
    best.map(|c| c.date)
}

/// End of the head: the end of line 15, at least `HEAD_MIN` bytes, at most `HEAD_MAX`.
fn head_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let limit = bytes.len().min(HEAD_MAX);
    let mut lines = 0;
    let mut end = limit;
    for (i, &b) in bytes.iter().take(limit).enumerate() {
        if b == b'\n' {
            lines += 1;
            if lines == HEAD_LINES {
                end = i;
                break;
            }
        }
    }
    let end = end.max(HEAD_MIN.min(bytes.len())).min(limit);
    floor_char_boundary(text, end)
}

struct Patterns {
    numeric: Regex,
    iso: Regex,
    fr: Regex,
    en_mdy: Regex,
    en_dmy: Regex,
    time: Regex,
}

const EN_MONTHS: &str = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // Optional glued time (`12:03` directly followed by the day, as scraped pages
        // print "12:036/12/2024"), then D/M/Y with / . or - separators.
        numeric: Regex::new(
            r"\b(?:(\d{1,2})[:hH](\d{2}))?(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b",
        )
        .expect("static regex"),
        iso: Regex::new(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[Tt]|\b)").expect("static regex"),
        fr: Regex::new(
            r"(?i)\b(\d{1,2}|1er)\s+(janvier|janv\.?|février|fevrier|févr\.?|fevr\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|août|aout|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|décembre|decembre|déc\.?|dec\.?)\s+(\d{4})\b",
        )
        .expect("static regex"),
        en_mdy: Regex::new(&format!(
            r"(?i)\b({EN_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?[,،]?\s+(\d{{4}})\b"
        ))
        .expect("static regex"),
        en_dmy: Regex::new(&format!(
            r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({EN_MONTHS})\.?[,،]?\s+(\d{{4}})\b"
        ))
        .expect("static regex"),
        time: Regex::new(r"^(?:\d{1,2}[:h]\d{2}(?:[:h]\d{2})?|\d{1,2}h)$").expect("static regex"),
    })
}

/// A date found in the text, before scoring.
struct Found {
    date: Option<NaiveDate>,
    start: usize,
    end: usize,
    glued_time: bool,
    short_year: bool,
}

#[allow(clippy::too_many_arguments)]
fn scan(
    text: &str,
    start: usize,
    end: usize,
    lang: Option<Lang>,
    today: NaiveDate,
    in_head: bool,
    best: &mut Option<Candidate>,
) {
    let Some(region) = text.get(start..end) else {
        return;
    };
    let p = patterns();
    let mut found: Vec<Found> = Vec::new();
    let mut weekdays: Option<[bool; 7]> = None;
    for c in p.numeric.captures_iter(region) {
        let Some(m) = c.get(0) else { continue };
        let num = |i: usize| c.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
        let (Some(a), Some(b), Some(y)) = (num(3), num(4), c.get(5)) else {
            continue;
        };
        let short_year = y.as_str().len() == 2;
        let Ok(mut year) = y.as_str().parse::<i32>() else {
            continue;
        };
        if short_year {
            year += if year <= today.year() % 100 + 1 { 2000 } else { 1900 };
        }
        // Day first, except in English when the first number can be a month, and the
        // separators are not dots (dotted dates are European: "07.12.2024").
        let dotted = m.as_str().contains('.');
        let (day, month) = match lang {
            Some(Lang::En) if a <= 12 && !dotted => {
                // Ambiguous (both could be months): month first, unless the text names
                // the weekday of the day-first reading only ("on Sunday" with 08/12/2024).
                let named = *weekdays.get_or_insert_with(|| weekdays_named(text));
                let is_named = |m: u32, d: u32| {
                    NaiveDate::from_ymd_opt(year, m, d)
                        .is_some_and(|x| named[x.weekday().num_days_from_monday() as usize])
                };
                if a != b && b <= 12 && is_named(b, a) && !is_named(a, b) {
                    (a, b)
                } else {
                    (b, a)
                }
            }
            _ => (a, b),
        };
        found.push(Found {
            date: NaiveDate::from_ymd_opt(year, month, day),
            start: start + m.start(),
            end: start + m.end(),
            glued_time: c.get(1).is_some(),
            short_year,
        });
    }
    for c in p.iso.captures_iter(region) {
        let Some(m) = c.get(0) else { continue };
        let num = |i: usize| c.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
        let (Some(y), Some(mo), Some(d)) = (num(1), num(2), num(3)) else {
            continue;
        };
        found.push(Found {
            date: i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, mo, d)),
            start: start + m.start(),
            end: start + m.end(),
            glued_time: false,
            short_year: false,
        });
    }
    for (re, day_idx, month_idx) in [(&p.fr, 1, 2), (&p.en_dmy, 1, 2), (&p.en_mdy, 2, 1)] {
        for c in re.captures_iter(region) {
            let Some(m) = c.get(0) else { continue };
            let day = c.get(day_idx).and_then(|g| {
                let s = g.as_str().to_lowercase();
                if s == "1er" {
                    Some(1)
                } else {
                    s.parse::<u32>().ok()
                }
            });
            let month = c.get(month_idx).and_then(|g| month_number(g.as_str()));
            let year = c.get(3).and_then(|g| g.as_str().parse::<i32>().ok());
            let date = match (day, month, year) {
                (Some(d), Some(mo), Some(y)) => NaiveDate::from_ymd_opt(y, mo, d),
                _ => None,
            };
            found.push(Found {
                date,
                start: start + m.start(),
                end: start + m.end(),
                glued_time: false,
                short_year: false,
            });
        }
    }
    found.sort_by_key(|f| f.start);
    let latest = today + chrono::Duration::days(2);
    for f in found {
        let Some(date) = f.date else { continue };
        if date.year() < 1900 || date > latest {
            continue;
        }
        if best.is_some_and(|b| b.score >= 5) {
            return;
        }
        let cue = cue_before(text, f.start);
        let score = match cue {
            Cue::Publish => 5,
            Cue::Update => 4,
            _ if f.glued_time || is_stamp_line(text, f.start, f.end) => 3,
            Cue::Weak => 2,
            Cue::None => 1,
        };
        if !in_head && score < 4 {
            continue;
        }
        if f.short_year && score < 4 {
            continue;
        }
        if best.is_none_or(|b| score > b.score) {
            *best = Some(Candidate { date, score });
        }
    }
}

/// English weekday names used in the head of the text, Monday first.
fn weekdays_named(text: &str) -> [bool; 7] {
    const NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let head = text.get(..floor_char_boundary(text, HEAD_MAX)).unwrap_or("").to_lowercase();
    let mut named = [false; 7];
    for w in head.split(|c: char| !c.is_alphabetic()) {
        if let Some(i) = NAMES.iter().position(|n| *n == w) {
            named[i] = true;
        }
    }
    named
}

fn month_number(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    let m = if n.starts_with("jan") {
        1
    } else if n.starts_with("fé") || n.starts_with("fe") {
        2
    } else if n.starts_with("mar") {
        3
    } else if n.starts_with("av") || n.starts_with("apr") {
        4
    } else if n == "mai" || n == "may" {
        5
    } else if n.starts_with("juil") || n.starts_with("jul") {
        7
    } else if n.starts_with("juin") || n.starts_with("jun") {
        6
    } else if n.starts_with("ao") || n.starts_with("aug") {
        8
    } else if n.starts_with("sep") {
        9
    } else if n.starts_with("oct") {
        10
    } else if n.starts_with("nov") {
        11
    } else if n.starts_with("dé") || n.starts_with("dec") {
        12
    } else {
        return None;
    };
    Some(m)
}

const PUBLISH_CUES: &[&str] = &[
    "publié",
    "publiée",
    "publie",
    "publiee",
    "published",
    "posted",
    "issued",
    "issued on",
    "publication",
    "paru",
    "parution",
    "mis en ligne",
    "date",
];
const UPDATE_CUES: &[&str] = &[
    "maj",
    "màj",
    "m.à.j",
    "mis à jour",
    "mise à jour",
    "mis a jour",
    "mise a jour",
    "updated",
    "update",
    "modifié",
    "modifiée",
    "modified",
    "modification",
    "actualisé",
    "actualisée",
];
const WEAK: &[&str] = &["le", "on"];
const FILLERS: &[&str] = &[
    "le",
    "la",
    "on",
    "the",
    "at",
    "à",
    "a",
    "du",
    "en",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lun",
    "mar",
    "mer",
    "jeu",
    "ven",
    "sam",
    "dim",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
];

fn is_separator(c: char) -> bool {
    c.is_whitespace() || ",:;-–—|()[]•·/.".contains(c)
}

/// Strips trailing separators and filler words (articles, weekdays, times).
/// Returns what is left and whether a weak cue ("le", "on") was stripped.
fn strip_fillers(s: &str) -> (&str, bool) {
    let mut rest = s;
    let mut weak = false;
    loop {
        rest = rest.trim_end_matches(is_separator);
        let word_start = rest
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace() || ",;|()[]•·/".contains(c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let word = rest.get(word_start..).unwrap_or("");
        if word.is_empty() {
            return (rest, weak);
        }
        if FILLERS.contains(&word) || patterns().time.is_match(word) {
            weak |= WEAK.contains(&word);
            rest = rest.get(..word_start).unwrap_or("");
        } else {
            return (rest, weak);
        }
    }
}

fn ends_with_cue(s: &str) -> Option<Cue> {
    let ends = |cue: &str| {
        s.strip_suffix(cue).is_some_and(|before| !before.chars().next_back().is_some_and(char::is_alphanumeric))
    };
    if PUBLISH_CUES.iter().any(|c| ends(c)) {
        Some(Cue::Publish)
    } else if UPDATE_CUES.iter().any(|c| ends(c)) {
        Some(Cue::Update)
    } else {
        None
    }
}

/// The cue before a date at `pos`: on the same line, or on the previous non-empty line when
/// the date starts its line ("Publié le\n6 décembre 2024").
fn cue_before(text: &str, pos: usize) -> Cue {
    let before = text.get(..pos).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let window = floor_char_boundary(text, pos.saturating_sub(CUE_WINDOW)).max(line_start);
    let prefix = text.get(window..pos).unwrap_or("").to_lowercase();
    let (rest, weak) = strip_fillers(&prefix);
    if let Some(cue) = ends_with_cue(rest) {
        return cue;
    }
    if rest.trim().is_empty() && line_start > 0 {
        // Previous non-empty line, looking back at most a few lines.
        let mut end = line_start - 1;
        for _ in 0..3 {
            let above = text.get(..end).unwrap_or("");
            let start = above.rfind('\n').map_or(0, |i| i + 1);
            let line = above.get(start..).unwrap_or("");
            if !line.trim().is_empty() {
                let from = floor_char_boundary(above, above.len().saturating_sub(CUE_WINDOW)).max(start);
                let tail = above.get(from..).unwrap_or("").to_lowercase();
                let (rest, _) = strip_fillers(&tail);
                if let Some(cue) = ends_with_cue(rest) {
                    return cue;
                }
                break;
            }
            if start == 0 {
                break;
            }
            end = start - 1;
        }
    }
    if weak {
        Cue::Weak
    } else {
        Cue::None
    }
}

/// A date that is (nearly) alone on its line: a stamp rather than a date in a sentence.
fn is_stamp_line(text: &str, start: usize, end: usize) -> bool {
    let line_start = text.get(..start).and_then(|s| s.rfind('\n')).map_or(0, |i| i + 1);
    let line_end = text.get(end..).and_then(|s| s.find('\n')).map_or(text.len(), |i| end + i);
    let other = text.get(line_start..start).unwrap_or("").trim().chars().count()
        + text.get(end..line_end).unwrap_or("").trim().chars().count();
    let words = text.get(line_start..line_end).unwrap_or("").split_whitespace().count();
    other <= 25 && words <= 8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn find(text: &str, lang: Lang) -> Option<NaiveDate> {
        find_date_before(text, Some(lang), d(2025, 6, 1))
    }

    #[test]
    fn metadata_values() {
        assert_eq!(parse_date_value("2024-12-06"), Some(d(2024, 12, 6)));
        assert_eq!(parse_date_value(" 2024-12-06T14:03:00+01:00 "), Some(d(2024, 12, 6)));
        assert_eq!(parse_date_value("2024-12-06T23:30:00-05:00"), Some(d(2024, 12, 6)));
        assert_eq!(parse_date_value("2024-12-06T14:03:00Z"), Some(d(2024, 12, 6)));
        assert_eq!(parse_date_value("2024-12-06 14:03"), Some(d(2024, 12, 6)));
        assert_eq!(parse_date_value("Fri, 06 Dec 2024 14:03:00 +0100"), Some(d(2024, 12, 6)));
        assert_eq!(parse_date_value("2024-13-45"), None);
        assert_eq!(parse_date_value("2023-02-29"), None);
        assert_eq!(parse_date_value("hier"), None);
        assert_eq!(parse_date_value("2024-12-06x"), None);
        assert_eq!(parse_date_value("é€é€é€é€é€"), None);
        assert_eq!(parse_date_value(""), None);
    }

    #[test]
    fn glued_time_and_date_from_scraped_page() {
        let t = "Le Télégramme\nActualités\n12:036/12/2024, vendredi\nLe maire a annoncé...";
        assert_eq!(find(t, Lang::Fr), Some(d(2024, 12, 6)));
        let t = "Ouest\n09:4516/11/2024\nTexte.";
        assert_eq!(find(t, Lang::Fr), Some(d(2024, 11, 16)));
    }

    #[test]
    fn maj_and_mis_a_jour() {
        assert_eq!(find("Titre\nMAJ: 6/12/2024\nTexte", Lang::Fr), Some(d(2024, 12, 6)));
        assert_eq!(find("Titre\nMis à jour le 6/12/2024 à 10h12\nTexte", Lang::Fr), Some(d(2024, 12, 6)));
    }

    #[test]
    fn french_forms() {
        for t in [
            "Titre\npublié le 6 décembre 2024\nTexte",
            "Titre\nPublié le 06.12.2024 à 14h03\nTexte",
            "Titre\nPublié le vendredi 6 décembre 2024 à 14h03\nTexte",
            "Titre\nle 6 décembre 2024\nTexte",
            "Titre\nPublié le\n6 déc. 2024\nTexte",
            "Titre\nPar Jean Dupont, publié le 06/12/24 à 14h03\nTexte",
        ] {
            assert_eq!(find(t, Lang::Fr), Some(d(2024, 12, 6)), "{t}");
        }
        assert_eq!(find("Titre\nle 1er mars 2024\nTexte", Lang::Fr), Some(d(2024, 3, 1)));
    }

    #[test]
    fn english_forms() {
        for t in [
            "Title\nDec 6, 2024\nText",
            "Title\nDecember 6, 2024\nText",
            "Title\n6 December 2024\nText",
            "Title\nUpdated: Dec. 6, 2024\nText",
            "Title\nPublished 2024-12-06\nText",
            "Title\nPosted on Friday, December 6th, 2024\nText",
            "Title\n2024-12-06T14:03:00Z\nText",
        ] {
            assert_eq!(find(t, Lang::En), Some(d(2024, 12, 6)), "{t}");
        }
    }

    #[test]
    fn numeric_order_depends_on_language() {
        // French: always day first.
        assert_eq!(find("T\nPublié le 6/12/2024\nx", Lang::Fr), Some(d(2024, 12, 6)));
        assert_eq!(find("T\nPublié le 13/12/2024\nx", Lang::Fr), Some(d(2024, 12, 13)));
        // A month 13 is impossible when day-first.
        assert_eq!(find("T\nPublié le 12/13/2024\nx", Lang::Fr), None);
        // English: month first unless the first number cannot be a month.
        assert_eq!(find("T\nPublished 6/12/2024\nx", Lang::En), Some(d(2024, 6, 12)));
        assert_eq!(find("T\nPublished 12/13/2024\nx", Lang::En), Some(d(2024, 12, 13)));
        assert_eq!(find("T\nPublished 13/12/2024\nx", Lang::En), Some(d(2024, 12, 13)));
        // Ambiguous English dates: the weekday named in the text settles it, else month first.
        let t = "T\nIssued on: 08/12/2024 - 16:05\nRebels announced on Sunday that...";
        assert_eq!(find(t, Lang::En), Some(d(2024, 12, 8)));
        let t = "T\nIssued on: 08/12/2024 - 16:05\nRebels announced on Monday that...";
        assert_eq!(find(t, Lang::En), Some(d(2024, 8, 12)));
        // Dotted dates are day first whatever the language.
        assert_eq!(find("T\nAhmet Karaca |07.12.2024 - TSI\nx", Lang::En), Some(d(2024, 12, 7)));
        assert_eq!(find("T\n16:52 GMT 06.12.2024\nx", Lang::En), Some(d(2024, 12, 6)));
    }

    #[test]
    fn arabic_comma_after_month() {
        let t = "Military source: news baseless\n6 December\u{60c} 2024\nDamascus, SANA- ...";
        assert_eq!(find(t, Lang::En), Some(d(2024, 12, 6)));
    }

    #[test]
    fn cue_beats_bare_date() {
        let t = "Titre\nLe 3 mars 2023, le ministre avait promis une réforme.\nMis à jour le 6/12/2024\nTexte";
        assert_eq!(find(t, Lang::Fr), Some(d(2024, 12, 6)));
        let t = "Titre\nCe 3 mars 2023, le ministre avait promis.\nTexte.";
        assert_eq!(find(t, Lang::Fr), Some(d(2023, 3, 3)));
        // Publication cue wins over update cue.
        let t = "T\nMis à jour le 7/12/2024\nPublié le 6/12/2024\nx";
        assert_eq!(find(t, Lang::Fr), Some(d(2024, 12, 6)));
    }

    #[test]
    fn event_dates_far_in_the_body_are_ignored() {
        let mut t = String::from("Titre\n");
        for _ in 0..40 {
            t.push_str("Une phrase sans date qui remplit le corps de l'article.\n");
        }
        t.push_str("Le 6 février 1982, il était né. Puis en février 1982 il partit.\n");
        assert_eq!(find(&t, Lang::Fr), None);
        // But a cued date further on is found.
        t.push_str("Publié le 6 décembre 2024\n");
        assert_eq!(find(&t, Lang::Fr), Some(d(2024, 12, 6)));
    }

    #[test]
    fn month_year_only_and_future_dates_are_ignored() {
        assert_eq!(find("T\nen février 1982\nx", Lang::Fr), None);
        assert_eq!(find("T\nPublié le 6 décembre 2099\nx", Lang::Fr), None);
        assert_eq!(find("T\nversion 1.2.3\nx", Lang::Fr), None);
    }

    #[test]
    fn words_containing_cues_are_not_cues() {
        // "candidate" ends with "date" but is not the cue word.
        assert_eq!(strip_fillers("the candidate").0, "the candidate",);
        assert_eq!(ends_with_cue("the candidate"), None);
        assert_eq!(ends_with_cue("date"), Some(Cue::Publish));
    }

    #[test]
    fn large_text_only_head_and_tail_scanned() {
        let mut t = String::from("Titre\nMAJ: 6/12/2024\n");
        t.push_str(&"mot ".repeat(5_000_000));
        let start = std::time::Instant::now();
        assert_eq!(find(&t, Lang::Fr), Some(d(2024, 12, 6)));
        assert!(start.elapsed().as_secs() < 5);
        // Multi-byte characters at the region cuts must not panic.
        let t = "é".repeat(200_000);
        assert_eq!(find(&t, Lang::Fr), None);
    }
}
