//! Reading claims and conflicts back as the values every output format renders.
//! The JSON contract of the README is these structs serialised.

use std::collections::{HashMap, HashSet};

use crate::detect::Reasons;
use rusqlite::{params_from_iter, types::Value, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ArticleRef {
    pub id: i64,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    pub claim_id: i64,
    pub article: ArticleRef,
    pub claimant: String,
    pub side: String,
    pub relayed_by: Option<String>,
    pub polarity: String,
    pub modality: String,
    pub event: String,
    pub actor: Option<String>,
    pub places: Vec<String>,
    pub date: Option<String>,
    pub date_precision: String,
    pub quantity: Option<String>,
    /// The statement as written in the article.
    pub text: String,
    /// In a conflict: which side of the disagreement this claim is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict_side: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SideCount {
    pub side: String,
    /// Independent claimants (relays of one source count once).
    pub independent_claimants: usize,
    pub claimants: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub event: String,
    pub places: Vec<String>,
    pub explanation: String,
    pub new_material: bool,
    pub created: String,
    pub corroboration: Vec<SideCount>,
    /// Why each claim was attached, in words (rule, places, dates, scores).
    pub reasons: Vec<String>,
    pub claims: Vec<ClaimView>,
}

#[derive(Debug, Default, Clone)]
pub struct ClaimFilter {
    pub article: Option<i64>,
    pub articles: Vec<i64>,
    pub place: Option<String>,
    pub claimant: Option<String>,
    pub event: Option<String>,
    pub polarity: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct ConflictFilter {
    pub status: Option<String>,
    pub place: Option<String>,
    pub event: Option<String>,
    pub kind: Option<String>,
    /// Only conflicts with a claim from one of these articles.
    pub articles: Vec<i64>,
}

const CLAIM_SELECT: &str = "SELECT c.id, a.id, a.title, o.name, a.url, a.published, c.claimant, c.claimant_side, c.relayed_by,
        c.polarity, c.modality, c.event_type, c.actor, c.event_date, c.date_precision,
        c.quantity_low, c.quantity_high, c.quantity_unit, c.quantity_measure, s.text,
        (SELECT group_concat(name, '|') FROM (SELECT p.name || CASE p.kind WHEN 'admin1' THEN ' governorate' ELSE '' END
                || CASE cp.relation WHEN 'near' THEN ' (near)' ELSE '' END AS name
            FROM claim_places cp JOIN places p ON p.id = cp.place_id WHERE cp.claim_id = c.id AND cp.reading = 'primary'))
   FROM claims c JOIN statements s ON s.id = c.statement_id JOIN articles a ON a.id = c.article_id
   LEFT JOIN outlets o ON o.id = a.outlet_id";

fn fmt_num(v: f64) -> String {
    // 50 ± 10% is 45–55, not 45–55.000000001.
    if (v - v.round()).abs() < 1e-6 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn claim_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClaimView> {
    let low: Option<f64> = r.get(15)?;
    let high: Option<f64> = r.get(16)?;
    let unit: Option<String> = r.get(17)?;
    let measure: Option<String> = r.get(18)?;
    let quantity = low.map(|lo| {
        let range = match high {
            None => format!("≥{}", fmt_num(lo)),
            Some(h) if (h - lo).abs() < f64::EPSILON => fmt_num(lo),
            Some(h) => format!("{}–{}", fmt_num(lo), fmt_num(h)),
        };
        format!("{range} {} ({})", unit.unwrap_or_default(), measure.unwrap_or_default())
    });
    let places: Option<String> = r.get(20)?;
    Ok(ClaimView {
        claim_id: r.get(0)?,
        article: ArticleRef {
            id: r.get(1)?,
            title: r.get(2)?,
            outlet: r.get(3)?,
            url: r.get(4)?,
            published: r.get(5)?,
        },
        claimant: r.get(6)?,
        side: r.get(7)?,
        relayed_by: r.get(8)?,
        polarity: r.get(9)?,
        modality: r.get(10)?,
        event: r.get(11)?,
        actor: r.get(12)?,
        date: r.get(13)?,
        date_precision: r.get(14)?,
        quantity,
        text: r.get(19)?,
        places: places
            .unwrap_or_default()
            .split('|')
            .filter(|s| !s.is_empty())
            .map(crate::gazetteer::strip_diacritics)
            .collect(),
        conflict_side: None,
    })
}

/// A place filter: the place named and everything inside it.
pub fn place_ids(conn: &Connection, name: &str) -> rusqlite::Result<Vec<i64>> {
    let folded = crate::text::fold(name.trim());
    let mut stmt = conn.prepare_cached("SELECT id, name, alternates FROM places")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, n, alts) = row?;
        let hit = crate::text::fold(&n) == folded
            || crate::gazetteer::strip_diacritics(&n).to_lowercase() == folded
            || alts.split('|').any(|a| crate::text::fold(a) == folded);
        if hit {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn place_clause(conn: &Connection, name: &str, args: &mut Vec<Value>, claim_col: &str) -> rusqlite::Result<String> {
    let ids = place_ids(conn, name)?;
    if ids.is_empty() {
        return Ok("0".into());
    }
    let marks = vec!["?"; ids.len()].join(",");
    args.extend(ids.into_iter().map(Value::Integer));
    Ok(format!(
        "EXISTS (SELECT 1 FROM claim_places cp JOIN place_ancestors pa ON pa.place_id = cp.place_id
                  WHERE cp.claim_id = {claim_col} AND pa.ancestor_id IN ({marks}))"
    ))
}

pub fn claims(conn: &Connection, f: &ClaimFilter) -> rusqlite::Result<Vec<ClaimView>> {
    let mut conds = vec!["1".to_string()];
    let mut args: Vec<Value> = Vec::new();
    if let Some(a) = f.article {
        conds.push("c.article_id = ?".into());
        args.push(Value::Integer(a));
    }
    if !f.articles.is_empty() {
        conds.push(format!("c.article_id IN ({})", vec!["?"; f.articles.len()].join(",")));
        args.extend(f.articles.iter().map(|&a| Value::Integer(a)));
    }
    if let Some(p) = &f.place {
        let c = place_clause(conn, p, &mut args, "c.id")?;
        conds.push(c);
    }
    if let Some(c) = &f.claimant {
        conds.push("(c.claimant LIKE ? OR c.relayed_by LIKE ? OR EXISTS (SELECT 1 FROM actors x WHERE x.id = c.claimant_actor_id AND x.name LIKE ?))".into());
        let pat = format!("%{c}%");
        args.extend([Value::Text(pat.clone()), Value::Text(pat.clone()), Value::Text(pat)]);
    }
    if let Some(e) = &f.event {
        conds.push("c.event_type = ?".into());
        args.push(Value::Text(e.clone()));
    }
    if let Some(p) = &f.polarity {
        conds.push("c.polarity = ?".into());
        args.push(Value::Text(p.clone()));
    }
    let sql = format!("{CLAIM_SELECT} WHERE {} ORDER BY c.id", conds.join(" AND "));
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), claim_row)?;
    rows.collect()
}

/// The conditions of `f` on `conflicts k`, with their arguments.
fn conflict_conditions(conn: &Connection, f: &ConflictFilter) -> rusqlite::Result<(String, Vec<Value>)> {
    let mut conds = vec!["1".to_string()];
    let mut args: Vec<Value> = Vec::new();
    if let Some(s) = &f.status {
        conds.push("k.status = ?".into());
        args.push(Value::Text(s.clone()));
    }
    if let Some(k) = &f.kind {
        conds.push("k.kind = ?".into());
        args.push(Value::Text(k.clone()));
    }
    if let Some(e) = &f.event {
        conds.push("k.event_type = ?".into());
        args.push(Value::Text(e.clone()));
    }
    if let Some(p) = &f.place {
        let c = place_clause(conn, p, &mut args, "cc.claim_id")?;
        conds.push(format!("EXISTS (SELECT 1 FROM conflict_claims cc WHERE cc.conflict_id = k.id AND {c})"));
    }
    if !f.articles.is_empty() {
        conds.push(format!(
            "EXISTS (SELECT 1 FROM conflict_claims cc JOIN claims c ON c.id = cc.claim_id WHERE cc.conflict_id = k.id AND c.article_id IN ({}))",
            vec!["?"; f.articles.len()].join(",")
        ));
        args.extend(f.articles.iter().map(|&a| Value::Integer(a)));
    }
    Ok((conds.join(" AND "), args))
}

/// Ids of the conflicts that pass `f`, oldest first.
pub fn conflict_ids(conn: &Connection, f: &ConflictFilter) -> rusqlite::Result<Vec<i64>> {
    let (conds, args) = conflict_conditions(conn, f)?;
    let mut stmt = conn.prepare(&format!("SELECT k.id FROM conflicts k WHERE {conds} ORDER BY k.id"))?;
    let ids = stmt.query_map(params_from_iter(args), |r| r.get(0))?.collect();
    ids
}

/// The ids of the `limit` newest conflicts that pass `f` (all of them for 0), newest first,
/// and how many pass it. Reads only the rows it returns, and an index to count: listing the
/// newest 100 of 227,000 conflicts took 130 ms when every id was read, in a table whose
/// rows hold long explanations.
pub fn newest_conflict_ids(conn: &Connection, f: &ConflictFilter, limit: usize) -> rusqlite::Result<(Vec<i64>, usize)> {
    let (conds, args) = conflict_conditions(conn, f)?;
    let sql_limit = if limit == 0 { -1 } else { limit as i64 };
    let mut stmt =
        conn.prepare(&format!("SELECT k.id FROM conflicts k WHERE {conds} ORDER BY k.id DESC LIMIT {sql_limit}"))?;
    let ids = stmt.query_map(params_from_iter(args.iter()), |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    if ids.len() < limit || limit == 0 {
        let total = ids.len();
        return Ok((ids, total));
    }
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM conflicts k WHERE {conds}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    Ok((ids, total as usize))
}

/// The pair that attached a claim to a conflict (`pair_a`, `pair_b`, `window_hours` of
/// `conflict_claims`, from column `first` on); None for rows stored before migration 5.
pub fn member_pair(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Option<(i64, i64, i64)>> {
    Ok(pair_of(r.get(first)?, r.get(first + 1)?, r.get(first + 2)?))
}

/// `pair_a`, `pair_b`, `window_hours` as one pair, when all three are stored.
pub fn pair_of(a: Option<i64>, b: Option<i64>, window_hours: Option<i64>) -> Option<(i64, i64, i64)> {
    Some((a?, b?, window_hours?))
}

pub fn conflict(conn: &Connection, id: i64) -> rusqlite::Result<Option<ConflictView>> {
    conflict_with(conn, id, &mut Reasons::new(conn))
}

/// The conflicts with these ids that exist, in the order given. One `Reasons` for the whole
/// list: claims in several conflicts are read once.
pub fn conflicts_by_id(conn: &Connection, ids: &[i64]) -> rusqlite::Result<Vec<ConflictView>> {
    let mut words = Reasons::new(conn);
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        out.extend(conflict_with(conn, id, &mut words)?);
    }
    Ok(out)
}

/// `conflict`, putting reasons stored as pairs into words with `words` (shared by a listing).
fn conflict_with(conn: &Connection, id: i64, words: &mut Reasons) -> rusqlite::Result<Option<ConflictView>> {
    let head = conn
        .query_row(
            "SELECT id, kind, status, event_type, explanation, new_material, created FROM conflicts WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((id, kind, status, event, explanation, new_material, created)) = head else { return Ok(None) };
    let mut stmt = conn.prepare_cached(&format!(
        "{CLAIM_SELECT} JOIN conflict_claims cc ON cc.claim_id = c.id WHERE cc.conflict_id = ?1 ORDER BY cc.side, c.id"
    ))?;
    let mut claims: Vec<ClaimView> = stmt.query_map([id], claim_row)?.collect::<Result<_, _>>()?;
    let mut meta = conn.prepare_cached(
        "SELECT cc.claim_id, cc.side, cc.reason, c.claimant_key, cc.pair_a, cc.pair_b, cc.window_hours
           FROM conflict_claims cc JOIN claims c ON c.id = cc.claim_id
          WHERE cc.conflict_id = ?1 ORDER BY cc.added, cc.claim_id",
    )?;
    type MetaRow = (i64, String, Option<String>, String, Option<(i64, i64, i64)>);
    let meta: Vec<MetaRow> = meta
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, member_pair(r, 4)?)))?
        .collect::<Result<_, _>>()?;
    // Reasons stored as pairs are put into words here, from the claims' facts, read at once.
    let pairs: Vec<i64> = meta.iter().filter_map(|m| m.4).flat_map(|(a, b, _)| [a, b]).collect();
    words.load(&pairs)?;
    let meta: Vec<(i64, String, String, String)> = meta
        .into_iter()
        .map(|(cid, side, reason, key, pair)| Ok((cid, side, words.of_member(&kind, cid, reason, pair)?, key)))
        .collect::<rusqlite::Result<_>>()?;
    // Conflicts can hold thousands of claims: every lookup below is by hash, never a scan.
    let mut reasons: Vec<String> = Vec::new();
    let mut reasons_seen: HashSet<&str> = HashSet::new();
    for (_, _, reason, _) in &meta {
        if reasons_seen.insert(reason) {
            reasons.push(reason.clone());
        }
    }
    // The claims come ordered by side already (the query above).
    let side_of: HashMap<i64, &String> = meta.iter().map(|(cid, side, ..)| (*cid, side)).collect();
    for c in &mut claims {
        c.conflict_side = side_of.get(&c.claim_id).map(|s| s.to_string());
    }
    let index: HashMap<i64, &ClaimView> = claims.iter().map(|c| (c.claim_id, c)).collect();
    let mut corroboration: Vec<SideCount> = Vec::new();
    // Per side: claimant keys counted, and the words already seen (a wire story printed by
    // several outlets is one source: the same words count once).
    let mut counted: HashMap<&str, (HashSet<&str>, HashSet<String>)> = HashMap::new();
    // A claimant is shown as first written on its side ("SOHR" and "l'OSDH" are one key).
    let mut first_written: HashMap<(&str, &str), &str> = HashMap::new();
    for (cid, side, _, key) in &meta {
        let claim = index.get(cid);
        let written = first_written.entry((side, key)).or_insert_with(|| claim.map_or(key.as_str(), |c| &c.claimant));
        let text = claim.map(|c| crate::text::fold(&c.text)).unwrap_or_default();
        let (keys, texts) = counted.entry(side).or_default();
        let copy = !texts.insert(text);
        let first_of_side = keys.is_empty();
        if first_of_side || (!keys.contains(key.as_str()) && !copy) {
            keys.insert(key);
            let shown = written.to_string();
            match corroboration.iter_mut().find(|s| s.side == *side) {
                Some(s) => {
                    s.claimants.push(shown);
                    s.independent_claimants += 1;
                }
                None => corroboration.push(SideCount {
                    side: side.clone(),
                    independent_claimants: 1,
                    claimants: vec![shown],
                }),
            }
        }
    }
    corroboration.sort_by(|a, b| a.side.cmp(&b.side));
    let mut places: Vec<String> = Vec::new();
    for c in &claims {
        for p in &c.places {
            if !places.contains(p) {
                places.push(p.clone());
            }
        }
    }
    Ok(Some(ConflictView {
        id,
        kind,
        status,
        event,
        places,
        explanation,
        new_material: new_material != 0,
        created,
        corroboration,
        reasons,
        claims,
    }))
}

pub fn conflicts(conn: &Connection, f: &ConflictFilter) -> rusqlite::Result<Vec<ConflictView>> {
    conflicts_by_id(conn, &conflict_ids(conn, f)?)
}
