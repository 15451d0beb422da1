//! Readers: turn input files (text/Markdown, JSON, NDJSON, HTML) into [`Article`]s.
//!
//! [`collect_inputs`] expands the command-line paths, [`read_input`] reads one of them.
//! Every problem with one input (or one NDJSON line) becomes a [`Skipped`] and the run
//! goes on; only a path that cannot be found at all is fatal ([`InputError`]).
//!
//! Nothing found inside an article (URLs, paths) is ever opened: the readers only read
//! the inputs they are given.

mod dates;
mod decode;
mod detect_lang;
mod frontmatter;
mod html;
mod inputs;
mod json;
mod text;

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::article::{Article, Lang, Skipped};

pub use inputs::collect_inputs;

/// Inputs larger than this are refused rather than read into memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Values given on the command line. They win over anything found in the input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub outlet: Option<String>,
    pub published: Option<NaiveDate>,
    pub lang: Option<Lang>,
}

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// The name used in messages: the path as given, or `<stdin>`.
    pub fn source(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => STDIN.to_string(),
        }
    }
}

/// The source name used for standard input.
pub const STDIN: &str = "<stdin>";

/// Errors that stop the run before any article is read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    /// The path exists but cannot be examined or listed (permissions, I/O error).
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text or Markdown, with optional front matter.
    Text,
    /// One JSON object or an array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    Html,
}

impl Format {
    /// The format for a file extension (without the dot, any case), if it is one of ours.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "md" | "markdown" => Some(Format::Text),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The format for a path from its extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        path.extension().and_then(|e| e.to_str()).and_then(Format::from_extension)
    }

    /// Guesses the format of content without a telling extension (stdin, `notes.dat`):
    /// a leading `{` or `[` is JSON (NDJSON when the first line is a whole object and more
    /// follows), a leading `<` with html/doctype is HTML, anything else is text.
    pub fn sniff(bytes: &[u8]) -> Format {
        const HEAD: usize = 4096;
        let utf16 = decode::has_utf16_bom(bytes);
        let head: String = if utf16 {
            let end = bytes.len().min(HEAD) & !1;
            decode::decode_raw(bytes.get(..end).unwrap_or(&[])).unwrap_or_default()
        } else {
            let (rest, _) = decode::strip_utf8_bom(bytes);
            String::from_utf8_lossy(rest.get(..rest.len().min(HEAD)).unwrap_or(rest)).into_owned()
        };
        let t = head.trim_start();
        if t.starts_with('[') {
            return Format::Json;
        }
        if t.starts_with('{') {
            if !utf16 && json::looks_like_ndjson(decode::strip_utf8_bom(bytes).0) {
                return Format::Ndjson;
            }
            return Format::Json;
        }
        if t.starts_with('<') {
            let lower = t.to_ascii_lowercase();
            let markers = ["<!doctype html", "<html", "<head", "<body", "<article", "<meta"];
            if markers.iter().any(|m| lower.contains(m)) {
                return Format::Html;
            }
        }
        Format::Text
    }
}

/// Reads one input into articles. Never panics: each problem becomes a [`Skipped`] naming
/// the input (`path:LINE` for an NDJSON line) and the rest of the input still comes through.
pub fn read_input(input: &Input, opts: &ReadOptions) -> Vec<Result<Article, Skipped>> {
    let source = input.source();
    let bytes = match input {
        Input::Stdin => read_limited(std::io::stdin().lock()),
        Input::File(path) => read_file(path),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(reason) => return vec![Err(Skipped { source, reason })],
    };
    let format = match input {
        Input::File(path) => Format::from_path(path).unwrap_or_else(|| Format::sniff(&bytes)),
        Input::Stdin => Format::sniff(&bytes),
    };
    read_bytes(&source, &bytes, format, opts)
}

/// Reads articles from bytes in the given format; `source` names them in messages.
pub fn read_bytes(source: &str, bytes: &[u8], format: Format, opts: &ReadOptions) -> Vec<Result<Article, Skipped>> {
    let run = || match format {
        Format::Ndjson => json::read_ndjson(source, bytes, opts),
        _ => match decode::decode(bytes) {
            Err(reason) => vec![Err(skipped(source, reason))],
            Ok(text) => match format {
                Format::Text => vec![text::read_text(source, &text, opts)],
                Format::Json => json::read_json(source, &text, opts),
                Format::Html | Format::Ndjson => vec![html::read_html(source, &text, opts)],
            },
        },
    };
    // Belt and braces: a bug in a reader must not take the whole run down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| vec![Err(skipped(source, "internal error while reading this input (a bug)"))])
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err(match std::fs::read_dir(path) {
            Err(e) => format!("cannot list directory: {}", io_reason(&e)),
            Ok(_) => "is a directory".to_string(),
        });
    }
    if meta.is_file() && meta.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    read_limited(file)
}

fn read_limited(reader: impl Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {}", io_reason(&e)))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

fn too_large() -> String {
    format!("too large (more than {} MiB)", MAX_INPUT_BYTES / (1024 * 1024))
}

/// An I/O error as a short lower-case reason, without the "(os error N)" noise.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            let s = match s.find(" (os error") {
                Some(i) => s.get(..i).unwrap_or(&s).to_string(),
                None => s,
            };
            // The OS capitalises its messages ("Too many levels of symbolic links").
            let mut chars = s.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => s,
            }
        }
    }
}

pub(crate) fn skipped(source: &str, reason: impl Into<String>) -> Skipped {
    Skipped { source: source.to_string(), reason: reason.into() }
}

/// The largest char boundary of `s` at or before `i`.
pub(crate) fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Metadata as found in an input, before validation (front matter, JSON).
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub author: Option<String>,
}

/// Validated metadata.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub lang: Option<Lang>,
    pub author: Option<String>,
}

impl Fields {
    /// Validates dates and languages. `origin` prefixes messages ("front matter ").
    /// A value the command line overrides is not checked.
    pub fn into_meta(self, opts: &ReadOptions, origin: &str) -> Result<Meta, String> {
        let published = match (&self.published, opts.published) {
            (Some(v), None) => Some(dates::parse_date_value(v).ok_or_else(|| {
                format!("{origin}'published: {v}' is not a valid date (expected YYYY-MM-DD or RFC 3339)")
            })?),
            _ => None,
        };
        let lang = match (&self.lang, opts.lang) {
            (Some(v), None) => {
                Some(Lang::parse(v).ok_or_else(|| format!("unsupported language '{}' (fr, en)", v.trim()))?)
            }
            _ => None,
        };
        Ok(Meta { title: self.title, outlet: self.outlet, url: self.url, published, lang, author: self.author })
    }
}

/// Builds the article from metadata and body, applying command-line overrides, language
/// detection and the date search. Errors are the reason for a `Skipped`.
pub(crate) fn build_article(source: &str, meta: Meta, body: String, opts: &ReadOptions) -> Result<Article, String> {
    let body = trim_body(body);
    if body.is_empty() {
        return Err("empty body".to_string());
    }
    let lang = match opts.lang.or(meta.lang) {
        Some(l) => l,
        None => detect_lang::detect(&body)?,
    };
    let published = opts.published.or(meta.published).or_else(|| dates::find_date(&body, Some(lang)));
    let title = clean(meta.title).or_else(|| first_line_title(&body));
    Ok(Article {
        source: source.to_string(),
        title,
        outlet: clean(opts.outlet.clone()).or_else(|| clean(meta.outlet)),
        url: meta.url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty()),
        published,
        lang: Some(lang),
        author: clean(meta.author),
        body,
    })
}

/// Drops leading blank lines and trailing whitespace, in place.
fn trim_body(mut body: String) -> String {
    let end = body.trim_end().len();
    body.truncate(end);
    let start = body.len() - body.trim_start().len();
    // Drop whole blank lines; the first line keeps its indentation.
    let start = body.get(..start).and_then(|s| s.rfind('\n')).map_or(0, |i| i + 1);
    if start > 0 {
        body.drain(..start);
    }
    body
}

/// Trims and collapses inner whitespace; empty becomes `None`.
pub(crate) fn clean(s: Option<String>) -> Option<String> {
    let s = s?;
    let collapsed = collapse_whitespace(&s);
    if collapsed.is_empty() {
        None
    } else {
        Some(collapsed)
    }
}

pub(crate) fn collapse_whitespace(s: &str) -> String {
    join_words(s.split_whitespace())
}

/// Collapses runs of ASCII whitespace as browsers do (a no-break space is kept inside
/// the text), then trims all whitespace at both ends.
pub(crate) fn collapse_html_whitespace(s: &str) -> String {
    let joined = join_words(s.split_ascii_whitespace());
    let trimmed = joined.trim();
    if trimmed.len() == joined.len() {
        joined
    } else {
        trimmed.to_string()
    }
}

fn join_words<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

const MAX_TITLE_CHARS: usize = 300;

/// The first non-empty line, without Markdown heading marks, cut at 300 characters.
pub(crate) fn first_line_title(body: &str) -> Option<String> {
    let line = body.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line.trim_start_matches('#').trim();
    let mut title: String = line.chars().take(MAX_TITLE_CHARS).collect();
    if line.chars().nth(MAX_TITLE_CHARS).is_some() {
        if let Some(i) = title.rfind(' ') {
            title.truncate(i);
        }
        title.push('…');
    }
    clean(Some(title))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions::default()
    }

    fn ok(v: Vec<Result<Article, Skipped>>) -> Article {
        assert_eq!(v.len(), 1, "{v:?}");
        v.into_iter().next().unwrap().unwrap()
    }

    const FR: &str = "Le gouvernement a annoncé mardi que la réforme serait présentée au \
                      Parlement dans les prochaines semaines, selon le ministre.";

    #[test]
    fn extension_formats() {
        assert_eq!(Format::from_path(Path::new("a/b.TXT")), Some(Format::Text));
        assert_eq!(Format::from_path(Path::new("b.md")), Some(Format::Text));
        assert_eq!(Format::from_path(Path::new("b.markdown")), Some(Format::Text));
        assert_eq!(Format::from_path(Path::new("b.json")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("b.jsonl")), Some(Format::Ndjson));
        assert_eq!(Format::from_path(Path::new("b.ndjson")), Some(Format::Ndjson));
        assert_eq!(Format::from_path(Path::new("b.htm")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("b.html")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("b.pdf")), None);
        assert_eq!(Format::from_path(Path::new("noext")), None);
    }

    #[test]
    fn sniffing() {
        assert_eq!(Format::sniff(b"  {\"body\": \"x\"}"), Format::Json);
        assert_eq!(Format::sniff(b"[{\"body\": \"x\"}]"), Format::Json);
        assert_eq!(Format::sniff(b"{\"body\": \"x\"}\n{\"body\": \"y\"}\n"), Format::Ndjson);
        assert_eq!(Format::sniff(b"{\n  \"body\": \"x\"\n}\n"), Format::Json);
        assert_eq!(Format::sniff(b"<!DOCTYPE html><p>x"), Format::Html);
        assert_eq!(Format::sniff(b"\xEF\xBB\xBF<html><body>x"), Format::Html);
        assert_eq!(Format::sniff(b"<3 love"), Format::Text);
        assert_eq!(Format::sniff(b"Titre\nCorps"), Format::Text);
        assert_eq!(Format::sniff(b""), Format::Text);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<html><body>x".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(Format::sniff(&utf16), Format::Html);
    }

    #[test]
    fn options_override_everything() {
        let text = format!("---\noutlet: Le Monde\npublished: 2024-12-06\nlang: fr\n---\n{FR}\n");
        let o = ReadOptions {
            outlet: Some("  Libération ".into()),
            published: NaiveDate::from_ymd_opt(2020, 1, 2),
            lang: Some(Lang::En),
        };
        let a = ok(read_bytes("a.md", text.as_bytes(), Format::Text, &o));
        assert_eq!(a.outlet.as_deref(), Some("Libération"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2020, 1, 2));
        assert_eq!(a.lang, Some(Lang::En));
        // Overridden values are not even validated.
        let bad = format!("---\npublished: 2024-13-45\nlang: klingon\n---\n{FR}\n");
        let a = ok(read_bytes("a.md", bad.as_bytes(), Format::Text, &o));
        assert_eq!(a.lang, Some(Lang::En));
        let a = ok(read_bytes(
            "a.html",
            format!(
                "<html lang=fr><head><meta property='og:site_name' content='X'></head><body><p>{FR}</p></body></html>"
            )
            .as_bytes(),
            Format::Html,
            &o,
        ));
        assert_eq!(a.outlet.as_deref(), Some("Libération"));
        assert_eq!(a.lang, Some(Lang::En));
        let json = format!("{{\"body\": \"{FR}\", \"outlet\": \"X\", \"lang\": \"fr\"}}");
        let a = ok(read_bytes("a.json", json.as_bytes(), Format::Json, &o));
        assert_eq!(a.outlet.as_deref(), Some("Libération"));
        assert_eq!(a.lang, Some(Lang::En));
    }

    #[test]
    fn decoding_errors_for_every_format() {
        for f in [Format::Text, Format::Json, Format::Ndjson, Format::Html] {
            let r = read_bytes("x", b"ab\xffcd", f, &opts());
            assert_eq!(r.len(), 1);
            let e = r[0].as_ref().unwrap_err();
            // NDJSON reports the line that is not UTF-8; the other lines still come through.
            let want = if f == Format::Ndjson { "x:1" } else { "x" };
            assert_eq!(e.source, want);
            assert!(e.reason.contains("not valid UTF-8"), "{f:?}: {e}");
            let r = read_bytes("x", b"\x00\x01\x02", f, &opts());
            assert_eq!(r[0].as_ref().unwrap_err().reason, "binary file", "{f:?}");
            let r = read_bytes("x", b"  \n ", f, &opts());
            assert_eq!(r[0].as_ref().unwrap_err().reason, "empty file", "{f:?}");
        }
    }

    #[test]
    fn title_from_first_line_is_cut() {
        assert_eq!(first_line_title("\n\n  # Titre  \nCorps").as_deref(), Some("Titre"));
        let long = "mot ".repeat(200);
        let t = first_line_title(&long).unwrap();
        assert!(t.chars().count() <= MAX_TITLE_CHARS + 1);
        assert!(t.ends_with('…'));
        assert_eq!(first_line_title("\n \n"), None);
    }

    #[test]
    fn body_trim() {
        assert_eq!(trim_body("\n\n  Indenté\nx \n\n".into()), "  Indenté\nx");
        assert_eq!(trim_body("x".into()), "x");
        assert_eq!(trim_body(" \n ".into()), "");
    }

    #[test]
    fn read_input_reports_missing_file_and_directory() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.txt");
        let r = read_input(&Input::File(missing.clone()), &opts());
        let e = r[0].as_ref().unwrap_err();
        assert_eq!(e.source, missing.display().to_string());
        assert_eq!(e.reason, "no such file or directory");
        let r = read_input(&Input::File(dir.path().to_path_buf()), &opts());
        assert_eq!(r[0].as_ref().unwrap_err().reason, "is a directory");
    }

    #[test]
    fn read_input_uses_extension_then_sniffs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("article.dat");
        std::fs::write(&p, format!("{{\"title\": \"T\", \"body\": \"{FR}\"}}")).unwrap();
        let a = ok(read_input(&Input::File(p.clone()), &opts()));
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.source, p.display().to_string());
        // The same content with a .txt extension is read as text.
        let p = dir.path().join("article.txt");
        std::fs::write(&p, format!("{{\"title\": \"T\", \"body\": \"{FR}\"}}")).unwrap();
        let a = ok(read_input(&Input::File(p), &opts()));
        assert!(a.body.starts_with('{'));
    }

    /// Simple LCG so that the test is deterministic without extra crates.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Lcg(42);
        // Pieces that steer random input into interesting paths.
        let pieces: &[&[u8]] = &[
            b"---\n",
            b"title: x\n",
            b"published: 2024-12-06\n",
            b"{",
            b"}",
            b"[",
            b"]",
            b"\"body\":",
            b"\"",
            b",",
            b"\n",
            b"\r",
            b"<html>",
            b"<article>",
            b"<p>",
            b"</p>",
            b"<script>",
            b"<li>",
            b"&amp;",
            b"12:036/12/2024",
            b"MAJ: ",
            b"le 6 d\xc3\xa9cembre 2024",
            b"\xc3",
            b"\xa9",
            b"\xff\xfe",
            b"\xef\xbb\xbf",
            b"\x00",
            b"Le chat est sur le toit. ",
            b"The cat is on the roof. ",
            b"lang: de\n",
            b":",
            b"\xe2\x80\x99",
        ];
        let opts = opts();
        for round in 0..400 {
            let len = (rng.next() % 300) as usize;
            let mut bytes = Vec::with_capacity(len);
            while bytes.len() < len {
                if round % 2 == 0 && rng.next().is_multiple_of(3) {
                    bytes.push(rng.next() as u8);
                } else {
                    let p = pieces[(rng.next() as usize) % pieces.len()];
                    bytes.extend_from_slice(p);
                }
            }
            for f in [Format::Text, Format::Json, Format::Ndjson, Format::Html] {
                let out = read_bytes("fuzz", &bytes, f, &opts);
                assert!(!out.is_empty(), "{f:?} {bytes:?}");
                for a in out.into_iter().flatten() {
                    assert!(a.lang.is_some());
                    assert!(!a.body.trim().is_empty());
                }
            }
            let _ = Format::sniff(&bytes);
        }
    }

    #[test]
    fn large_article_and_long_line() {
        let mut big = String::from("---\ntitle: Grand\nlang: fr\n---\n");
        let para = format!("{FR}\n");
        while big.len() < 50 * 1024 * 1024 {
            big.push_str(&para);
        }
        let start = std::time::Instant::now();
        let a = ok(read_bytes("big.txt", big.as_bytes(), Format::Text, &opts()));
        assert!(a.body.len() > 49 * 1024 * 1024);
        // A single 10 MB line, language detected, no front matter.
        let line = FR.repeat(10 * 1024 * 1024 / FR.len() + 1);
        let a = ok(read_bytes("line.txt", line.as_bytes(), Format::Text, &opts()));
        assert_eq!(a.lang, Some(Lang::Fr));
        assert!(a.title.unwrap().chars().count() <= MAX_TITLE_CHARS + 1);
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    }
}
