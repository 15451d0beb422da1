//! Plain text and Markdown articles, with optional front matter.

use super::{build_article, frontmatter, skipped, ReadOptions};
use crate::article::{Article, Skipped};

/// Reads one text article from decoded, `\n`-normalised text.
pub(crate) fn read_text(source: &str, text: &str, opts: &ReadOptions) -> Result<Article, Skipped> {
    let (fm, body) = frontmatter::split(text).map_err(|r| skipped(source, r))?;
    let present = fm.present;
    let meta = fm.fields.into_meta(opts, "front matter ").map_err(|r| skipped(source, r))?;
    if body.trim().is_empty() {
        let reason = if present { "no text after the front matter" } else { "empty file" };
        return Err(skipped(source, reason));
    }
    build_article(source, meta, body.to_string(), opts).map_err(|r| skipped(source, r))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::{read_bytes, Format};
    use super::*;
    use crate::article::Lang;

    const FR: &str = "Le gouvernement a annoncé mardi que la réforme serait présentée au \
                      Parlement dans les prochaines semaines, selon le ministre.";
    const EN: &str = "The government announced on Tuesday that the reform would be presented \
                      to Parliament in the coming weeks, according to the minister.";

    fn read(text: &str) -> Result<Article, Skipped> {
        let mut v = read_bytes("a.md", text.as_bytes(), Format::Text, &ReadOptions::default());
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn front_matter_fields() {
        let a = read(&format!(
            "---\ntitle: \"Réforme\"\noutlet: Le Monde\nurl: https://lemonde.fr/x\npublished: 2024-12-06T10:00:00+01:00\nlang: fr-FR\nauthor: ' Jeanne  Martin '\ncolour: blue\n---\n\n{FR}\n"
        ))
        .unwrap();
        assert_eq!(a.source, "a.md");
        assert_eq!(a.title.as_deref(), Some("Réforme"));
        assert_eq!(a.outlet.as_deref(), Some("Le Monde"));
        assert_eq!(a.url.as_deref(), Some("https://lemonde.fr/x"));
        assert_eq!(a.published, date(2024, 12, 6));
        assert_eq!(a.lang, Some(Lang::Fr));
        assert_eq!(a.author.as_deref(), Some("Jeanne Martin"));
        assert_eq!(a.body, FR);
    }

    #[test]
    fn empty_values_are_none() {
        let a = read(&format!("---\ntitle: \"  \"\noutlet:\nauthor: ''\n---\n{FR}\n")).unwrap();
        // The title falls back to the first line of the body.
        assert_eq!(a.title.as_deref(), Some(FR));
        assert_eq!(a.outlet, None);
        assert_eq!(a.author, None);
    }

    #[test]
    fn without_front_matter_title_is_first_line_and_body_is_everything() {
        let text = format!("\n# La réforme des retraites\n\n{FR}\n");
        let a = read(&text).unwrap();
        assert_eq!(a.title.as_deref(), Some("La réforme des retraites"));
        assert!(a.body.starts_with("# La réforme des retraites\n"));
        assert!(a.body.ends_with("ministre."));
        assert_eq!(a.lang, Some(Lang::Fr));
        assert_eq!(a.outlet, None);
    }

    #[test]
    fn unterminated_front_matter() {
        let e = read(&format!("---\ntitle: x\n{FR}\n")).unwrap_err();
        assert_eq!(e.reason, "front matter opened on line 1 is never closed");
        assert_eq!(e.to_string(), "a.md: front matter opened on line 1 is never closed");
    }

    #[test]
    fn impossible_date_names_key_and_value() {
        let e = read(&format!("---\npublished: 2024-13-45\n---\n{FR}\n")).unwrap_err();
        assert!(e.reason.contains("published"), "{e}");
        assert!(e.reason.contains("2024-13-45"), "{e}");
        let e = read(&format!("---\npublished: \"demain\"\n---\n{FR}\n")).unwrap_err();
        assert!(e.reason.contains("demain"), "{e}");
    }

    #[test]
    fn line_without_colon() {
        let e = read(&format!("---\ntitle: x\nAuteur Jean\n---\n{FR}\n")).unwrap_err();
        assert!(e.reason.contains("line 3"), "{e}");
    }

    #[test]
    fn unknown_language_in_front_matter() {
        let e = read(&format!("---\nlang: de\n---\n{FR}\n")).unwrap_err();
        assert_eq!(e.reason, "unsupported language 'de' (fr, en)");
        let e = read(&format!("---\nlang: klingon\n---\n{FR}\n")).unwrap_err();
        assert_eq!(e.reason, "unsupported language 'klingon' (fr, en)");
    }

    #[test]
    fn front_matter_without_body() {
        let e = read("---\ntitle: x\n---\n\n  \n").unwrap_err();
        assert_eq!(e.reason, "no text after the front matter");
    }

    #[test]
    fn language_detection_and_refusal() {
        assert_eq!(read(EN).unwrap().lang, Some(Lang::En));
        assert_eq!(read(FR).unwrap().lang, Some(Lang::Fr));
        let de = "Die Bundesregierung hat am Dienstag angekündigt, dass die Rentenreform in \
                  den kommenden Wochen dem Bundestag vorgelegt werden soll, sagte der Minister.";
        assert_eq!(read(de).unwrap_err().reason, "language de is not supported (fr, en)");
    }

    #[test]
    fn dates_found_in_text() {
        let a = read(&format!("Le titre\n12:036/12/2024, vendredi\n{FR}\n")).unwrap();
        assert_eq!(a.published, date(2024, 12, 6));
        let a = read(&format!("Le titre\nMAJ: 6/12/2024\n{FR}\n")).unwrap();
        assert_eq!(a.published, date(2024, 12, 6));
        // English text: month first.
        let a = read(&format!("The title\nPublished 6/12/2024\n{EN}\n")).unwrap();
        assert_eq!(a.published, date(2024, 6, 12));
        // French text: day first.
        let a = read(&format!("Le titre\nPublié le 6/12/2024\n{FR}\n")).unwrap();
        assert_eq!(a.published, date(2024, 12, 6));
        // Front matter wins over the text.
        let a = read(&format!("---\npublished: 2024-01-02\n---\nMAJ: 6/12/2024\n{FR}\n")).unwrap();
        assert_eq!(a.published, date(2024, 1, 2));
        let a = read(FR).unwrap();
        assert_eq!(a.published, None);
    }

    #[test]
    fn crlf_front_matter_and_body() {
        let text = format!("---\r\ntitle: T\r\nlang: fr\r\n---\r\n{FR}\r\nSecond\rTroisième\r\n");
        let a = read(&text).unwrap();
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.body, format!("{FR}\nSecond\nTroisième"));
        assert!(!a.body.contains('\r'));
    }

    #[test]
    fn bom_before_front_matter() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(format!("---\ntitle: T\n---\n{FR}").as_bytes());
        let a = read_bytes("a.md", &b, Format::Text, &ReadOptions::default()).remove(0).unwrap();
        assert_eq!(a.title.as_deref(), Some("T"));
        // UTF-16 LE with BOM, with front matter.
        let mut b = vec![0xFF, 0xFE];
        for u in format!("---\r\ntitle: T\r\n---\r\n{FR}").encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let a = read_bytes("a.md", &b, Format::Text, &ReadOptions::default()).remove(0).unwrap();
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.body, FR);
    }
}
