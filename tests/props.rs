//! Never panics: the readers, the sentence splitter and the extractor take arbitrary input
//! without panicking, and every span they hand on stays inside the body, on char
//! boundaries (the writer slices the body with them and stores them as offsets).
//!
//! Case counts stay modest (PROPTEST_CASES overrides them); the fuzz targets in fuzz/
//! search much further; a crash they find is pinned below as a regression test (none so far:
//! see README, Hardening).

#[path = "common/invariants.rs"]
mod invariants;

use claimtrack::article::{Article, Lang, Skipped};
use claimtrack::extract::Extraction;
use claimtrack::lexicon::Lexicon;
use claimtrack::reader::{read_bytes, Format, ReadOptions};
use claimtrack::split::Statement;
use invariants::pipeline;
use proptest::prelude::*;

const FORMATS: [Format; 4] = [Format::Text, Format::Json, Format::Ndjson, Format::Html];

fn cases(n: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(n);
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

/// The shared invariants, as proptest failures.
fn holds(r: Result<(), String>) -> Result<(), TestCaseError> {
    r.map_err(TestCaseError::fail)
}

fn check_read(format: Format, results: &[Result<Article, Skipped>]) -> Result<(), TestCaseError> {
    holds(invariants::check_read("in.x", results).map_err(|e| format!("{format:?}: {e}")))
}

fn check_statements(body: &str, statements: &[Statement]) -> Result<(), TestCaseError> {
    holds(invariants::check_statements(body, statements))
}

fn check_extraction(body: &str, ex: &Extraction) -> Result<(), TestCaseError> {
    holds(invariants::check_extraction(body, ex))
}

fn extract(body: &str, lang: Lang) -> Extraction {
    let article = Article { source: "prop".into(), lang: Some(lang), body: body.to_string(), ..Default::default() };
    pipeline().extract(&article)
}

/// Pieces of news text the extractor reacts to, with punctuation, line ends, bullets,
/// quotes, digits and awkward Unicode, so random sequences reach deep into the pipeline.
const TOKENS: &[&str] = &[
    "Homs",
    "Hama",
    "Palmyre",
    "Palmyra",
    "Deraa",
    "Daraa",
    "Damas",
    "Damascus",
    "Alep",
    "Aleppo",
    "Idleb",
    "Sweida",
    "Deir ez-Zor",
    "la province de Homs",
    "la ville",
    "cette ville",
    "près de",
    "à 20 km de",
    "l'armée",
    "the army",
    "l'OSDH",
    "SOHR",
    "SANA",
    "les rebelles",
    "rebels",
    "HTS",
    "une source militaire",
    "a déclaré que",
    "a affirmé",
    "a démenti",
    "a nié",
    "dément",
    "denied",
    "said",
    "said that",
    "told Reuters",
    "selon",
    "according to",
    "d'après",
    "ce que",
    "which",
    "ne",
    "pas",
    "n'a jamais",
    "not",
    "never",
    "les forces du régime",
    "se sont retirées de",
    "withdrew from",
    "pulled out of",
    "a pris le contrôle de",
    "captured",
    "seized",
    "killed",
    "tués",
    "morts",
    "blessés",
    "at least",
    "au moins",
    "entre",
    "et",
    "between",
    "and",
    "5",
    "12",
    "1 200",
    "20",
    "km",
    "mardi",
    "vendredi",
    "on Friday",
    "le 6 décembre",
    "December 6",
    "2024",
    "06/12/2024",
    "hier",
    "yesterday",
    "baseless",
    "sans fondement",
    "faux",
    "false",
    "reportedly",
    "aurait",
    "would",
    "peut-être",
    "may",
    "Il",
    "They",
    "Elle",
    "ils",
    ",",
    ".",
    ";",
    ":",
    "!",
    "?",
    "…",
    "«",
    "»",
    "\"",
    "'",
    "’",
    "(",
    ")",
    "-",
    "–",
    "—",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  ",
    "- ",
    "* ",
    "• ",
    "1. ",
    "# ",
    "---",
    "é",
    "e\u{301}",
    "\u{a0}",
    "\u{200b}",
    "\u{feff}",
    "\u{fe0f}",
    "🇸🇾",
    "ﬁ",
    "İ",
    "ß",
    "Σ",
    "ǅ",
    "\u{10ffff}",
    "\0",
    "Mr.",
    "M.",
    "Dr.",
    "p.",
    "U.S.",
    "etc.",
    "...",
    "http://x.org/a.b",
];

fn token_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(TOKENS), prop::bool::ANY), 0..max).prop_map(|v| {
        let mut s = String::new();
        for (t, space) in v {
            s.push_str(t);
            if space {
                s.push(' ');
            }
        }
        s
    })
}

/// Text that starts like one of the inputs the readers recognise, then anything.
fn prefixed_text() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(
        &[
            "",
            "---\n",
            "---\r\n",
            "---\r",
            "\u{feff}---\n",
            "--- \n",
            "---\ntitle: x\n",
            "---\npublished: 2024-13-45\n---\n",
            "---\nlang: fr\n---\n",
            "---\nlang: de\n---\n",
            "---\ntitle: 'a'\noutlet: \"b\"\ndate: 2024-12-06T10:00:00+01:00\n---\n",
            "---\n---\n",
            "{",
            "{\"body\": \"",
            "{\"text\": \"",
            "[{\"content\": \"",
            "[",
            "<html><body><p>",
            "<!DOCTYPE html><article>",
            "<meta charset=\"utf-8\"><p>",
            "Publié le ",
            "MAJ: ",
            "Published ",
        ][..],
    );
    (prefix, prop_oneof![any::<String>(), token_text(60)]).prop_map(|(p, rest)| format!("{p}{rest}"))
}

proptest! {
    #![proptest_config(cases(1024))]

    #[test]
    fn readers_accept_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for format in FORMATS {
            check_read(format, &read_bytes("in.x", &bytes, format, &ReadOptions::default()))?;
        }
        let _ = Format::sniff(&bytes);
    }

    #[test]
    fn readers_accept_front_matter_like_strings(text in prefixed_text()) {
        for format in FORMATS {
            check_read(format, &read_bytes("in.x", text.as_bytes(), format, &ReadOptions::default()))?;
            let opts = ReadOptions { lang: Some(Lang::Fr), ..ReadOptions::default() };
            check_read(format, &read_bytes("in.x", text.as_bytes(), format, &opts))?;
        }
    }

    #[test]
    fn readers_accept_utf16(text in prefixed_text(), big_endian in any::<bool>()) {
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        for format in FORMATS {
            check_read(format, &read_bytes("in.x", &bytes, format, &ReadOptions::default()))?;
        }
    }

    #[test]
    fn splitter_spans_stay_in_the_body(body in prop_oneof![any::<String>(), token_text(80)], fr in any::<bool>()) {
        let lang = if fr { Lang::Fr } else { Lang::En };
        let lex = Lexicon::shared();
        let statements = pipeline().splitter.split(&body, lang, lex.lang(lang));
        check_statements(&body, &statements)?;
    }

    #[test]
    fn extractor_spans_stay_in_the_body(body in prop_oneof![any::<String>(), token_text(120)], fr in any::<bool>()) {
        let lang = if fr { Lang::Fr } else { Lang::En };
        check_extraction(&body, &extract(&body, lang))?;
    }

    /// Articles as the readers produce them (trimmed, newlines normalised), extracted.
    #[test]
    fn read_then_extract(text in prefixed_text()) {
        let opts = ReadOptions { lang: Some(Lang::En), ..ReadOptions::default() };
        for a in read_bytes("in.x", text.as_bytes(), Format::Text, &opts).into_iter().flatten() {
            check_extraction(&a.body, &pipeline().extract(&a))?;
        }
    }
}

// Deep nesting, on which recursive parsers overflow the stack; then regression tests for inputs found
// by fuzzing (fuzz/), each named after what it guards.

#[test]
fn deeply_nested_json_is_refused_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for format in [Format::Json, Format::Ndjson] {
        let r = read_bytes("in.x", deep.as_bytes(), format, &ReadOptions::default());
        check_read(format, &r).unwrap();
        assert!(r.iter().all(Result::is_err), "{format:?}: {r:?}");
    }
    let objects = format!("{}1{}", "{\"body\":".repeat(50_000), "}".repeat(50_000));
    let r = read_bytes("in.x", objects.as_bytes(), Format::Json, &ReadOptions::default());
    check_read(Format::Json, &r).unwrap();
}

#[test]
fn deeply_nested_html_does_not_overflow() {
    let deep = format!("<html><body>{}Homs{}</body></html>", "<div>".repeat(20_000), "</div>".repeat(20_000));
    let r = read_bytes("in.x", deep.as_bytes(), Format::Html, &ReadOptions::default());
    check_read(Format::Html, &r).unwrap();
}
