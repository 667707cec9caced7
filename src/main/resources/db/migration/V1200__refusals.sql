-- Calls the gateway refused (usage events with outcome=rejected), counted apart from usage by the
-- aggregator (dev.tally.rollup.Rollups), in the same transaction as the other rollups and the Kafka
-- offsets: per day (the organisation's), team, key and reason (the event's refusal: revoked,
-- expired, model_not_allowed, no_route, rate_limited, too_large, bad_request, ...). A refused call
-- is not usage: no tokens, no cost, and its person did not use AI, so it is in none of the usage
-- tables (requests, error_requests, adoption). The person is the key's owner (api_key.employee_id).
CREATE TABLE refusal_team_day (
    day       date   NOT NULL,
    team_id   uuid   NOT NULL,
    key_id    uuid   NOT NULL,
    reason    text   NOT NULL,
    requests  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, team_id, key_id, reason)
);
CREATE INDEX refusal_team_day_team_idx ON refusal_team_day (team_id, day);
-- Rows of the current day are updated with every batch that refuses a call of theirs.
ALTER TABLE refusal_team_day SET (fillfactor = 80);
