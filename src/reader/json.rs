//! JSON (an object or an array of objects) and NDJSON (one object per line).
//!
//! Keys: `title`, `outlet`, `url`, `published` (or `date`), `lang` (or `language`),
//! `author`, and the text in `body` (or `text`, or `content`). Other keys are ignored.
//! serde_json's recursion limit turns absurdly nested input into an error, not a crash.

use serde_json::{Map, Value};

use super::decode::{self, normalize_newlines, utf8_error};
use super::{build_article, skipped, Fields, ReadOptions};
use crate::article::{Article, Skipped};

/// Reads a `.json` input: an object, or an array of objects (`path[i]` in messages).
pub(crate) fn read_json(source: &str, text: &str, opts: &ReadOptions) -> Vec<Result<Article, Skipped>> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return vec![Err(skipped(source, format!("invalid JSON: {e}")))],
    };
    match value {
        Value::Object(obj) => vec![object_to_article(source, &obj, opts)],
        Value::Array(items) => {
            if items.is_empty() {
                return vec![Err(skipped(source, "empty array, no articles"))];
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let src = format!("{source}[{i}]");
                    match item {
                        Value::Object(obj) => object_to_article(&src, obj, opts),
                        other => Err(skipped(&src, format!("expected an object, found {}", kind(other)))),
                    }
                })
                .collect()
        }
        other => {
            vec![Err(skipped(source, format!("expected an object or an array of objects, found {}", kind(&other))))]
        }
    }
}

/// Reads a `.ndjson`/`.jsonl` input line by line (`path:LINE` in messages, 1-based).
/// A bad line (invalid UTF-8 or JSON) is skipped alone; blank lines are ignored.
pub(crate) fn read_ndjson(source: &str, bytes: &[u8], opts: &ReadOptions) -> Vec<Result<Article, Skipped>> {
    let mut out = Vec::new();
    let mut handle = |line_no: usize, line: Result<&str, String>| {
        let src = format!("{source}:{line_no}");
        match line {
            Err(reason) => out.push(Err(skipped(&src, reason))),
            Ok(l) if l.trim().is_empty() => {}
            Ok(l) => out.push(parse_line(&src, l, opts)),
        }
    };
    if decode::has_utf16_bom(bytes) {
        match decode::decode_raw(bytes) {
            Ok(text) => {
                for (i, line) in lines(text.as_bytes()).enumerate() {
                    let l = std::str::from_utf8(line.1).map_err(|e| utf8_error(line.0 + e.valid_up_to()));
                    handle(i + 1, l);
                }
            }
            Err(reason) => return vec![Err(skipped(source, reason))],
        }
    } else {
        let (rest, bom) = decode::strip_utf8_bom(bytes);
        if decode::is_binary(rest) {
            return vec![Err(skipped(source, "binary file"))];
        }
        for (i, (offset, line)) in lines(rest).enumerate() {
            let l = std::str::from_utf8(line).map_err(|e| utf8_error(bom + offset + e.valid_up_to()));
            handle(i + 1, l);
        }
    }
    if out.is_empty() {
        return vec![Err(skipped(source, "empty file"))];
    }
    out
}

/// Lines with their byte offsets; `\n`, `\r\n` and lone `\r` all end a line.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let rest = bytes.get(pos..)?;
        let start = pos;
        match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                let line = rest.get(..i)?;
                pos += i + 1;
                if rest.get(i) == Some(&b'\r') && rest.get(i + 1) == Some(&b'\n') {
                    pos += 1;
                }
                Some((start, line))
            }
            None => {
                pos = bytes.len();
                Some((start, rest))
            }
        }
    })
}

fn parse_line(src: &str, line: &str, opts: &ReadOptions) -> Result<Article, Skipped> {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(obj)) => object_to_article(src, &obj, opts),
        Ok(other) => Err(skipped(src, format!("expected a JSON object, found {}", kind(&other)))),
        Err(e) => Err(skipped(src, format!("invalid JSON: {e}"))),
    }
}

/// Whether content that starts with `{` is NDJSON: its first line is a whole JSON value
/// and more non-blank content follows.
pub(crate) fn looks_like_ndjson(bytes: &[u8]) -> bool {
    let Some(nl) = bytes.iter().position(|&b| b == b'\n') else {
        return false;
    };
    let (first, rest) = (bytes.get(..nl).unwrap_or(&[]), bytes.get(nl..).unwrap_or(&[]));
    rest.iter().any(|b| !b.is_ascii_whitespace()) && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The first of `keys` present and not null, as a string; another type is an error.
fn string_field(obj: &Map<String, Value>, keys: &[&str]) -> Result<Option<String>, String> {
    for key in keys {
        match obj.get(*key) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => return Ok(Some(s.clone())),
            Some(other) => {
                return Err(format!("'{key}' should be a string, not {}", kind(other)));
            }
        }
    }
    Ok(None)
}

fn object_to_article(src: &str, obj: &Map<String, Value>, opts: &ReadOptions) -> Result<Article, Skipped> {
    let fail = |r: String| skipped(src, r);
    let fields = Fields {
        title: string_field(obj, &["title"]).map_err(fail)?,
        outlet: string_field(obj, &["outlet"]).map_err(fail)?,
        url: string_field(obj, &["url"]).map_err(fail)?,
        published: string_field(obj, &["published", "date"]).map_err(fail)?,
        lang: string_field(obj, &["lang", "language"]).map_err(fail)?,
        author: string_field(obj, &["author"]).map_err(fail)?,
    };
    let body = string_field(obj, &["body", "text", "content"]).map_err(fail)?.ok_or_else(|| skipped(src, "no body"))?;
    let meta = fields.into_meta(opts, "").map_err(fail)?;
    let body = normalize_newlines(&body);
    if body.trim().is_empty() {
        return Err(skipped(src, "empty body"));
    }
    build_article(src, meta, body, opts).map_err(fail)
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

    fn json(s: &str) -> Vec<Result<Article, Skipped>> {
        read_bytes("in.json", s.as_bytes(), Format::Json, &ReadOptions::default())
    }

    fn ndjson(s: &str) -> Vec<Result<Article, Skipped>> {
        read_bytes("in.ndjson", s.as_bytes(), Format::Ndjson, &ReadOptions::default())
    }

    #[test]
    fn single_object() {
        let v = json(&format!(
            r#"{{"title":" T ","outlet":"Le Monde","url":"https://x/y","published":"2024-12-06","lang":"fr","author":"A","body":"{FR}\r\nDeux","extra":[1,2]}}"#
        ));
        assert_eq!(v.len(), 1);
        let a = v[0].as_ref().unwrap();
        assert_eq!(a.source, "in.json");
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.outlet.as_deref(), Some("Le Monde"));
        assert_eq!(a.url.as_deref(), Some("https://x/y"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 12, 6));
        assert_eq!(a.lang, Some(Lang::Fr));
        assert_eq!(a.author.as_deref(), Some("A"));
        assert_eq!(a.body, format!("{FR}\nDeux"));
    }

    #[test]
    fn text_and_content_are_body_aliases() {
        let v = json(&format!(r#"[{{"text":"{FR}"}},{{"content":"{EN}"}}]"#));
        assert_eq!(v[0].as_ref().unwrap().lang, Some(Lang::Fr));
        assert_eq!(v[1].as_ref().unwrap().lang, Some(Lang::En));
        assert_eq!(v[1].as_ref().unwrap().source, "in.json[1]");
    }

    #[test]
    fn array_with_missing_body_and_bad_types() {
        let v = json(&format!(
            r#"[{{"body":"{FR}"}},{{"title":"no body"}},{{"body":"{FR}","title":42}},3,{{"body":"{FR}","published":"2024-13-45"}},{{"body":"{FR}","lang":"de"}},{{"body":["x"]}},{{"body":"  "}}]"#
        ));
        assert_eq!(v.len(), 8);
        assert!(v[0].is_ok());
        let e = |i: usize| v[i].as_ref().unwrap_err().clone();
        assert_eq!(e(1).to_string(), "in.json[1]: no body");
        assert_eq!(e(2).source, "in.json[2]");
        assert!(e(2).reason.contains("'title'"), "{}", e(2));
        assert!(e(3).reason.contains("expected an object"), "{}", e(3));
        assert!(e(4).reason.contains("published") && e(4).reason.contains("2024-13-45"));
        assert_eq!(e(5).reason, "unsupported language 'de' (fr, en)");
        assert!(e(6).reason.contains("'body'"), "{}", e(6));
        assert_eq!(e(7).reason, "empty body");
    }

    #[test]
    fn null_fields_are_absent() {
        let v = json(&format!(r#"{{"title":null,"body":"{FR}","outlet":null}}"#));
        let a = v[0].as_ref().unwrap();
        assert_eq!(a.outlet, None);
        assert_eq!(a.title.as_deref(), Some(FR));
    }

    #[test]
    fn invalid_and_wrong_top_level() {
        let v = json("{\"body\": ");
        assert!(v[0].as_ref().unwrap_err().reason.starts_with("invalid JSON: "));
        let v = json("\"just a string\"");
        assert!(v[0].as_ref().unwrap_err().reason.contains("found a string"));
        let v = json("[]");
        assert!(v[0].as_ref().unwrap_err().reason.contains("empty array"));
    }

    #[test]
    fn deep_nesting_is_skipped_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let v = json(&deep);
        assert_eq!(v.len(), 1);
        let e = v[0].as_ref().unwrap_err();
        assert!(e.reason.contains("recursion limit"), "{e}");
        let deep_obj = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
        assert!(json(&deep_obj)[0].is_err());
        let line = format!("{}\n{}\n", deep, format_args!(r#"{{"body":"{FR}"}}"#));
        let v = ndjson(&line);
        assert!(v[0].is_err());
        assert!(v[1].is_ok());
        // Sniffing deep content does not crash either.
        let _ = Format::sniff(deep_obj.as_bytes());
    }

    #[test]
    fn ndjson_bad_line_three_of_five() {
        let good = format!(r#"{{"body":"{FR}"}}"#);
        let text = format!("{good}\n{good}\n{{\"body\": oops}}\n{good}\n{good}\n");
        let v = ndjson(&text);
        assert_eq!(v.len(), 5);
        assert_eq!(v.iter().filter(|r| r.is_ok()).count(), 4);
        let e = v[2].as_ref().unwrap_err();
        assert_eq!(e.source, "in.ndjson:3");
        assert!(e.reason.starts_with("invalid JSON: "), "{e}");
        assert!(e.to_string().starts_with("in.ndjson:3: invalid JSON: "));
        assert_eq!(v[3].as_ref().unwrap().source, "in.ndjson:4");
    }

    #[test]
    fn ndjson_blank_lines_crlf_and_bad_utf8_line() {
        let good = format!(r#"{{"body":"{FR}"}}"#);
        let mut bytes = format!("\r\n{good}\r\n\r\n   \r\n").into_bytes();
        bytes.extend_from_slice(b"{\"body\":\"\xff\"}\r\n");
        bytes.extend_from_slice(format!("{good}\r[1]\n").as_bytes());
        let v = read_bytes("x.jsonl", &bytes, Format::Ndjson, &ReadOptions::default());
        assert_eq!(v.len(), 4, "{v:?}");
        assert_eq!(v[0].as_ref().unwrap().source, "x.jsonl:2");
        let e = v[1].as_ref().unwrap_err();
        assert_eq!(e.source, "x.jsonl:5");
        assert!(e.reason.starts_with("not valid UTF-8 (byte offset "), "{e}");
        assert_eq!(v[2].as_ref().unwrap().source, "x.jsonl:6");
        let e = v[3].as_ref().unwrap_err();
        assert_eq!(e.source, "x.jsonl:7");
        assert!(e.reason.contains("expected a JSON object"));
        assert_eq!(ndjson("\n\n  \n")[0].as_ref().unwrap_err().reason, "empty file");
    }

    #[test]
    fn ndjson_utf16_and_bom() {
        let text = format!("{{\"body\":\"{FR}\"}}\n{{\"body\":\"{EN}\"}}\n");
        let mut b = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            b.extend_from_slice(&u.to_be_bytes());
        }
        let v = read_bytes("u.ndjson", &b, Format::Ndjson, &ReadOptions::default());
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|r| r.is_ok()));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(text.as_bytes());
        let v = read_bytes("u.ndjson", &b, Format::Ndjson, &ReadOptions::default());
        assert!(v.iter().all(|r| r.is_ok()), "{v:?}");
    }

    #[test]
    fn hundred_thousand_lines() {
        let mut text = String::new();
        for i in 0..100_000 {
            text.push_str(&format!(
                "{{\"title\":\"n{i}\",\"lang\":\"en\",\"published\":\"2024-12-06\",\"body\":\"Line {i}: the minister said it.\"}}\n"
            ));
        }
        let start = std::time::Instant::now();
        let v = ndjson(&text);
        assert_eq!(v.len(), 100_000);
        assert!(v.iter().all(|r| r.is_ok()));
        assert_eq!(v[99_999].as_ref().unwrap().source, "in.ndjson:100000");
        assert!(start.elapsed().as_secs() < 60);
    }

    #[test]
    fn ten_megabyte_line() {
        let body = EN.repeat(10 * 1024 * 1024 / EN.len() + 1);
        let line = format!("{{\"body\":\"{body}\"}}\n");
        let v = ndjson(&line);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].as_ref().unwrap().lang, Some(Lang::En));
    }
}
