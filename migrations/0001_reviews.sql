-- Migration 1: the newsroom workflow. Reviews and ratings are append-only history: a
-- trigger refuses any UPDATE or DELETE, so a verdict is never overwritten.

CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY,
    conflict_id      INTEGER NOT NULL REFERENCES conflicts(id),
    action           TEXT NOT NULL CHECK (action IN ('review', 'reopen')),
    verdict          TEXT CHECK (verdict IN ('upheld', 'both-wrong', 'partly', 'not-a-conflict', 'unresolvable')),
    upheld_claim_id  INTEGER REFERENCES claims(id),
    confidence       TEXT CHECK (confidence IN ('high', 'medium', 'low')),
    note             TEXT NOT NULL,
    reviewer         TEXT NOT NULL,
    evidence         TEXT NOT NULL DEFAULT '[]',   -- JSON array of URLs
    status_before    TEXT NOT NULL,
    status_after     TEXT NOT NULL,
    created          TEXT NOT NULL
);
CREATE INDEX reviews_conflict ON reviews(conflict_id, id);

CREATE TABLE claim_ratings (
    id        INTEGER PRIMARY KEY,
    claim_id  INTEGER NOT NULL REFERENCES claims(id),
    rating    TEXT NOT NULL CHECK (rating IN ('true', 'mostly-true', 'mixed', 'mostly-false', 'false', 'unverifiable')),
    note      TEXT NOT NULL,
    reviewer  TEXT NOT NULL,
    created   TEXT NOT NULL
);
CREATE INDEX claim_ratings_claim ON claim_ratings(claim_id, id);

CREATE TRIGGER reviews_append_only_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_append_only_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER claim_ratings_append_only_update BEFORE UPDATE ON claim_ratings
BEGIN SELECT RAISE(ABORT, 'ratings are append-only'); END;
CREATE TRIGGER claim_ratings_append_only_delete BEFORE DELETE ON claim_ratings
BEGIN SELECT RAISE(ABORT, 'ratings are append-only'); END;
