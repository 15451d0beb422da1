//! Language detection: whatlang first, then French/English stopword counts.

use crate::article::Lang;

use super::floor_char_boundary;

/// Detection looks at the start of the text only (whatlang is linear, but 50 MB is slow).
const SAMPLE: usize = 20_000;

const FR_STOPWORDS: &[&str] = &[
    "le", "les", "des", "du", "et", "est", "une", "dans", "pour", "qui", "pas", "sur", "au", "aux", "avec", "ce",
    "cette", "il", "elle", "ils", "elles", "sont", "été", "ont", "plus", "mais", "nous", "vous", "leur", "selon",
    "aussi", "était", "ses", "sa", "son", "après", "très", "où", "être", "avait", "déjà", "lors", "ainsi", "dont",
];
const EN_STOPWORDS: &[&str] = &[
    "the", "and", "of", "to", "is", "are", "was", "were", "in", "that", "it", "for", "on", "with", "as", "by", "this",
    "said", "has", "have", "from", "at", "which", "be", "not", "he", "she", "they", "his", "her", "their", "would",
    "will", "been", "after", "also", "who", "about", "but", "an",
];

/// Detects French or English. Errors are the reason for a `Skipped`.
pub(crate) fn detect(text: &str) -> Result<Lang, String> {
    let sample = text.get(..floor_char_boundary(text, SAMPLE)).unwrap_or(text);
    let (fr, en, words) = stopword_counts(sample);
    let by_stopwords = if fr >= en + 2 && fr * 2 > en * 3 {
        Some(Lang::Fr)
    } else if en >= fr + 2 && en * 2 > fr * 3 {
        Some(Lang::En)
    } else {
        None
    };
    match whatlang::detect(sample) {
        Some(info) => {
            let wl = match info.lang() {
                whatlang::Lang::Fra => Some(Lang::Fr),
                whatlang::Lang::Eng => Some(Lang::En),
                _ => None,
            };
            match wl {
                // Reliable, or not contradicted by the stopwords.
                Some(l) if info.is_reliable() || by_stopwords.is_none_or(|s| s == l) => Ok(l),
                Some(_) => by_stopwords.ok_or_else(undetected),
                None => {
                    // A confident other language is refused, unless French or English
                    // function words make up a good share of the text anyway.
                    let share = (fr.max(en) as f64) / (words.max(1) as f64);
                    if info.is_reliable() && share < 0.15 {
                        Err(format!("language {} is not supported (fr, en)", short_code(info.lang())))
                    } else {
                        by_stopwords.ok_or_else(undetected)
                    }
                }
            }
        }
        None => by_stopwords.ok_or_else(undetected),
    }
}

fn undetected() -> String {
    "could not detect the language (fr, en); give it explicitly".to_string()
}

/// Counts French and English stopwords, and words overall.
fn stopword_counts(text: &str) -> (usize, usize, usize) {
    let (mut fr, mut en, mut words) = (0, 0, 0);
    for w in text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’') {
        if w.is_empty() {
            continue;
        }
        words += 1;
        // "l'homme", "d'un": the elided article counts as French.
        let lower = w.to_lowercase();
        if lower.starts_with(['l', 'd', 'j', 'n', 's', 'c', 'm', 't', 'q'])
            && (lower.get(1..2) == Some("'") || lower.get(1..4) == Some("’"))
            && lower.chars().count() > 2
        {
            fr += 1;
            continue;
        }
        if FR_STOPWORDS.contains(&lower.as_str()) {
            fr += 1;
        }
        if EN_STOPWORDS.contains(&lower.as_str()) {
            en += 1;
        }
    }
    (fr, en, words)
}

/// ISO 639-1 code where one exists for the common languages, else whatlang's 639-3 code.
fn short_code(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang as W;
    match lang {
        W::Deu => "de",
        W::Spa => "es",
        W::Ita => "it",
        W::Por => "pt",
        W::Nld => "nl",
        W::Rus => "ru",
        W::Pol => "pl",
        W::Swe => "sv",
        W::Dan => "da",
        W::Nob => "no",
        W::Fin => "fi",
        W::Tur => "tr",
        W::Ara => "ar",
        W::Cmn => "zh",
        W::Jpn => "ja",
        W::Kor => "ko",
        W::Ukr => "uk",
        W::Ell => "el",
        W::Ces => "cs",
        W::Ron => "ro",
        W::Hun => "hu",
        W::Heb => "he",
        W::Hin => "hi",
        W::Cat => "ca",
        W::Vie => "vi",
        W::Ind => "id",
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english() {
        let fr = "Le gouvernement a annoncé mardi que la réforme des retraites serait \
                  présentée au Parlement dans les prochaines semaines, selon le ministre.";
        let en = "The government announced on Tuesday that the pension reform would be \
                  presented to Parliament in the coming weeks, according to the minister.";
        assert_eq!(detect(fr), Ok(Lang::Fr));
        assert_eq!(detect(en), Ok(Lang::En));
    }

    #[test]
    fn short_texts_fall_back_to_stopwords() {
        assert_eq!(detect("Il est dans la maison et les enfants sont avec elle."), Ok(Lang::Fr));
        assert_eq!(detect("He said that the house was in the city."), Ok(Lang::En));
    }

    #[test]
    fn other_languages_are_refused() {
        let de = "Die Bundesregierung hat am Dienstag angekündigt, dass die Rentenreform in \
                  den kommenden Wochen dem Bundestag vorgelegt werden soll, sagte der Minister.";
        assert_eq!(detect(de), Err("language de is not supported (fr, en)".to_string()));
        let es = "El gobierno anunció el martes que la reforma de las pensiones será \
                  presentada al Parlamento en las próximas semanas, según el ministro.";
        assert_eq!(detect(es), Err("language es is not supported (fr, en)".to_string()));
    }

    #[test]
    fn nothing_to_go_on() {
        assert!(detect("12345 67890").is_err());
    }

    #[test]
    fn huge_text_is_sampled() {
        let t = "Le chat est sur le toit et il regarde les oiseaux. ".repeat(1_000_000);
        let start = std::time::Instant::now();
        assert_eq!(detect(&t), Ok(Lang::Fr));
        assert!(start.elapsed().as_secs() < 5);
    }
}
