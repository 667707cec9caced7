-- Budgets, alerts and enforcement (issue 9; dev.tally.budget, docs/budgets.md, ADR 0011).

-- 1. Spend per key and per person, written by the aggregator in its one transaction (dev.tally.rollup.Rollups),
-- so a key or employee budget reads a few rows per period, as a team budget reads usage_team_*.
-- key_id 00000000-0000-0000-0000-000000000000: a call without a key (refused before one was known), and the
-- rows carried over below from before this migration (usage_daily has no key).
CREATE TABLE usage_key_day (
    day                date   NOT NULL,
    key_id             uuid   NOT NULL,
    employee_id        uuid   NOT NULL,
    requests           bigint NOT NULL DEFAULT 0,
    cost_nanos         bigint NOT NULL DEFAULT 0,
    unpriced_requests  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, key_id, employee_id)
) WITH (fillfactor = 70);
CREATE INDEX usage_key_day_employee_idx ON usage_key_day (employee_id, day);
CREATE INDEX usage_key_day_key_idx ON usage_key_day (key_id, day);

CREATE TABLE usage_key_month (LIKE usage_key_day INCLUDING DEFAULTS);
ALTER TABLE usage_key_month RENAME COLUMN day TO month;   -- first day of the month
ALTER TABLE usage_key_month ADD PRIMARY KEY (month, key_id, employee_id);
ALTER TABLE usage_key_month SET (fillfactor = 70);
CREATE INDEX usage_key_month_employee_idx ON usage_key_month (employee_id, month);
CREATE INDEX usage_key_month_key_idx ON usage_key_month (key_id, month);

-- Employee budgets see the spend counted before this migration (its key is unknown: the zero id).
INSERT INTO usage_key_day (day, key_id, employee_id, requests, cost_nanos, unpriced_requests)
SELECT day, '00000000-0000-0000-0000-000000000000', employee_id, sum(requests), sum(cost_nanos), sum(unpriced_requests)
  FROM usage_daily GROUP BY day, employee_id;
INSERT INTO usage_key_month (month, key_id, employee_id, requests, cost_nanos, unpriced_requests)
SELECT date_trunc('month', day)::date, key_id, employee_id, sum(requests), sum(cost_nanos), sum(unpriced_requests)
  FROM usage_key_day GROUP BY 1, key_id, employee_id;

-- usage_hourly, written since V2 and read by nothing, becomes what spike detection reads: per key and person,
-- per hour of the organisation's zone (the instant that hour starts). Its old rows (per team only) cannot
-- serve a per-key baseline and are dropped; a baseline builds up again within its window.
DROP TABLE usage_hourly;
CREATE TABLE usage_hourly (
    hour               timestamptz NOT NULL,
    key_id             uuid   NOT NULL,
    employee_id        uuid   NOT NULL,
    team_id            uuid   NOT NULL,
    requests           bigint NOT NULL DEFAULT 0,
    cost_nanos         bigint NOT NULL DEFAULT 0,
    unpriced_requests  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, key_id, employee_id, team_id)
) WITH (fillfactor = 70);
CREATE INDEX usage_hourly_team_hour_idx ON usage_hourly (team_id, hour);
COMMENT ON TABLE usage_hourly IS 'Spend per key, person and team per hour of the organisation''s zone (hour = its first instant); spike detection reads it (dev.tally.budget.alert.SpikeWatch).';

-- 2. Budgets. scope_id: a team, employee or key id, a department name, null for the org. Money in nano-dollars.
CREATE TABLE budget (
    id                      uuid PRIMARY KEY,
    name                    text    NOT NULL,
    scope                   text    NOT NULL CHECK (scope IN ('org', 'department', 'team', 'employee', 'key')),
    scope_id                text    CHECK ((scope = 'org') = (scope_id IS NULL)),
    period                  text    NOT NULL CHECK (period IN ('day', 'week', 'month', 'quarter')),
    amount_nanos            bigint  NOT NULL CHECK (amount_nanos >= 0),
    mode                    text    NOT NULL CHECK (mode IN ('alert', 'block', 'downgrade')),
    thresholds              integer[] NOT NULL,
    downgrade_from_percent  integer,
    downgrade_models        jsonb,          -- [{"pattern": "claude-opus-*", "target": "claude-haiku-4-5"}, ...] in order
    unpriced                text    NOT NULL CHECK (unpriced IN ('allow', 'block')),
    channel_ids             uuid[]  NOT NULL DEFAULT '{}',
    spike                   jsonb,          -- {"factor": 5, "perHourNanos": ..., "action": "alert"|"pause_key"} or null
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX budget_scope_idx ON budget (scope, scope_id);

-- Moved in the transaction of every change to budget or key_pause: gateways reload their budgets when it moves.
CREATE TABLE budget_version (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    version  bigint  NOT NULL
);
INSERT INTO budget_version (id, version) VALUES (true, 0);

-- A key stopped by a spike alert (action pause_key) until an admin resumes it (the row is then deleted).
CREATE TABLE key_pause (
    key_id     uuid PRIMARY KEY REFERENCES api_key (id),
    budget_id  uuid,
    reason     text NOT NULL,
    paused_at  timestamptz NOT NULL DEFAULT now()
);

-- 3. Alerts: one row per (budget, period, kind, threshold), its id the CloudEvent id. The primary key is the
-- dedupe however many instances evaluate; published_at is set once Kafka acknowledged the event (outbox).
CREATE TABLE budget_alert (
    id            text PRIMARY KEY,
    budget_id     uuid,
    kind          text NOT NULL,
    event         jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX budget_alert_unpublished_idx ON budget_alert (created_at) WHERE published_at IS NULL;
CREATE INDEX budget_alert_budget_idx ON budget_alert (budget_id, created_at);

-- 4. Limits shared by every gateway (dev.tally.platform.share): live instances, and each one's claim on a
-- shared counter (a block budget's period). An instance silent for longer than the timeout is not counted.
-- leaving: stopped cleanly; its unused claims are given back, its use stays counted until the timeout (by then
-- the aggregator has rolled its last calls up), and it no longer takes a share.
CREATE TABLE gateway_instance (
    id            uuid PRIMARY KEY,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL,
    leaving       boolean NOT NULL DEFAULT false
);
CREATE TABLE shared_claim (
    counter      text   NOT NULL,
    instance_id  uuid   NOT NULL REFERENCES gateway_instance (id) ON DELETE CASCADE,
    used         bigint NOT NULL,
    claimed      bigint NOT NULL,
    PRIMARY KEY (counter, instance_id)
);
CREATE INDEX shared_claim_instance_idx ON shared_claim (instance_id);
