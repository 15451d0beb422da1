-- Migration 3: a conflict is about one event at one time (claims-spec §5: claims further
-- apart are a later development, not a conflict). Before, a pair joined any conflict that
-- held one of its claims, so conflicts grew day after day along chains of pairs, each
-- within the window. Each conflict now keeps the day it is about, the earliest date of the
-- pair that flagged it, and a later pair joins it only when both its claims fall within the
-- window of that day; else it flags a conflict of its own.

ALTER TABLE conflicts ADD COLUMN event_date TEXT;
UPDATE conflicts SET event_date = (SELECT min(c.event_date) FROM conflict_claims cc JOIN claims c ON c.id = cc.claim_id
                                    WHERE cc.conflict_id = conflicts.id);
