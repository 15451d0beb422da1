//! Rendering the desk report: Markdown, one self-contained HTML file (inline CSS, no
//! external requests, every piece of article and reviewer text escaped), and CSV.

use crate::cmd::report::Report;
use crate::query::ConflictView;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Only http(s) links become links; anything else is shown as text.
fn link(url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>", escape(url), escape(url))
    } else {
        escape(url)
    }
}

/// Markdown text: pipes escaped and HTML neutralised (Markdown viewers render HTML).
fn md(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(r: &Report) -> String {
    let mut o = String::new();
    o.push_str("# Conflict report\n\n");
    o.push_str(&format!("Generated {}", r.generated));
    if !r.filters.is_empty() {
        let f: Vec<String> = r.filters.iter().map(|(k, v)| format!("{k} {v}")).collect();
        o.push_str(&format!(" · filters: {}", f.join(", ")));
    }
    o.push_str("\n\n## Headline\n\n");
    let h = &r.headline;
    o.push_str(&format!(
        "- New conflicts: {}\n- Resolved: {}\n- Open: {} under 24 h, {} 1-3 days, {} over 3 days\n\n",
        h.new_conflicts, h.resolved, h.open_under_24h, h.open_1_to_3_days, h.open_over_3_days
    ));
    o.push_str("## Open conflicts\n\n");
    if r.open.is_empty() {
        o.push_str("None.\n\n");
    }
    for (place, events) in &r.open {
        o.push_str(&format!("### {}\n\n", md(place)));
        for (event, list) in events {
            o.push_str(&format!("#### {}\n\n", md(event)));
            for c in list {
                let mut buf = Vec::new();
                let _ =
                    crate::render::reconciliations(std::slice::from_ref(c), crate::render::Format::Markdown, &mut buf);
                o.push_str(&String::from_utf8_lossy(&buf));
            }
        }
    }
    o.push_str("## Resolved conflicts\n\n");
    if r.resolved.is_empty() {
        o.push_str("None.\n\n");
    } else {
        o.push_str("| Conflict | Verdict | Confidence | Reviewer | Note | Evidence |\n|---|---|---|---|---|---|\n");
        for x in &r.resolved {
            let verdict = match x.upheld_claim {
                Some(c) => format!("{} (claim #{c})", x.verdict),
                None => x.verdict.clone(),
            };
            o.push_str(&format!(
                "| #{} {} {} ({}) | {} | {} | {} | {} | {} |\n",
                x.conflict.id,
                x.conflict.kind,
                md(&x.conflict.event),
                x.conflict.status,
                md(&verdict),
                x.confidence.clone().unwrap_or_default(),
                md(&x.reviewer),
                md(&x.note),
                x.evidence.iter().map(|e| md(e)).collect::<Vec<_>>().join(" ")
            ));
        }
        o.push('\n');
    }
    o.push_str("## Source scorecard\n\n| Source | Kind | Claims | In conflicts | Upheld | Refuted |\n|---|---|---|---|---|---|\n");
    for s in &r.sources {
        o.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            md(&s.source),
            s.kind,
            s.claims,
            s.in_conflicts,
            s.upheld,
            s.refuted
        ));
    }
    o.push_str("\n## Timelines\n\n");
    for (place, entries) in &r.timelines {
        o.push_str(&format!("### {}\n\n| Date | Asserted | Denied |\n|---|---|---|\n", md(place)));
        for e in entries {
            let cell = format!("#{} {}: {}", e.claim_id, md(&e.claimant), md(&e.text));
            let (a, d) = if e.polarity == "denied" { (String::new(), cell) } else { (cell, String::new()) };
            o.push_str(&format!("| {} | {a} | {d} |\n", e.date));
        }
        o.push('\n');
    }
    o
}

const CSS: &str = "body{font:15px/1.45 Georgia,serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#111}
h1,h2,h3,h4,h5{font-family:Helvetica,Arial,sans-serif;break-after:avoid}h2{border-bottom:2px solid #111;padding-bottom:.2rem;margin-top:2rem}
h3{margin-bottom:.2rem}h4{color:#444;margin:.6rem 0 .2rem}h5{font-size:15px;margin:.8rem 0 .2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;table-layout:fixed}th,td{border:1px solid #bbb;padding:.3rem .45rem;vertical-align:top;text-align:left;overflow-wrap:anywhere}
td.num,th.num{text-align:right}td:empty{background:none}.date{white-space:nowrap}tr{break-inside:avoid}
col.id{width:6rem}col.who{width:14%}col.relay{width:11%}col.outlet{width:12%}col.date{width:7rem}col.stance{width:8rem}col.text{width:auto}
col.half{width:46%}
th{background:#eee;font-family:Helvetica,Arial,sans-serif;font-size:13px}.asserted{background:#eef6ee}.denied{background:#fbeaea}
.why{font-size:13px;color:#333;margin:.2rem 0 1.2rem}.figures{display:flex;gap:1rem;flex-wrap:wrap}
.figure{border:1px solid #111;padding:.5rem .8rem;min-width:8rem}.figure b{display:block;font-size:1.6rem}
.conflict{page-break-inside:avoid;margin-bottom:1.5rem}@media print{body{margin:0;max-width:none}a{color:#000}}";

fn conflict_html(c: &ConflictView) -> String {
    let mut o = format!(
        "<div class=\"conflict\"><h5>Conflict #{} · {} · {} · {}{}</h5><p>Places: {}</p><table><colgroup><col class=\"id\"><col class=\"who\"><col class=\"relay\"><col class=\"outlet\"><col class=\"date\"><col class=\"stance\"><col class=\"text\"></colgroup><thead><tr><th>Claim</th><th>Claimant (side)</th><th>Relayed by</th><th>Outlet</th><th>Event date</th><th>Stance</th><th>Statement as written</th></tr></thead><tbody>",
        c.id,
        escape(&c.kind),
        escape(&c.event),
        escape(&c.status),
        if c.new_material { " · new material" } else { "" },
        escape(&c.places.join(", "))
    );
    for k in &c.claims {
        let name = escape(k.article.outlet.as_deref().unwrap_or("outlet unknown"));
        // The outlet's name links to the article; the URL itself would crowd the table.
        let outlet = match &k.article.url {
            Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                format!("<a href=\"{}\" rel=\"noopener noreferrer\">{name}</a>", escape(u))
            }
            _ => name,
        };
        o.push_str(&format!(
            "<tr class=\"{}\"><td>#{} {}</td><td>{} ({})</td><td>{}</td><td>{}</td><td class=\"date\">{}</td><td>{} · {}</td><td>{}</td></tr>",
            if k.polarity == "denied" { "denied" } else { "asserted" },
            k.claim_id,
            escape(k.conflict_side.as_deref().unwrap_or("")),
            escape(&k.claimant),
            escape(&k.side),
            escape(k.relayed_by.as_deref().unwrap_or("—")),
            outlet,
            escape(k.date.as_deref().unwrap_or("unknown")),
            escape(&k.polarity),
            escape(&k.modality),
            escape(&k.text)
        ));
    }
    o.push_str("</tbody></table>");
    let corr: Vec<String> =
        c.corroboration.iter().map(|s| format!("{}: {} independent", s.side, s.independent_claimants)).collect();
    o.push_str(&format!("<p class=\"why\"><b>Corroboration:</b> {}</p>", escape(&corr.join(" · "))));
    for r in &c.reasons {
        o.push_str(&format!("<p class=\"why\">{}</p>", escape(r)));
    }
    o.push_str("</div>");
    o
}

pub fn html(r: &Report) -> String {
    let h = &r.headline;
    let mut o = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Conflict report</title><style>{CSS}</style></head><body><h1>Conflict report</h1><p>Generated {}{}</p>",
        escape(&r.generated),
        if r.filters.is_empty() {
            String::new()
        } else {
            format!(" · filters: {}", escape(&r.filters.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")))
        }
    );
    o.push_str(&format!(
        "<h2>Headline</h2><div class=\"figures\"><div class=\"figure\"><b>{}</b>new conflicts</div><div class=\"figure\"><b>{}</b>resolved</div><div class=\"figure\"><b>{}</b>open &lt; 24 h</div><div class=\"figure\"><b>{}</b>open 1-3 days</div><div class=\"figure\"><b>{}</b>open &gt; 3 days</div></div>",
        h.new_conflicts, h.resolved, h.open_under_24h, h.open_1_to_3_days, h.open_over_3_days
    ));
    o.push_str("<h2>Open conflicts</h2>");
    if r.open.is_empty() {
        o.push_str("<p>None.</p>");
    }
    for (place, events) in &r.open {
        o.push_str(&format!("<h3>{}</h3>", escape(place)));
        for (event, list) in events {
            o.push_str(&format!("<h4>{}</h4>", escape(event)));
            for c in list {
                o.push_str(&conflict_html(c));
            }
        }
    }
    o.push_str("<h2>Resolved conflicts</h2>");
    if r.resolved.is_empty() {
        o.push_str("<p>None.</p>");
    } else {
        o.push_str("<table><tr><th>Conflict</th><th>Verdict</th><th>Confidence</th><th>Reviewer</th><th>Note</th><th>Evidence</th></tr>");
        for x in &r.resolved {
            let verdict = match x.upheld_claim {
                Some(c) => format!("{} (claim #{c})", x.verdict),
                None => x.verdict.clone(),
            };
            o.push_str(&format!(
                "<tr><td>#{} {} · {} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                x.conflict.id,
                escape(&x.conflict.kind),
                escape(&x.conflict.event),
                escape(&x.conflict.status),
                escape(&verdict),
                escape(x.confidence.as_deref().unwrap_or("")),
                escape(&x.reviewer),
                escape(&x.note),
                x.evidence.iter().map(|e| link(e)).collect::<Vec<_>>().join("<br>")
            ));
        }
        o.push_str("</table>");
    }
    o.push_str("<h2>Source scorecard</h2><p>Sources with claims in conflicts or with verdicts; `claimtrack sources` lists all.</p>");
    for (kind, title) in [("claimant", "Claimants"), ("outlet", "Outlets")] {
        o.push_str(&format!(
            "<h3>{title}</h3><table><thead><tr><th>Source</th><th class=\"num\">Claims</th><th class=\"num\">In conflicts</th><th class=\"num\">Upheld</th><th class=\"num\">Refuted</th></tr></thead><tbody>"
        ));
        for s in r.sources.iter().filter(|s| s.kind == kind && (s.in_conflicts > 0 || s.upheld > 0 || s.refuted > 0)) {
            o.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&s.source),
                s.claims,
                s.in_conflicts,
                s.upheld,
                s.refuted
            ));
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("<h2>Timelines</h2>");
    for (place, entries) in &r.timelines {
        o.push_str(&format!(
            "<h3>{}</h3><table><colgroup><col class=\"date\"><col class=\"half\"><col class=\"half\"></colgroup><thead><tr><th>Date</th><th>Asserted</th><th>Denied</th></tr></thead><tbody>",
            escape(place)
        ));
        for e in entries {
            let cell = format!("#{} <b>{}</b>: {}", e.claim_id, escape(&e.claimant), escape(&e.text));
            let (a, d) = if e.polarity == "denied" { (String::new(), cell) } else { (cell, String::new()) };
            o.push_str(&format!(
                "<tr><td class=\"date\">{}</td><td class=\"asserted\">{a}</td><td class=\"denied\">{d}</td></tr>",
                escape(&e.date)
            ));
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</body></html>\n");
    o
}

/// CSV: one row per claim of each conflict in the report (open and resolved), with the verdict.
pub fn csv(r: &Report) -> Result<String, crate::cli::Fatal> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| crate::cli::Fatal(e.to_string());
    w.write_record([
        "section",
        "place",
        "conflict_id",
        "kind",
        "event",
        "status",
        "verdict",
        "claim_id",
        "claimant",
        "side",
        "polarity",
        "outlet",
        "date",
        "text",
    ])
    .map_err(err)?;
    let mut row = |section: &str, place: &str, c: &ConflictView, verdict: &str| -> Result<(), crate::cli::Fatal> {
        for k in &c.claims {
            w.write_record([
                section,
                place,
                &c.id.to_string(),
                &c.kind,
                &c.event,
                &c.status,
                verdict,
                &k.claim_id.to_string(),
                &k.claimant,
                &k.side,
                &k.polarity,
                k.article.outlet.as_deref().unwrap_or(""),
                k.date.as_deref().unwrap_or(""),
                &k.text,
            ])
            .map_err(err)?;
        }
        Ok(())
    };
    for (place, events) in &r.open {
        for list in events.values() {
            for c in list {
                row("open", place, c, "")?;
            }
        }
    }
    for x in &r.resolved {
        row("resolved", x.conflict.places.first().map_or("", |s| s.as_str()), &x.conflict, &x.verdict)?;
    }
    let bytes = w.into_inner().map_err(|e| crate::cli::Fatal(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape("\"onerror=x'"), "&quot;onerror=x&#39;");
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
    }
}
