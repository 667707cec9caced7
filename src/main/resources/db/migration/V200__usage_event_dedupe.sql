-- Usage event ids the aggregator has counted (issue 4). The gateway's spool replays at least once,
-- so the aggregator inserts each batch's event ids here (ON CONFLICT DO NOTHING RETURNING id) in
-- the same transaction as the rollups and counts only the ids that were new.
-- day = the UTC day of the event's time: the retention job deletes ids older than
-- tally.aggregator.usage-dedupe-retention-days; BRIN because ids arrive in time order and a BRIN
-- index costs next to nothing on insert (the PK already costs one B-tree insert per event).
CREATE TABLE usage_event_id (
    id   text NOT NULL PRIMARY KEY,
    day  date NOT NULL
);
CREATE INDEX usage_event_id_day_brin ON usage_event_id USING brin (day);

-- The operations page counts DLQ entries by time.
CREATE INDEX dlq_entry_received_idx ON dlq_entry (received_at);
