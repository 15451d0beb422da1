//! `claimtrack export`: schema.org ClaimReview JSON-LD for fact-check publishing, and one CSV
//! per table for spreadsheets.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::{json, Value};

use crate::cli::{Ctx, Done, Fatal};
use crate::detect::Reasons;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// ClaimReview JSON-LD for every rated claim and every claim of a resolved conflict.
    Claimreview {
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        #[arg(long)]
        publisher: String,
        #[arg(long = "publisher-url")]
        publisher_url: String,
    },
    /// One CSV file per table into DIR.
    Csv { dir: PathBuf },
}

/// Textual rating → (ratingValue on a 1-5 scale, alternateName). Unverifiable has no place on
/// the scale, so it carries only its name.
fn rating_scale(rating: &str) -> (Option<i64>, &'static str) {
    match rating {
        "true" => (Some(5), "True"),
        "mostly-true" => (Some(4), "Mostly true"),
        "mixed" => (Some(3), "Mixed"),
        "mostly-false" => (Some(2), "Mostly false"),
        "false" => (Some(1), "False"),
        _ => (None, "Unverifiable"),
    }
}

/// Claims with a rating, from ratings and from resolved conflicts' verdicts:
/// (claim id, rating, review date, note).
fn rated_claims(conn: &Connection) -> rusqlite::Result<Vec<(i64, String, String)>> {
    let mut out: Vec<(i64, String, String)> = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT claim_id, rating, created FROM claim_ratings r
          WHERE id = (SELECT max(id) FROM claim_ratings WHERE claim_id = r.claim_id) ORDER BY claim_id",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
        out.push(row?);
    }
    // The last review of each resolved conflict decides its claims' ratings.
    let mut stmt = conn.prepare(
        "SELECT r.conflict_id, r.verdict, r.upheld_claim_id, r.created FROM reviews r JOIN conflicts k ON k.id = r.conflict_id
          WHERE k.status = 'resolved' AND r.id = (SELECT max(id) FROM reviews WHERE conflict_id = r.conflict_id AND action = 'review')",
    )?;
    let verdicts: Vec<(i64, String, Option<i64>, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
    for (conflict, verdict, upheld, when) in verdicts {
        // Only the claims the reviewer saw: those attached before the verdict.
        let mut members =
            conn.prepare("SELECT claim_id, side FROM conflict_claims WHERE conflict_id = ?1 AND added <= ?2")?;
        let members: Vec<(i64, String)> = members
            .query_map(rusqlite::params![conflict, when], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let upheld_side = upheld.and_then(|u| members.iter().find(|(c, _)| *c == u).map(|(_, s)| s.clone()));
        for (claim, side) in &members {
            if out.iter().any(|(c, ..)| c == claim) {
                continue; // a direct rating wins
            }
            let rating = match verdict.as_str() {
                "upheld" if Some(side) == upheld_side.as_ref() => "true",
                "upheld" => "false",
                "both-wrong" => "false",
                "partly" => "mixed",
                _ => continue,
            };
            out.push((*claim, rating.to_string(), when.clone()));
        }
    }
    out.sort_by_key(|(c, ..)| *c);
    Ok(out)
}

/// "Short text" for claimReviewed: the statement, cut at a word near 280 characters.
fn short(text: &str) -> String {
    const MAX: usize = 280;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let cut: String = text.chars().take(MAX).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", &cut[..at])
}

pub fn claimreviews(conn: &Connection, publisher: &str, publisher_url: &str) -> rusqlite::Result<Vec<Value>> {
    let mut out = Vec::new();
    for (claim, rating, when) in rated_claims(conn)? {
        let row = conn.query_row(
            "SELECT c.claimant, s.text, a.url, a.published, o.name FROM claims c JOIN statements s ON s.id = c.statement_id
               JOIN articles a ON a.id = c.article_id LEFT JOIN outlets o ON o.id = a.outlet_id WHERE c.id = ?1",
            [claim],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )?;
        let (claimant, text, url, published, outlet) = row;
        let (value, name) = rating_scale(&rating);
        let mut review_rating = json!({ "@type": "Rating", "alternateName": name });
        if let Some(v) = value {
            review_rating["ratingValue"] = json!(v);
            review_rating["bestRating"] = json!(5);
            review_rating["worstRating"] = json!(1);
        }
        let mut item = json!({
            "@type": "Claim",
            "author": { "@type": "Organization", "name": claimant },
        });
        if let Some(p) = &published {
            item["datePublished"] = json!(p);
        }
        if let Some(u) = &url {
            item["appearance"] = json!([{ "@type": "CreativeWork", "url": u, "publisher": outlet.map(|o| json!({"@type": "Organization", "name": o})) }]);
        }
        out.push(json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": format!("{}#claim-{claim}", publisher_url.trim_end_matches('/')),
            "claimReviewed": short(&text),
            "itemReviewed": item,
            "author": { "@type": "Organization", "name": publisher, "url": publisher_url },
            "datePublished": when.get(..10).unwrap_or(&when),
            "reviewRating": review_rating,
        }));
    }
    Ok(out)
}

const TABLES: [&str; 13] = [
    "outlets",
    "articles",
    "statements",
    "actors",
    "places",
    "claims",
    "claim_places",
    "conflicts",
    "conflict_claims",
    "corroborations",
    "reviews",
    "claim_ratings",
    "place_ancestors",
];

fn cell_text(v: rusqlite::types::Value) -> String {
    match v {
        rusqlite::types::Value::Null => String::new(),
        rusqlite::types::Value::Integer(i) => i.to_string(),
        rusqlite::types::Value::Real(f) => f.to_string(),
        rusqlite::types::Value::Text(t) => t,
        rusqlite::types::Value::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
    }
}

/// The reason of a `conflict_claims` or `corroborations` row stored as a pair of claims
/// (no words in its `reason` column), in words; None for every other row.
fn reason_in_words(
    conn: &Connection,
    words: &mut Reasons,
    kinds: &mut HashMap<i64, String>,
    table: &str,
    row: &rusqlite::Row,
    col: &dyn Fn(&str) -> Option<usize>,
) -> rusqlite::Result<Option<String>> {
    let Some(reason_col) = col("reason") else { return Ok(None) };
    if row.get::<_, Option<String>>(reason_col)?.is_some() {
        return Ok(None);
    }
    let int = |name: &str| -> rusqlite::Result<Option<i64>> {
        match col(name) {
            Some(i) => row.get(i),
            None => Ok(None),
        }
    };
    match table {
        "conflict_claims" => {
            let (Some(conflict), Some(claim)) = (int("conflict_id")?, int("claim_id")?) else { return Ok(None) };
            if let std::collections::hash_map::Entry::Vacant(slot) = kinds.entry(conflict) {
                slot.insert(conn.query_row("SELECT kind FROM conflicts WHERE id = ?1", [conflict], |r| r.get(0))?);
            }
            let pair = crate::query::pair_of(int("pair_a")?, int("pair_b")?, int("window_hours")?);
            Ok(Some(words.of_member(&kinds[&conflict], claim, None, pair)?))
        }
        "corroborations" => {
            let (Some(claim), Some(by)) = (int("claim_id")?, int("by_claim_id")?) else { return Ok(None) };
            let rule: Option<String> = match col("rule") {
                Some(i) => row.get(i)?,
                None => None,
            };
            Ok(Some(words.agreement(rule.as_deref().unwrap_or(""), claim, by)?))
        }
        _ => Ok(None),
    }
}

fn export_csv(conn: &Connection, dir: &PathBuf) -> Result<usize, Fatal> {
    std::fs::create_dir_all(dir).map_err(|e| Fatal(format!("{}: {e}", dir.display())))?;
    let mut words = Reasons::new(conn);
    let mut kinds: HashMap<i64, String> = HashMap::new();
    for table in TABLES {
        let path = dir.join(format!("{table}.csv"));
        let file = std::fs::File::create(&path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        // Table names come from the constant list above, never from input.
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}"))?;
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        w.write_record(&names).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        let n = names.len();
        let col = |name: &str| names.iter().position(|c| c == name);
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut rec = Vec::with_capacity(n);
            for i in 0..n {
                rec.push(cell_text(row.get(i)?));
            }
            // Reasons stored as pairs of claims (since migration 5) are written out here.
            if let (Some(reason), Some(i)) =
                (reason_in_words(conn, &mut words, &mut kinds, table, row, &col)?, col("reason"))
            {
                rec[i] = reason;
            }
            w.write_record(&rec).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
        }
        w.flush().map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    }
    Ok(TABLES.len())
}

pub fn run(ctx: &Ctx, cmd: ExportCommand) -> Result<Done, Fatal> {
    let conn = ctx.open()?;
    match cmd {
        ExportCommand::Claimreview { output, publisher, publisher_url } => {
            if !(publisher_url.starts_with("http://") || publisher_url.starts_with("https://")) {
                return Err(Fatal(format!("--publisher-url '{publisher_url}' is not an http(s) URL")));
            }
            let reviews = claimreviews(&conn, &publisher, &publisher_url)?;
            let text = serde_json::to_string_pretty(&reviews)?;
            match output {
                Some(path) => crate::cmd::write_file(&path, text.as_bytes())?,
                None => {
                    let mut out = crate::cmd::stdout();
                    writeln!(out, "{text}")?;
                    crate::cmd::finish(out)?;
                }
            }
        }
        ExportCommand::Csv { dir } => {
            let n = export_csv(&conn, &dir)?;
            eprintln!("wrote {n} CSV files to {}", dir.display());
        }
    }
    Ok(Done::Ok)
}
