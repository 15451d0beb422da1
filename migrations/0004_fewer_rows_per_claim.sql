-- Migration 4: fewer rows and index entries per claim stored (issue 4, throughput). Each
-- ingested article wrote about 200 rows, half of them one corroboration each; row inserts
-- and their index entries were most of the writer's time.
--
-- Corroborations: one row per claim that agrees with earlier claims, holding them all (the
-- first agreeing claim of each other claimant, at most 20, with the rule and the places it
-- agrees on), instead of one row per pair with an index on each side. The `corroborations`
-- view gives the pairs as before.
CREATE TABLE claim_corroborations (
    claim_id    INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    -- JSON array, in the order detection found them: [{"claim": 12, "reason": "agrees: ..."}]
    agreements  TEXT NOT NULL
);
INSERT INTO claim_corroborations (claim_id, agreements)
SELECT claim_id, json_group_array(json_object('claim', by_claim_id, 'reason', reason))
  FROM (SELECT claim_id, by_claim_id, reason FROM corroborations ORDER BY claim_id, by_claim_id)
 GROUP BY claim_id;
DROP TABLE corroborations;
CREATE VIEW corroborations AS
SELECT cc.claim_id, j.value ->> 'claim' AS by_claim_id, j.value ->> 'reason' AS reason
  FROM claim_corroborations cc, json_each(cc.agreements) j;

-- `claims --claimant` matches '%words%', which no index serves: claims_claimant only cost
-- an entry per claim stored.
DROP INDEX claims_claimant;
-- claim_places_lookup (place_id, event_type, event_date) starts with the place and, in a
-- WITHOUT ROWID table, holds the claim id too: it serves every lookup by place that
-- claim_places_place (place_id, claim_id) did.
DROP INDEX claim_places_place;
