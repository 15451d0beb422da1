//! Front matter at the top of text and Markdown files:
//!
//! ```text
//! ---
//! title: "Le titre"
//! outlet: Le Monde
//! published: 2024-12-06
//! lang: fr
//! ---
//! Body...
//! ```

use super::Fields;

/// The result of splitting a text into front matter and body.
#[derive(Debug, Default)]
pub(crate) struct FrontMatter {
    pub fields: Fields,
    /// Whether the text had front matter at all.
    pub present: bool,
}

/// Splits `text` (already `\n`-normalised) into front matter fields and the body.
/// Errors are the reason for a `Skipped`.
pub(crate) fn split(text: &str) -> Result<(FrontMatter, &str), String> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = text.get(..first_end).unwrap_or("");
    if first.trim_end() != "---" {
        return Ok((FrontMatter::default(), text));
    }
    let mut fm = FrontMatter { present: true, ..Default::default() };
    let start = (first_end + 1).min(text.len());
    let rest = text.get(start..).unwrap_or("");
    // Find the closing line first: an unclosed block is reported as such, whatever it holds.
    let mut offset = 0;
    let mut closing = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            closing = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((block_end, body_start)) = closing else {
        return Err("front matter opened on line 1 is never closed".to_string());
    };
    let block = rest.get(..block_end).unwrap_or("");
    let body = rest.get(body_start..).unwrap_or("");
    for (i, line) in block.lines().enumerate() {
        let line_no = i + 2;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("front matter line {line_no} is not 'key: value': {}", shorten(trimmed)));
        };
        let value = unquote(value.trim()).to_string();
        let value = if value.is_empty() { None } else { Some(value) };
        match key.trim().to_ascii_lowercase().as_str() {
            "title" => fm.fields.title = value,
            "outlet" => fm.fields.outlet = value,
            "url" => fm.fields.url = value,
            "published" | "date" => fm.fields.published = value,
            "lang" | "language" => fm.fields.lang = value,
            "author" => fm.fields.author = value,
            _ => {}
        }
    }
    Ok((fm, body))
}

/// Removes one pair of matching surrounding quotes.
fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v.get(1..v.len() - 1).unwrap_or(v);
        }
    }
    v
}

/// A line quoted in a message, cut to a readable length.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().nth(60).is_some() {
        out.push('…');
    }
    format!("{out:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_front_matter() {
        let t = "---\ntitle: \"Le titre\"\noutlet: 'Le Monde'\nurl: https://x.fr/a\npublished: 2024-12-06\nlang: fr\nauthor:  Jean Dupont \nfoo: ignored\n---\nCorps du texte.\n";
        let (fm, body) = split(t).unwrap();
        assert!(fm.present);
        assert_eq!(fm.fields.title.as_deref(), Some("Le titre"));
        assert_eq!(fm.fields.outlet.as_deref(), Some("Le Monde"));
        assert_eq!(fm.fields.url.as_deref(), Some("https://x.fr/a"));
        assert_eq!(fm.fields.published.as_deref(), Some("2024-12-06"));
        assert_eq!(fm.fields.lang.as_deref(), Some("fr"));
        assert_eq!(fm.fields.author.as_deref(), Some("Jean Dupont"));
        assert_eq!(body, "Corps du texte.\n");
    }

    #[test]
    fn url_with_colons_and_empty_values() {
        let (fm, body) = split("---\nurl: https://x.fr:8080/a?b=c\ntitle:\n---\nx").unwrap();
        assert_eq!(fm.fields.url.as_deref(), Some("https://x.fr:8080/a?b=c"));
        assert_eq!(fm.fields.title, None);
        assert_eq!(body, "x");
    }

    #[test]
    fn no_front_matter() {
        let t = "Titre\n---\nx";
        let (fm, body) = split(t).unwrap();
        assert!(!fm.present);
        assert_eq!(body, t);
    }

    #[test]
    fn unterminated() {
        assert_eq!(split("---\ntitle: x\nCorps").unwrap_err(), "front matter opened on line 1 is never closed");
        assert_eq!(split("---").unwrap_err(), "front matter opened on line 1 is never closed");
        assert_eq!(split("---\n").unwrap_err(), "front matter opened on line 1 is never closed");
    }

    #[test]
    fn line_without_colon_names_line() {
        let e = split("---\ntitle: x\nthis is not a key\n---\nbody").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("this is not a key"), "{e}");
    }

    #[test]
    fn closing_at_end_of_file_gives_empty_body() {
        let (fm, body) = split("---\ntitle: x\n---").unwrap();
        assert_eq!(fm.fields.title.as_deref(), Some("x"));
        assert_eq!(body, "");
    }
}
