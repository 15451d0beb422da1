//! Storing one article with its statements and claims, and detecting the conflicts its
//! claims take part in, all in one transaction: never half an article in the database.

use std::borrow::Cow;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use crate::article::Article;
use crate::db::DayText;
use crate::detect::{DetectOutcome, Detector, Recorder, StoredClaim, StoredPlace};
use crate::extract::{ClaimDraft, Extraction, Pipeline, UNATTRIBUTED};
use crate::insert::Insert;
use crate::text::fold;
use crate::values;

/// The connection an ingest writes on, with the inserts it runs for every article (and
/// detection's), prepared once and bound without copying (see `insert`).
pub struct Writes<'c> {
    pub detect: Recorder<'c>,
    article: Insert<'c>,
    statement: Insert<'c>,
    claim: Insert<'c>,
    place: Insert<'c>,
}

impl<'c> Writes<'c> {
    pub fn prepare(conn: &'c Connection) -> rusqlite::Result<Writes<'c>> {
        Ok(Writes {
            detect: Recorder::prepare(conn)?,
            article: Insert::prepare(
                conn,
                "INSERT INTO articles (content_hash, source, outlet_id, title, url, author, published, lang, body, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            statement: Insert::prepare(
                conn,
                "INSERT INTO statements (article_id, position, paragraph, span_start, span_end, kind, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            claim: Insert::prepare(
                conn,
                "INSERT INTO claims (statement_id, article_id, claimant, claimant_actor_id, claimant_side, relayed_by,
                    relay_actor_id, outlet_id, polarity, modality, event_type, actor, actor_id, actor_side, event_date,
                    date_precision, date_source, quantity_low, quantity_high, quantity_unit, quantity_measure,
                    denies_claim_id, claimant_key, clause_start, clause_end)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
                    ?22, ?23, ?24, ?25)",
            )?,
            place: Insert::prepare(
                conn,
                "INSERT OR IGNORE INTO claim_places (claim_id, place_id, surface, match_kind, score, precision, relation,
                    reading, event_type, event_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
        })
    }

    pub fn conn(&self) -> &'c Connection {
        self.detect.conn
    }
}

/// Lexicon actor index → `actors.id`, and the claimant key of each actor.
#[derive(Debug, Clone)]
pub struct ActorIds {
    ids: HashMap<usize, i64>,
    /// `claimant_key` of a claimant who is the actor, by lexicon index: written once, not
    /// once per claim.
    keys: Vec<String>,
}

impl ActorIds {
    /// Syncs the actors table with the lexicon and maps indices to ids.
    pub fn sync(conn: &Connection, pipeline: &Pipeline) -> rusqlite::Result<ActorIds> {
        crate::db::sync_actors(conn, &pipeline.lexicon)?;
        let mut ids = HashMap::new();
        let mut keys = Vec::new();
        for (i, a) in pipeline.lexicon.actors.actors.iter().enumerate() {
            if let Some(id) = crate::db::actor_id(conn, &a.name)? {
                ids.insert(i, id);
            }
            keys.push(format!("actor:{}", a.name));
        }
        Ok(ActorIds { ids, keys })
    }

    fn get(&self, i: Option<usize>) -> Option<i64> {
        i.and_then(|i| self.ids.get(&i).copied())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New { article_id: i64, statements: usize, claims: usize, detect: DetectOutcome },
    Already { article_id: i64 },
}

/// Who a claim's claimant is, for "the same claimant" tests: the actor when known (so
/// "l'OSDH" and "SOHR" are one), else the words folded.
fn claimant_key<'a>(actors: &'a ActorIds, c: &ClaimDraft) -> Cow<'a, str> {
    // `keys` holds every actor of the lexicon the extraction used (`ActorIds::sync`).
    match c.source.claimant_actor.and_then(|a| actors.keys.get(a)) {
        Some(key) => Cow::Borrowed(key),
        None if c.source.claimant == UNATTRIBUTED => Cow::Borrowed(UNATTRIBUTED),
        None => Cow::Owned(fold(&c.source.claimant)),
    }
}

/// Stores one article in its own transaction: all of it, or nothing.
pub fn store_article(
    w: &mut Writes,
    pipeline: &Pipeline,
    actors: &ActorIds,
    article: &Article,
    extraction: &Extraction,
    detector: &mut Detector,
) -> rusqlite::Result<Stored> {
    let conn = w.conn();
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let stored = (|| {
        detector.sync(conn)?;
        let s = store_in(w, pipeline, actors, article, extraction, detector)?;
        detector.finish(conn)?;
        conn.execute_batch("COMMIT")?;
        Ok(s)
    })();
    if stored.is_err() {
        rollback(conn, detector);
    }
    stored
}

/// Rolls back the open transaction, if SQLite has not already done so (it does after a full
/// disk or an I/O error), and forgets the detector's facts of claims rolled back.
pub fn rollback(conn: &Connection, detector: &mut Detector) {
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    detector.forget();
}

/// Stores one article inside the caller's transaction. On error part of the article may be
/// written: the caller rolls the whole transaction back and calls `detector.forget()` (a
/// savepoint per article would do it alone, but costs SQLite a statement journal on every
/// insert; see `cmd::ingest::Writer` for how a batch recovers).
pub fn store_in(
    w: &mut Writes,
    pipeline: &Pipeline,
    actors: &ActorIds,
    article: &Article,
    extraction: &Extraction,
    detector: &mut Detector,
) -> rusqlite::Result<Stored> {
    let tx = w.conn();
    let hash = &extraction.content_hash;
    if let Some(id) = tx
        .prepare_cached("SELECT id FROM articles WHERE content_hash = ?1")?
        .query_row([&hash], |r| r.get(0))
        .optional()?
    {
        return Ok(Stored::Already { article_id: id });
    }
    let outlet_id: Option<i64> = match article.outlet.as_deref() {
        Some(name) => {
            tx.prepare_cached("INSERT OR IGNORE INTO outlets (name) VALUES (?1)")?.execute([name])?;
            Some(tx.prepare_cached("SELECT id FROM outlets WHERE name = ?1")?.query_row([name], |r| r.get(0))?)
        }
        None => None,
    };
    let published = article.published.map(DayText::new);
    w.article.run(&values![
        hash,
        &article.source,
        outlet_id,
        extraction.better_title.as_ref().or(article.title.as_ref()),
        article.url.as_ref(),
        article.author.as_ref(),
        published.as_ref(),
        article.lang.map(|l| l.code()).unwrap_or("en"),
        &article.body,
        crate::db::now().as_str()
    ])?;
    let article_id = tx.last_insert_rowid();

    let mut statement_ids = Vec::with_capacity(extraction.statements.len());
    for (i, s) in extraction.statements.iter().enumerate() {
        w.statement.run(&values![
            article_id,
            i as i64,
            s.paragraph as i64,
            s.span.start as i64,
            s.span.end as i64,
            s.kind.name(),
            &article.body[s.span.clone()]
        ])?;
        statement_ids.push(tx.last_insert_rowid());
    }

    let mut claim_ids: Vec<i64> = Vec::with_capacity(extraction.claims.len());
    let mut stored: Vec<StoredClaim> = Vec::with_capacity(extraction.claims.len());
    {
        for c in &extraction.claims {
            let q = c.quantities.first();
            let key = claimant_key(actors, c);
            let st_start = extraction.statements[c.statement].span.start;
            let event_date = c.date.date.map(DayText::new);
            let event_date = event_date.as_ref();
            w.claim.run(&values![
                statement_ids[c.statement],
                article_id,
                &c.source.claimant,
                actors.get(c.source.claimant_actor),
                &c.source.side,
                c.source.relayed_by.as_ref(),
                actors.get(c.source.relay_actor),
                outlet_id,
                c.polarity.name(),
                c.modality.name(),
                c.event.name(),
                c.actor.as_ref(),
                actors.get(c.actor_id),
                &c.actor_side,
                event_date,
                c.date.precision.name(),
                c.date.source.name(),
                q.map(|q| q.low),
                q.and_then(|q| q.high.is_finite().then_some(q.high)),
                q.map(|q| q.unit.as_str()),
                q.map(|q| q.measure.as_str()),
                c.denies.and_then(|i| claim_ids.get(i).copied()),
                key.as_ref(),
                (c.clause.start - st_start) as i64,
                (c.clause.end - st_start) as i64,
            ])?;
            let id = tx.last_insert_rowid();
            let mut facts = StoredClaim {
                id,
                article_id,
                statement_id: statement_ids[c.statement],
                claimant: &c.source.claimant,
                claimant_key: key,
                claimant_side: &c.source.side,
                polarity: c.polarity.name(),
                event: c.event,
                actor_side: &c.actor_side,
                date: c.date.date,
                date_source: c.date.source.name(),
                date_precision: c.date.precision.name(),
                published: article.published,
                // SQLite stores NaN as NULL, and a claim with no low figure has no quantity.
                quantity: q
                    .filter(|q| !q.low.is_nan())
                    .map(|q| (q.low, q.high.is_finite().then_some(q.high), q.unit.as_str(), q.measure.as_str())),
                places: Vec::with_capacity(c.places.len()),
            };
            for m in &c.places {
                let Some(rec) = pipeline.gazetteer.get(m.place) else { continue };
                let surface = article.body.get(m.start..m.end).unwrap_or("");
                let fuzzy = (m.match_kind.name() == "fuzzy").then_some(m.score);
                let near = m.relation.name() == "near";
                facts.places.push(StoredPlace { id: m.place, near, broad: false, surface, fuzzy });
                if let Some(g) = m.broad {
                    facts.places.push(StoredPlace { id: g, near, broad: true, surface, fuzzy });
                }
                w.place.run(&values![
                    id,
                    m.place,
                    surface,
                    m.match_kind.name(),
                    m.score,
                    rec.precision(),
                    m.relation.name(),
                    "primary",
                    c.event.name(),
                    event_date
                ])?;
                if let Some(g) = m.broad {
                    w.place.run(&values![
                        id,
                        g,
                        surface,
                        m.match_kind.name(),
                        m.score,
                        "admin1",
                        m.relation.name(),
                        "broad",
                        c.event.name(),
                        event_date
                    ])?;
                }
            }
            claim_ids.push(id);
            stored.push(facts);
        }
    }
    let outcome = detector.detect_stored(&mut w.detect, &stored)?;
    Ok(Stored::New { article_id, statements: statement_ids.len(), claims: claim_ids.len(), detect: outcome })
}
