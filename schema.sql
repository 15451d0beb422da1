-- claimtrack schema, migration 0. Applied by the binary on first use; PRAGMA user_version
-- counts applied migrations (see src/db.rs). Later migrations are appended there, never
-- edited here once released.

CREATE TABLE outlets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    content_hash  TEXT NOT NULL UNIQUE,          -- sha256 of the whitespace-normalised body
    source        TEXT NOT NULL,                 -- file it was read from (path, path:line)
    outlet_id     INTEGER REFERENCES outlets(id),
    title         TEXT,
    url           TEXT,
    author        TEXT,
    published     TEXT,                          -- YYYY-MM-DD, NULL when unknown
    lang          TEXT NOT NULL CHECK (lang IN ('fr', 'en')),
    body          TEXT NOT NULL,                 -- statement spans are byte offsets into this
    ingested_at   TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE statements (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,                -- order in the article, from 0
    paragraph   INTEGER NOT NULL,
    span_start  INTEGER NOT NULL,                -- byte offsets into articles.body
    span_end    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('heading', 'sentence', 'bullet', 'boilerplate')),
    text        TEXT NOT NULL,
    UNIQUE (article_id, position),
    CHECK (span_start <= span_end)
);

CREATE TABLE actors (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    side     TEXT NOT NULL CHECK (side IN ('government', 'opposition', 'kurdish-led', 'monitor',
                 'foreign-government', 'media', 'local', 'unknown')),
    kind     TEXT NOT NULL DEFAULT 'other',      -- armed, media, official, source, ...
    aliases  TEXT NOT NULL DEFAULT ''            -- '|' separated, fr/en/ar
);

CREATE TABLE places (
    id          INTEGER PRIMARY KEY,             -- GeoNames id, or >= 900000000 for additions
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,                   -- country, admin1, city, airbase, mountain, ...
    country     TEXT,
    parent_id   INTEGER REFERENCES places(id),
    lat         REAL,
    lon         REAL,
    population  INTEGER,
    alternates  TEXT NOT NULL DEFAULT ''         -- '|' separated
);
CREATE INDEX places_parent ON places(parent_id);
CREATE INDEX places_name ON places(name COLLATE NOCASE);

-- Every place with every ancestor (and itself at depth 0): containment in one indexed join.
CREATE TABLE place_ancestors (
    place_id     INTEGER NOT NULL REFERENCES places(id) ON DELETE CASCADE,
    ancestor_id  INTEGER NOT NULL REFERENCES places(id) ON DELETE CASCADE,
    depth        INTEGER NOT NULL,
    PRIMARY KEY (place_id, ancestor_id)
) WITHOUT ROWID;
CREATE INDEX place_ancestors_ancestor ON place_ancestors(ancestor_id, place_id);

CREATE TABLE claims (
    id               INTEGER PRIMARY KEY,
    statement_id     INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    article_id       INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    claimant         TEXT NOT NULL,              -- as written: "une source militaire", "unattributed"
    claimant_actor_id INTEGER REFERENCES actors(id),
    claimant_side    TEXT NOT NULL,
    relayed_by       TEXT,                       -- "SANA" in "SANA a cité une source militaire"
    relay_actor_id   INTEGER REFERENCES actors(id),
    outlet_id        INTEGER REFERENCES outlets(id),
    polarity         TEXT NOT NULL CHECK (polarity IN ('asserted', 'denied')),
    modality         TEXT NOT NULL CHECK (modality IN ('certain', 'reported', 'hedged')),
    event_type       TEXT NOT NULL,
    actor            TEXT,                       -- who did it, as written
    actor_id         INTEGER REFERENCES actors(id),
    actor_side       TEXT NOT NULL DEFAULT 'unknown',
    event_date       TEXT,                       -- YYYY-MM-DD, NULL when unknown
    date_precision   TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year', 'unknown')),
    date_source      TEXT NOT NULL,              -- explicit, relative, publication, unknown
    quantity_low     REAL,
    quantity_high    REAL,
    quantity_unit    TEXT,
    quantity_measure TEXT,                       -- what it measures: "killed", "distance from Damascus"
    denies_claim_id  INTEGER REFERENCES claims(id), -- pointer denial resolved to this claim
    claimant_key     TEXT NOT NULL,              -- who, for "same claimant" tests: actor name or folded text
    clause_start     INTEGER NOT NULL,           -- byte span of the clause inside the statement
    clause_end       INTEGER NOT NULL
);
CREATE INDEX claims_statement ON claims(statement_id);
CREATE INDEX claims_article ON claims(article_id);
CREATE INDEX claims_event_date ON claims(event_type, event_date);
CREATE INDEX claims_claimant ON claims(claimant COLLATE NOCASE);

CREATE TABLE claim_places (
    claim_id   INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    place_id   INTEGER NOT NULL REFERENCES places(id),
    surface    TEXT NOT NULL,                    -- the words in the text
    match_kind TEXT NOT NULL CHECK (match_kind IN ('exact', 'alias', 'fuzzy', 'reference')),
    score      REAL NOT NULL,                    -- 1.0 for exact/alias, similarity for fuzzy
    precision  TEXT NOT NULL,                    -- country, admin1, city, site
    relation   TEXT NOT NULL DEFAULT 'in' CHECK (relation IN ('in', 'near')),
    -- 'broad': the governorate reading of a bare name shared by a city and its governorate
    -- ("the withdrawal from Homs"); detection uses it, explanations say so.
    reading    TEXT NOT NULL DEFAULT 'primary' CHECK (reading IN ('primary', 'broad')),
    PRIMARY KEY (claim_id, place_id)
) WITHOUT ROWID;
CREATE INDEX claim_places_place ON claim_places(place_id, claim_id);

CREATE TABLE conflicts (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('denial', 'control', 'numeric', 'date')),
    event_type   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'in-review', 'resolved', 'dismissed')),
    explanation  TEXT NOT NULL,
    new_material INTEGER NOT NULL DEFAULT 0,     -- claims attached after a review
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL
);
CREATE INDEX conflicts_status ON conflicts(status, kind);

CREATE TABLE conflict_claims (
    conflict_id  INTEGER NOT NULL REFERENCES conflicts(id) ON DELETE CASCADE,
    claim_id     INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    side         TEXT NOT NULL,                  -- 'a' or 'b': which side of the disagreement
    reason       TEXT NOT NULL,                  -- why this claim was attached, in words
    added        TEXT NOT NULL,
    PRIMARY KEY (conflict_id, claim_id)
) WITHOUT ROWID;
CREATE INDEX conflict_claims_claim ON conflict_claims(claim_id);

-- Agreeing claims from different claimants: corroboration, counted per independent claimant.
CREATE TABLE corroborations (
    claim_id     INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    by_claim_id  INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    PRIMARY KEY (claim_id, by_claim_id)
) WITHOUT ROWID;
CREATE INDEX corroborations_by ON corroborations(by_claim_id);

-- Readable views for sqlite3 and Datasette.
CREATE VIEW claims_view AS
SELECT c.id AS claim_id, a.id AS article_id, a.title, o.name AS outlet, a.url, a.published,
       c.claimant, c.claimant_side, c.relayed_by, c.polarity, c.modality, c.event_type,
       c.actor, c.actor_side, c.event_date, c.date_precision,
       c.quantity_low, c.quantity_high, c.quantity_unit, c.quantity_measure,
       (SELECT group_concat(p.name || CASE cp.relation WHEN 'near' THEN ' (near)' ELSE '' END, '; ')
          FROM claim_places cp JOIN places p ON p.id = cp.place_id
         WHERE cp.claim_id = c.id) AS places,
       s.text AS statement
  FROM claims c
  JOIN statements s ON s.id = c.statement_id
  JOIN articles a ON a.id = c.article_id
  LEFT JOIN outlets o ON o.id = c.outlet_id;

CREATE VIEW conflicts_view AS
SELECT k.id AS conflict_id, k.kind, k.event_type, k.status, k.explanation,
       cc.side, cc.claim_id, cv.claimant, cv.claimant_side, cv.polarity, cv.outlet,
       cv.event_date, cv.places, cv.statement
  FROM conflicts k
  JOIN conflict_claims cc ON cc.conflict_id = k.id
  JOIN claims_view cv ON cv.claim_id = cc.claim_id;
