//! An article as the readers hand it to the pipeline: metadata plus body text.
//!
//! Readers (text, JSON, HTML) all produce this one shape, so everything downstream
//! (splitting, extraction, storage) is independent of the input format.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

/// Language of an article. Only languages with lexicons are listed; anything else is
/// refused by the readers with a message, rather than extracted badly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a language tag such as `fr`, `fr-FR`, `en_US`, `French`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        let head = t.split(['-', '_']).next().unwrap_or("");
        match head {
            "fr" | "fra" | "fre" | "french" | "francais" | "français" => Some(Lang::Fr),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Publication date as far as it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub date: NaiveDate,
}

/// One article ready for the pipeline.
#[derive(Debug, Clone, Default)]
pub struct Article {
    /// Where it came from, for messages: a path, `path:line` for NDJSON, or `<stdin>`.
    pub source: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    /// `None` until detected; the pipeline requires it set.
    pub lang: Option<Lang>,
    pub author: Option<String>,
    /// The article text, paragraphs separated by newlines. Spans of statements point here.
    pub body: String,
}

impl Article {
    /// Hash of the normalised body: the same text with different whitespace or line ends
    /// is the same article.
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        for word in self.body.split_whitespace() {
            hasher.update(word.as_bytes());
            hasher.update(b" ");
        }
        let digest = hasher.finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// An input that could not be read as an article; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file, with `:line` for one line of an NDJSON file.
    pub source: String,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_ignores_whitespace_and_line_ends() {
        let a = Article { body: "Un  texte\r\nsur deux lignes".into(), ..Default::default() };
        let b = Article { body: "Un texte\nsur deux lignes\n".into(), ..Default::default() };
        let c = Article { body: "Un texte sur trois lignes".into(), ..Default::default() };
        assert_eq!(a.content_hash(), b.content_hash());
        assert_ne!(a.content_hash(), c.content_hash());
    }

    #[test]
    fn lang_tags() {
        assert_eq!(Lang::parse("fr-FR"), Some(Lang::Fr));
        assert_eq!(Lang::parse("en_US"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}
