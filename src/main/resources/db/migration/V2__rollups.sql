-- Rollups: the only tables the pages read. Written by the aggregator (dev.tally.rollup) in the
-- same transaction as the Kafka offsets that produced them (consumer_offset), so each event is
-- counted exactly once. Money is integer nano-dollars (USD x 10^9).

-- day x team x employee x model: spend, tokens, adoption, models page.
CREATE TABLE usage_daily (
    day                 date   NOT NULL,
    team_id             uuid   NOT NULL,
    employee_id         uuid   NOT NULL,
    provider            text   NOT NULL,
    model               text   NOT NULL,
    requests            bigint NOT NULL DEFAULT 0,
    error_requests      bigint NOT NULL DEFAULT 0,   -- outcome upstream_error or rejected
    input_tokens        bigint NOT NULL DEFAULT 0,
    output_tokens       bigint NOT NULL DEFAULT 0,
    cache_read_tokens   bigint NOT NULL DEFAULT 0,
    cache_write_tokens  bigint NOT NULL DEFAULT 0,
    reasoning_tokens    bigint NOT NULL DEFAULT 0,
    cost_nanos          bigint NOT NULL DEFAULT 0,   -- sum over priced calls only
    unpriced_requests   bigint NOT NULL DEFAULT 0,   -- calls with priced=false: shown apart, never as $0
    unpriced_tokens     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, team_id, employee_id, provider, model)
);
CREATE INDEX usage_daily_team_day_idx ON usage_daily (team_id, day);

-- hour x team: intraday spend (budgets, spikes, freshness).
CREATE TABLE usage_hourly (
    hour               timestamptz NOT NULL,
    team_id            uuid   NOT NULL,
    requests           bigint NOT NULL DEFAULT 0,
    cost_nanos         bigint NOT NULL DEFAULT 0,
    unpriced_requests  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, team_id)
);
CREATE INDEX usage_hourly_team_hour_idx ON usage_hourly (team_id, hour);

-- Every outcome once (id = the event's natural id): dedupe, and the per-PR list with its evidence.
CREATE TABLE outcome (
    id            text PRIMARY KEY,
    kind          text        NOT NULL,
    team_id       uuid        NOT NULL,
    employee_id   uuid,
    ai_assisted   boolean     NOT NULL,
    attribution   jsonb       NOT NULL DEFAULT '[]',
    source        text,
    ref           text,
    occurred_at   timestamptz NOT NULL,
    severity      text,
    value_hours   numeric(12, 3),
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outcome_team_time_idx ON outcome (team_id, occurred_at);

-- day x team x kind x ai_assisted: outcome counts for the pages.
CREATE TABLE outcome_daily (
    day          date    NOT NULL,
    team_id      uuid    NOT NULL,
    kind         text    NOT NULL,
    ai_assisted  boolean NOT NULL,
    outcomes     bigint  NOT NULL DEFAULT 0,
    value_hours  numeric(14, 3) NOT NULL DEFAULT 0,   -- sum of explicit valueHours (self-reported)
    PRIMARY KEY (day, team_id, kind, ai_assisted)
);
CREATE INDEX outcome_daily_team_day_idx ON outcome_daily (team_id, day);

-- Kafka offsets, committed with the rollups they produced (next offset to read).
CREATE TABLE consumer_offset (
    group_id     text    NOT NULL,
    topic        text    NOT NULL,
    partition    integer NOT NULL,
    next_offset  bigint  NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition)
);

-- Messages sent to the DLQ, counted for the operations page.
CREATE TABLE dlq_entry (
    id           bigserial PRIMARY KEY,
    topic        text NOT NULL,
    partition    integer NOT NULL,
    kafka_offset bigint NOT NULL,
    reason       text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, partition, kafka_offset)
);
