//! When an event happened: explicit dates, weekdays and relative days read against the
//! publication date, else the publication date itself (claims-spec §4).

use chrono::{Datelike, Duration, NaiveDate};
use regex::Regex;
use std::sync::OnceLock;

use crate::lexicon::LangLexicon;
use crate::text::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    Day,
    Month,
    Year,
    Unknown,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
            Precision::Unknown => "unknown",
        }
    }
}

/// Where the date came from, so explanations can say how sure it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    Explicit,
    Relative,
    Publication,
    Unknown,
}

impl DateSource {
    pub fn name(self) -> &'static str {
        match self {
            DateSource::Explicit => "explicit",
            DateSource::Relative => "relative",
            DateSource::Publication => "publication",
            DateSource::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDate {
    pub date: Option<NaiveDate>,
    pub precision: Precision,
    pub source: DateSource,
}

impl EventDate {
    pub fn unknown() -> EventDate {
        EventDate { date: None, precision: Precision::Unknown, source: DateSource::Unknown }
    }

    pub fn publication(published: Option<NaiveDate>) -> EventDate {
        match published {
            Some(d) => EventDate { date: Some(d), precision: Precision::Day, source: DateSource::Publication },
            None => EventDate::unknown(),
        }
    }
}

/// A date written without its year is in the publication's year, unless that puts it more
/// than this many days after publication (then it is last year's: "le 30 décembre" in a
/// January article).
const FUTURE_SLACK_DAYS: i64 = 7;

fn numeric_date() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.](\d{1,2})[/.](\d{4}))\b").expect("valid date regex")
    })
}

/// Finds the event date of a clause (folded text and its tokens): the date written closest
/// to `anchor` (the event's trigger, a token index) when there are several, else the first
/// explicit one; else the publication date.
pub fn find_date(
    text: &str,
    tokens: &[Token],
    lex: &LangLexicon,
    published: Option<NaiveDate>,
    anchor: Option<usize>,
) -> EventDate {
    let cands = find_dates(text, tokens, lex, published);
    let best = match anchor {
        Some(a) => cands.iter().min_by_key(|(pos, d)| (pos.abs_diff(a), d.source != DateSource::Explicit)),
        None => cands.iter().find(|(_, d)| d.source == DateSource::Explicit).or(cands.first()),
    };
    best.map(|(_, d)| *d).unwrap_or_else(|| EventDate::publication(published))
}

/// Every date expression of a clause with the token index where it is written.
pub fn find_dates(
    text: &str,
    tokens: &[Token],
    lex: &LangLexicon,
    published: Option<NaiveDate>,
) -> Vec<(usize, EventDate)> {
    let mut out = Vec::new();
    let tok_of = |off: usize| tokens.iter().position(|t| t.start >= off).unwrap_or(tokens.len());
    for (at, d) in numeric(text, lex) {
        out.push((tok_of(at), EventDate { date: Some(d), precision: Precision::Day, source: DateSource::Explicit }));
    }
    let word = |i: usize| tokens.get(i).map(|t| &text[t.start..t.end]);
    for i in 0..tokens.len() {
        let Some(w) = word(i) else { break };
        let Some(&month) = lex.months.get(w) else { continue };
        // "6 décembre", "1er décembre", "December 6", "Dec. 6, 2024".
        let day_before = i.checked_sub(1).and_then(word).and_then(parse_day);
        let day_after = word(i + 1).and_then(parse_day);
        let (day, year_at) = match (day_before, day_after) {
            (Some(d), _) => (Some(d), i + 1),
            (None, Some(d)) => (Some(d), i + 2),
            _ => (None, i + 1),
        };
        let year = word(year_at).and_then(parse_year);
        let date = match (day, year) {
            (Some(d), Some(y)) => NaiveDate::from_ymd_opt(y, month, d).map(|x| (x, Precision::Day)),
            (Some(d), None) => published.and_then(|p| infer_year(p, month, d)).map(|x| (x, Precision::Day)),
            (None, Some(y)) => NaiveDate::from_ymd_opt(y, month, 1).map(|x| (x, Precision::Month)),
            (None, None) => None,
        };
        if let Some((d, precision)) = date {
            out.push((i, EventDate { date: Some(d), precision, source: DateSource::Explicit }));
        }
    }
    // A year alone ("fin 2016", "in 2011"): the event is that year, not the publication day.
    for (i, t) in tokens.iter().enumerate() {
        if let Some(y) = parse_year(&text[t.start..t.end]) {
            let in_a_date = out.iter().any(|(pos, _)| i >= *pos && i <= pos + 3);
            if !in_a_date && !text[..t.start].trim_end().ends_with(['/', '-', '.']) {
                if let Some(d) = NaiveDate::from_ymd_opt(y, 1, 1) {
                    out.push((
                        i,
                        EventDate { date: Some(d), precision: Precision::Year, source: DateSource::Explicit },
                    ));
                }
            }
        }
    }
    if let Some(p) = published {
        for h in lex.relative_days.find_leftmost_longest(text, tokens) {
            let d = EventDate {
                date: Some(p + Duration::days(*h.tag)),
                precision: Precision::Day,
                source: DateSource::Relative,
            };
            out.push((h.start, d));
        }
        for i in 0..tokens.len() {
            if let Some(&wd) = word(i).and_then(|w| lex.weekdays.get(w)) {
                let back = (p.weekday().number_from_monday() as i64 - wd as i64).rem_euclid(7);
                let d = EventDate {
                    date: Some(p - Duration::days(back)),
                    precision: Precision::Day,
                    source: DateSource::Relative,
                };
                out.push((i, d));
            }
        }
    }
    out.sort_by_key(|(pos, _)| *pos);
    out
}

fn numeric(text: &str, lex: &LangLexicon) -> Vec<(usize, NaiveDate)> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    numeric_date().captures_iter(text).filter_map(|c| Some((c.get(0)?.start(), numeric_one(&c, lex)?))).collect()
}

fn numeric_one(c: &regex::Captures<'_>, lex: &LangLexicon) -> Option<NaiveDate> {
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    if let (Some(y), Some(m), Some(d)) = (n(1), n(2), n(3)) {
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    let (a, b, y) = (n(4)?, n(5)?, n(6)? as i32);
    // Day first in French; in English month first unless the first number cannot be a month.
    let (d, m) = match lex.lang {
        crate::article::Lang::Fr => (a, b),
        crate::article::Lang::En if a > 12 => (a, b),
        crate::article::Lang::En => (b, a),
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

fn parse_day(w: &str) -> Option<u32> {
    let digits = w
        .strip_suffix("er")
        .or_else(|| w.strip_suffix("st"))
        .or_else(|| w.strip_suffix("nd"))
        .or_else(|| w.strip_suffix("rd"))
        .or_else(|| w.strip_suffix("th"))
        .unwrap_or(w);
    digits.parse::<u32>().ok().filter(|d| (1..=31).contains(d))
}

fn parse_year(w: &str) -> Option<i32> {
    (w.len() == 4).then(|| w.parse::<i32>().ok()).flatten().filter(|y| (1900..=2100).contains(y))
}

fn infer_year(published: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let d = NaiveDate::from_ymd_opt(published.year(), month, day)?;
    if (d - published).num_days() > FUTURE_SLACK_DAYS {
        NaiveDate::from_ymd_opt(published.year() - 1, month, day)
    } else {
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Lang;
    use crate::lexicon::Lexicon;
    use crate::text::{fold, tokenize};

    fn date(s: &str, lang: Lang, published: Option<&str>) -> EventDate {
        let lex = Lexicon::shared();
        let f = fold(s);
        let t = tokenize(&f);
        find_date(&f, &t, lex.lang(lang), published.map(|p| p.parse().unwrap()), None)
    }

    fn ymd(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn explicit_dates() {
        assert_eq!(date("Le 30 novembre, les groupes armés", Lang::Fr, Some("2024-12-06")).date, ymd("2024-11-30"));
        assert_eq!(date("lancée le 1er décembre", Lang::Fr, Some("2024-12-06")).date, ymd("2024-12-01"));
        assert_eq!(date("MAJ: 6/12/2024", Lang::Fr, None).date, ymd("2024-12-06"));
        assert_eq!(date("on Dec. 6 troops", Lang::En, Some("2024-12-08")).date, ymd("2024-12-06"));
        assert_eq!(date("December 6, 2024", Lang::En, None).date, ymd("2024-12-06"));
        assert_eq!(date("12/6/2024", Lang::En, None).date, ymd("2024-12-06"));
        let d = date("en février 1982", Lang::Fr, Some("2024-12-06"));
        assert_eq!((d.date, d.precision), (ymd("1982-02-01"), Precision::Month));
        assert_eq!(date("le 30 décembre", Lang::Fr, Some("2025-01-03")).date, ymd("2024-12-30"));
    }

    #[test]
    fn relative_days_and_weekdays() {
        // 2024-12-06 is a Friday.
        assert_eq!(date("hier soir, l'armée", Lang::Fr, Some("2024-12-06")).date, ymd("2024-12-05"));
        assert_eq!(date("vendredi, les rebelles", Lang::Fr, Some("2024-12-06")).date, ymd("2024-12-06"));
        assert_eq!(date("on Wednesday the army", Lang::En, Some("2024-12-06")).date, ymd("2024-12-04"));
        assert_eq!(date("yesterday", Lang::En, Some("2024-12-06")).source, DateSource::Relative);
    }

    #[test]
    fn a_year_alone_is_a_year() {
        let d = date("Alep avait été reprise fin 2016 par le régime", Lang::Fr, Some("2024-11-30"));
        assert_eq!((d.date, d.precision), (ymd("2016-01-01"), Precision::Year));
    }

    #[test]
    fn the_date_nearest_the_event_wins() {
        let lex = Lexicon::shared();
        let s = "forces withdrew on friday from deraa, where protests first erupted in march 2011";
        let t = tokenize(s);
        let d = find_date(s, &t, &lex.en, Some("2024-12-06".parse().unwrap()), Some(1));
        assert_eq!(d.date, ymd("2024-12-06"));
    }

    #[test]
    fn fallback_is_publication_then_unknown() {
        assert_eq!(date("rien ici", Lang::Fr, Some("2024-12-06")).source, DateSource::Publication);
        assert_eq!(date("rien ici", Lang::Fr, None), EventDate::unknown());
    }
}
