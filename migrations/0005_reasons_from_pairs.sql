-- Migration 5: detection stores the pair of claims that attached a claim to a conflict, not
-- the reason in words (issue 4, throughput). A reason is a function of the two claims'
-- stored facts, the conflict's rule and the time window, so it is written out when read
-- (`detect::Reasons`: `conflict ID`, `history`, `export csv`). The words were two fifths
-- of the database and a tenth of the writer's time: 226 MB of 622 MB for 10,000 bench
-- articles, about 450 bytes a row.
--
-- conflict_claims is rebuilt because `reason` becomes optional: rows stored before this
-- migration keep their words (and have no pair); rows stored after it have a pair and no
-- words. pair_a is the claim that was being stored when the pair was judged, pair_b the
-- earlier claim it was compared with (the order the reason names them in); one of them is
-- claim_id. They carry no REFERENCES: both are members of the conflict, whose claim_id
-- already does, and a foreign-key check per column costs a lookup on every insert.
DROP VIEW conflicts_view;
CREATE TABLE conflict_claims_v5 (
    conflict_id  INTEGER NOT NULL REFERENCES conflicts(id) ON DELETE CASCADE,
    claim_id     INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    side         TEXT NOT NULL,                  -- which side of the disagreement
    reason       TEXT,                           -- in words, for rows stored before migration 5
    added        TEXT NOT NULL,
    pair_a       INTEGER,                        -- the pair that attached the claim (see above)
    pair_b       INTEGER,
    window_hours INTEGER,                        -- the time window the pair was judged with
    PRIMARY KEY (conflict_id, claim_id)
) WITHOUT ROWID;
INSERT INTO conflict_claims_v5 (conflict_id, claim_id, side, reason, added)
SELECT conflict_id, claim_id, side, reason, added FROM conflict_claims;
DROP TABLE conflict_claims;
ALTER TABLE conflict_claims_v5 RENAME TO conflict_claims;
CREATE INDEX conflict_claims_claim ON conflict_claims(claim_id);
CREATE VIEW conflicts_view AS
SELECT k.id AS conflict_id, k.kind, k.event_type, k.status, k.explanation,
       cc.side, cc.claim_id, cv.claimant, cv.claimant_side, cv.polarity, cv.outlet,
       cv.event_date, cv.places, cv.statement
  FROM conflicts k
  JOIN conflict_claims cc ON cc.conflict_id = k.id
  JOIN claims_view cv ON cv.claim_id = cc.claim_id;

-- Agreements likewise: each holds the agreeing claim and the rule ('count': agrees on the
-- figure, 'event': both assert the event, 'control': both put the place in the same hands),
-- [{"claim": 12, "rule": "event"}]; those stored before keep their words under "reason".
DROP VIEW corroborations;
CREATE VIEW corroborations AS
SELECT cc.claim_id, j.value ->> 'claim' AS by_claim_id, j.value ->> 'reason' AS reason, j.value ->> 'rule' AS rule
  FROM claim_corroborations cc, json_each(cc.agreements) j;
