//! What the readers, the sentence splitter and the extractor promise the writer, checked on
//! any input. Shared by tests/props.rs and the fuzz targets in fuzz/ (which include this
//! file by path), so that both look for the same failures.
#![allow(dead_code)]

use std::sync::OnceLock;

use claimtrack::article::{Article, Skipped};
use claimtrack::extract::{Extraction, Pipeline};
use claimtrack::gazetteer::Gazetteer;
use claimtrack::lexicon::Lexicon;
use claimtrack::split::Statement;

/// The extraction pipeline with the built-in lexicons and gazetteer, built once.
pub fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| {
        Pipeline::new(Lexicon::load(None).expect("lexicon"), Gazetteer::builtin().expect("gazetteer"))
            .expect("pipeline")
    })
}

/// A span the writer can slice the body with and store as offsets.
pub fn span_ok(body: &str, start: usize, end: usize) -> bool {
    start <= end && end <= body.len() && body.is_char_boundary(start) && body.is_char_boundary(end)
}

/// What every reader result must look like: an article with a body and a language, or a
/// skip naming the input (`source`, or `source:LINE`, `source[i]`) with a reason that is not
/// the catch-all for a reader panic.
pub fn check_read(source: &str, results: &[Result<Article, Skipped>]) -> Result<(), String> {
    if results.is_empty() {
        return Err("no result at all: the input is neither read nor skipped".into());
    }
    for r in results {
        match r {
            Ok(a) => {
                if a.body.trim().is_empty() {
                    return Err(format!("{}: an article with an empty body", a.source));
                }
                if a.lang.is_none() {
                    return Err(format!("{}: an article without a language", a.source));
                }
                if !a.source.starts_with(source) {
                    return Err(format!("article source {:?} does not name the input {source:?}", a.source));
                }
            }
            Err(s) => {
                if s.reason.contains("internal error") {
                    return Err(format!("a reader panicked: {s}"));
                }
                if s.reason.trim().is_empty() {
                    return Err(format!("a skip without a reason: {s}"));
                }
                if !s.source.starts_with(source) {
                    return Err(format!("the skip does not name the input {source:?}: {s}"));
                }
            }
        }
    }
    Ok(())
}

/// Statement spans lie in the body, on char boundaries, in order and without overlap.
pub fn check_statements(body: &str, statements: &[Statement]) -> Result<(), String> {
    let mut prev_end = 0;
    for (i, s) in statements.iter().enumerate() {
        if !span_ok(body, s.span.start, s.span.end) {
            return Err(format!(
                "statement span {:?} outside the body ({} bytes) or off a char boundary",
                s.span,
                body.len()
            ));
        }
        if s.span.start < prev_end {
            return Err(format!("statement {:?} overlaps the one before (ending at {prev_end})", s.span));
        }
        if s.announced_by.is_some_and(|a| a >= i) {
            return Err(format!("statement {i} announced by statement {:?}, not an earlier one", s.announced_by));
        }
        prev_end = s.span.end;
    }
    Ok(())
}

/// Statements as above; every claim in a statement, its clause inside that statement, its
/// places inside the body, a denied claim one of the article's claims.
pub fn check_extraction(body: &str, ex: &Extraction) -> Result<(), String> {
    check_statements(body, &ex.statements)?;
    for c in &ex.claims {
        let Some(st) = ex.statements.get(c.statement) else {
            return Err(format!("claim of statement {} of {}", c.statement, ex.statements.len()));
        };
        if !span_ok(body, c.clause.start, c.clause.end) {
            return Err(format!(
                "clause {:?} outside the body ({} bytes) or off a char boundary",
                c.clause,
                body.len()
            ));
        }
        // The writer stores the clause relative to its statement (clause.start - statement.start).
        if c.clause.start < st.span.start || c.clause.end > st.span.end {
            return Err(format!("clause {:?} outside its statement {:?}", c.clause, st.span));
        }
        for p in &c.places {
            if !span_ok(body, p.start, p.end) {
                return Err(format!(
                    "place span {}..{} outside the body ({} bytes) or off a char boundary",
                    p.start,
                    p.end,
                    body.len()
                ));
            }
        }
        if let Some(d) = c.denies {
            if d >= ex.claims.len() {
                return Err(format!("denies claim {d} of {}", ex.claims.len()));
            }
        }
    }
    Ok(())
}
