//! Every output format renders the same values (`query::ClaimView`, `ConflictView`):
//! table (readable at 100 columns, long quotes wrap), JSON (the README's contract), CSV and
//! Markdown.

use std::io::Write;

use tabled::builder::Builder;
use tabled::settings::Style;

use crate::query::{ClaimView, ConflictView};

/// Tables fit this many columns.
pub const TABLE_WIDTH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

fn side_label(c: &ClaimView) -> String {
    format!("{} ({})", c.claimant, c.side)
}

fn date_label(c: &ClaimView) -> String {
    match (&c.date, c.date_precision.as_str()) {
        (Some(d), "day") => d.clone(),
        (Some(d), "month") => d.get(..7).unwrap_or(d).to_string(),
        (Some(d), _) => d.get(..4).unwrap_or(d).to_string(),
        (None, _) => "unknown".into(),
    }
}

fn table(headers: &[&str], rows: Vec<Vec<String>>, wrap_col: usize) -> String {
    // Every column but `wrap_col` is capped at a fair share; `wrap_col` takes what is left.
    let n = headers.len();
    let cap = (TABLE_WIDTH / n.max(1)).max(8);
    let width = |i: usize, rows: &[Vec<String>]| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .flat_map(|c| c.lines().map(|l| l.chars().count()))
            .chain(std::iter::once(headers[i].chars().count()))
            .max()
            .unwrap_or(1)
            .min(cap)
    };
    let mut widths: Vec<usize> =
        (0..n).map(|i| if rows.is_empty() { headers[i].len() } else { width(i, &rows) }).collect();
    let borders = 3 * n + 1;
    let others: usize = widths.iter().enumerate().filter(|(i, _)| *i != wrap_col).map(|(_, w)| w).sum();
    if wrap_col < n {
        widths[wrap_col] = TABLE_WIDTH.saturating_sub(borders + others).max(12);
    }
    let mut b = Builder::default();
    b.push_record(headers.iter().enumerate().map(|(i, h)| wrap(h, widths[i])));
    for r in rows {
        b.push_record(r.iter().enumerate().map(|(i, c)| wrap(c, widths.get(i).copied().unwrap_or(cap))));
    }
    let mut t = b.build();
    t.with(Style::sharp());
    t.to_string()
}

/// Column widths of the reconciliation table (content, without borders): claim and stance,
/// source, outlet and dates, statement. With borders and padding they add up to 100.
const RECONCILIATION_WIDTHS: [usize; 4] = [9, 22, 16, 40];

/// Word-wraps `text` to `width` columns; words longer than a line are cut.
pub fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word = word.to_string();
            while word.chars().count() > width {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                lines.push(head);
            }
            let need =
                if line.is_empty() { word.chars().count() } else { line.chars().count() + 1 + word.chars().count() };
            if need > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// The reconciliation table of one conflict, as text.
pub fn reconciliation(c: &ConflictView) -> String {
    let mut out = String::new();
    let flag = if c.new_material { " · NEW MATERIAL since review" } else { "" };
    out.push_str(&format!("Conflict #{} · {} · {} · {}{flag}\n", c.id, c.kind, c.event, c.status));
    out.push_str(&wrap_line("Places", &c.places.join(", ")));
    let w = RECONCILIATION_WIDTHS;
    let mut b = Builder::default();
    b.push_record(["Claim", "Claimant (side)", "Outlet, dates", "Statement as written"]);
    for k in &c.claims {
        let mut source = side_label(k);
        if let Some(r) = &k.relayed_by {
            source.push_str(&format!("\nrelayed by {r}"));
        }
        let outlet = format!(
            "{}\npub. {}\nevent {}",
            k.article.outlet.clone().unwrap_or_else(|| "outlet unknown".into()),
            k.article.published.clone().unwrap_or_else(|| "undated".into()),
            date_label(k)
        );
        b.push_record([
            wrap(&format!("#{}\n{}\n{}", k.claim_id, k.polarity, k.modality), w[0]),
            wrap(&source, w[1]),
            wrap(&outlet, w[2]),
            wrap(&k.text, w[3]),
        ]);
    }
    let mut t = b.build();
    t.with(Style::sharp());
    out.push_str(&t.to_string());
    out.push('\n');
    let corr: Vec<String> = c
        .corroboration
        .iter()
        .map(|s| format!("{}: {} independent ({})", s.side, s.independent_claimants, s.claimants.join("; ")))
        .collect();
    out.push_str(&wrap_line("Corroboration", &corr.join(" · ")));
    for (i, r) in c.reasons.iter().enumerate() {
        let label = if i == 0 { "Why flagged" } else { "" };
        out.push_str(&wrap_line(label, r));
    }
    out
}

/// "Label: text" wrapped at the table width with a hanging indent.
fn wrap_line(label: &str, text: &str) -> String {
    let indent = 15;
    let mut out = String::new();
    let mut line = format!("{:<indent$}", if label.is_empty() { String::new() } else { format!("{label}:") });
    let mut len = line.chars().count();
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if len + w + 1 > TABLE_WIDTH && len > indent {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
            len = indent;
        }
        line.push_str(word);
        line.push(' ');
        len += w + 1;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn csv_escape_rows(headers: &[&str], rows: Vec<Vec<String>>, w: &mut dyn Write) -> std::io::Result<()> {
    let mut wr = csv::Writer::from_writer(w);
    wr.write_record(headers).map_err(std::io::Error::other)?;
    for r in rows {
        wr.write_record(&r).map_err(std::io::Error::other)?;
    }
    wr.flush()
}

/// A Markdown table cell: pipes escaped, and HTML neutralised, since Markdown viewers render it.
fn md_cell(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|").replace('\n', "<br>")
}

fn markdown(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = format!("| {} |\n|{}\n", headers.join(" | "), "---|".repeat(headers.len()));
    for r in rows {
        out.push_str(&format!("| {} |\n", r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")));
    }
    out
}

const CLAIM_HEADERS: [&str; 10] =
    ["claim_id", "article", "outlet", "claimant", "side", "relayed_by", "polarity", "event", "places", "date"];

fn claim_record(c: &ClaimView) -> Vec<String> {
    vec![
        c.claim_id.to_string(),
        c.article.id.to_string(),
        c.article.outlet.clone().unwrap_or_default(),
        c.claimant.clone(),
        c.side.clone(),
        c.relayed_by.clone().unwrap_or_default(),
        c.polarity.clone(),
        c.event.clone(),
        c.places.join("; "),
        date_label(c),
    ]
}

pub fn claims(claims: &[ClaimView], format: Format, w: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => writeln!(w, "{}", serde_json::to_string_pretty(claims).map_err(std::io::Error::other)?),
        Format::Csv => {
            let mut headers = CLAIM_HEADERS.to_vec();
            headers.extend(["modality", "quantity", "text"]);
            let rows = claims
                .iter()
                .map(|c| {
                    let mut r = claim_record(c);
                    r.extend([c.modality.clone(), c.quantity.clone().unwrap_or_default(), c.text.clone()]);
                    r
                })
                .collect();
            csv_escape_rows(&headers, rows, w)
        }
        Format::Markdown => {
            let rows = claims.iter().map(|c| {
                vec![
                    c.claim_id.to_string(),
                    side_label(c),
                    c.polarity.clone(),
                    c.event.clone(),
                    c.places.join(", "),
                    date_label(c),
                    c.text.clone(),
                ]
            });
            write!(
                w,
                "{}",
                markdown(&["#", "Claimant (side)", "Polarity", "Event", "Places", "Date", "Statement"], rows.collect())
            )
        }
        Format::Table => {
            if claims.is_empty() {
                return writeln!(w, "No claims.");
            }
            let rows = claims
                .iter()
                .map(|c| {
                    vec![
                        c.claim_id.to_string(),
                        side_label(c),
                        format!("{}\n{}", c.polarity, c.event),
                        c.places.join(", "),
                        date_label(c),
                        c.text.clone(),
                    ]
                })
                .collect();
            writeln!(w, "{}", table(&["#", "Claimant (side)", "Stance", "Places", "Date", "Statement"], rows, 5))
        }
    }
}

/// Any simple listing (history, stats, scorecards) in the chosen format.
pub fn rows(
    headers: &[&str],
    rows: Vec<Vec<String>>,
    wrap_col: usize,
    format: Format,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Csv => csv_escape_rows(headers, rows, w),
        Format::Markdown => write!(w, "{}", markdown(headers, rows)),
        Format::Json => {
            let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .into_iter()
                .map(|r| {
                    headers.iter().map(|h| h.to_string()).zip(r.into_iter().map(serde_json::Value::String)).collect()
                })
                .collect();
            writeln!(w, "{}", serde_json::to_string_pretty(&objects).map_err(std::io::Error::other)?)
        }
        Format::Table => {
            if rows.is_empty() {
                return writeln!(w, "Nothing to show.");
            }
            writeln!(w, "{}", table(headers, rows, wrap_col))
        }
    }
}

/// A list of conflicts: one row each (table, CSV, Markdown) or the full objects (JSON).
pub fn conflict_list(list: &[ConflictView], format: Format, w: &mut dyn Write) -> std::io::Result<()> {
    let row = |c: &ConflictView| {
        let claimants: Vec<String> = c.claims.iter().map(|k| format!("#{} {}", k.claim_id, k.claimant)).collect();
        vec![
            c.id.to_string(),
            c.kind.clone(),
            c.event.clone(),
            c.status.clone(),
            c.places.join(", "),
            c.claims.len().to_string(),
            claimants.join("; "),
        ]
    };
    let headers = ["id", "kind", "event", "status", "places", "claims", "claimants"];
    match format {
        Format::Json => writeln!(w, "{}", serde_json::to_string_pretty(list).map_err(std::io::Error::other)?),
        Format::Csv => csv_escape_rows(&headers, list.iter().map(row).collect(), w),
        Format::Markdown => write!(w, "{}", markdown(&headers, list.iter().map(row).collect())),
        Format::Table => {
            if list.is_empty() {
                return writeln!(w, "No conflicts.");
            }
            writeln!(w, "{}", table(&headers, list.iter().map(row).collect(), 6))
        }
    }
}

/// Full reconciliation tables for conflicts.
pub fn reconciliations(list: &[ConflictView], format: Format, w: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => writeln!(w, "{}", serde_json::to_string_pretty(list).map_err(std::io::Error::other)?),
        Format::Csv => {
            let mut headers = vec!["conflict_id", "kind", "status", "conflict_side"];
            headers.extend(CLAIM_HEADERS);
            headers.extend(["modality", "text", "explanation"]);
            let mut rows = Vec::new();
            for c in list {
                for k in &c.claims {
                    let mut r = vec![
                        c.id.to_string(),
                        c.kind.clone(),
                        c.status.clone(),
                        k.conflict_side.clone().unwrap_or_default(),
                    ];
                    r.extend(claim_record(k));
                    r.extend([k.modality.clone(), k.text.clone(), c.explanation.clone()]);
                    rows.push(r);
                }
            }
            csv_escape_rows(&headers, rows, w)
        }
        Format::Markdown => {
            for c in list {
                writeln!(w, "### Conflict #{} · {} · {} · {}\n", c.id, c.kind, c.event, c.status)?;
                writeln!(w, "Places: {}\n", c.places.join(", "))?;
                let rows = c
                    .claims
                    .iter()
                    .map(|k| {
                        vec![
                            format!("#{} {}", k.claim_id, k.conflict_side.clone().unwrap_or_default()),
                            side_label(k),
                            k.relayed_by.clone().unwrap_or_default(),
                            k.article.outlet.clone().unwrap_or_default(),
                            date_label(k),
                            format!("{} ({})", k.polarity, k.modality),
                            k.text.clone(),
                        ]
                    })
                    .collect();
                write!(
                    w,
                    "{}",
                    markdown(
                        &["Claim", "Claimant (side)", "Relayed by", "Outlet", "Date", "Stance", "Statement"],
                        rows
                    )
                )?;
                writeln!(w)?;
                for r in &c.reasons {
                    writeln!(w, "- {}", md_cell(r))?;
                }
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Table => {
            if list.is_empty() {
                return writeln!(w, "No conflicts.");
            }
            for (i, c) in list.iter().enumerate() {
                if i > 0 {
                    writeln!(w)?;
                }
                write!(w, "{}", reconciliation(c))?;
            }
            Ok(())
        }
    }
}
