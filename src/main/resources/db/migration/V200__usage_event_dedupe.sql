-- Usage event ids the aggregator has counted (issue 4). The gateway's spool replays at least once,
-- so the aggregator looks up each batch's event ids here and inserts the new ones in
-- the same transaction as the rollups, counting only those.
-- day = the UTC day of the event's time: the retention job deletes ids older than
-- tally.aggregator.usage-dedupe-retention-days; BRIN because ids arrive in time order and a BRIN
-- index costs next to nothing on insert (the PK already costs one B-tree insert per event).
CREATE TABLE usage_event_id (
    id   uuid NOT NULL PRIMARY KEY,   -- the event id, or the MD5 name-based UUID of an id that is no UUID
    day  date NOT NULL
);
CREATE INDEX usage_event_id_day_brin ON usage_event_id USING brin (day);

-- The operations page counts DLQ entries by time.
CREATE INDEX dlq_entry_received_idx ON dlq_entry (received_at);

-- The aggregator updates the same rollup rows many times a day; free room on each page lets
-- PostgreSQL update them in place (HOT) without touching the indexes. Storage only: no column or
-- meaning of V2 changes.
ALTER TABLE usage_daily SET (fillfactor = 70);
ALTER TABLE usage_hourly SET (fillfactor = 70);
ALTER TABLE outcome_daily SET (fillfactor = 80);
