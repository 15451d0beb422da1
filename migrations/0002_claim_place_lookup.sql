-- Migration 2: detection looks candidates up by place, event and date in one index range
-- (before, it joined every claim of a place and filtered dates, slowing down as the
-- database grew). The event type and date are copied onto claim_places.

ALTER TABLE claim_places ADD COLUMN event_type TEXT;
ALTER TABLE claim_places ADD COLUMN event_date TEXT;
UPDATE claim_places SET event_type = (SELECT event_type FROM claims WHERE claims.id = claim_places.claim_id),
                        event_date = (SELECT event_date FROM claims WHERE claims.id = claim_places.claim_id);
CREATE INDEX claim_places_lookup ON claim_places(place_id, event_type, event_date);
