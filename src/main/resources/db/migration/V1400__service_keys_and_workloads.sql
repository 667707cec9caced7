-- Service keys and workloads (docs/workloads.md).
--
-- A service key is owned by a team instead of a person (CI review bots, loops, internal tools): it
-- has a team, no employee, and a required workload. Exactly one owner per key.
ALTER TABLE api_key ALTER COLUMN employee_id DROP NOT NULL;
ALTER TABLE api_key ADD COLUMN team_id uuid REFERENCES team (id);
ALTER TABLE api_key ADD COLUMN workload text;
-- Whether calls with this key may name their workload in the x-tally-workload header.
ALTER TABLE api_key ADD COLUMN workload_header boolean NOT NULL DEFAULT false;
ALTER TABLE api_key ADD CONSTRAINT api_key_one_owner CHECK ((employee_id IS NULL) <> (team_id IS NULL));
ALTER TABLE api_key ADD CONSTRAINT api_key_service_workload CHECK (team_id IS NULL OR workload IS NOT NULL);
CREATE INDEX api_key_team_idx ON api_key (team_id);

-- The workload names each team has used: the bound on names per team (tally.workloads.max-per-team)
-- is checked against these, on every gateway, from memory.
CREATE TABLE team_workload (
    team_id     uuid NOT NULL,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, name)
);

-- An outcome may name the workload that produced it (a review bot's bugs caught).
ALTER TABLE outcome ADD COLUMN workload text;
CREATE INDEX outcome_workload_idx ON outcome (workload, occurred_at) WHERE workload IS NOT NULL;

-- Rollups, written by the aggregator in the batch's one transaction (dev.tally.rollup.Rollups).
-- day x team x workload x service x client x provider x model: workload spend, model mix, tools.
CREATE TABLE usage_workload_day (LIKE usage_team_day INCLUDING DEFAULTS, workload text NOT NULL,
    service boolean NOT NULL, client text NOT NULL, provider text NOT NULL, model text NOT NULL);
ALTER TABLE usage_workload_day ADD PRIMARY KEY (day, team_id, workload, service, client, provider, model);
CREATE INDEX usage_workload_day_workload_idx ON usage_workload_day (workload, day);

-- One row per named run (x-tally-run-id): its calls, spend, first and last call.
CREATE TABLE usage_run (LIKE usage_team_day INCLUDING DEFAULTS, workload text NOT NULL, run_id text NOT NULL,
    first_at timestamptz NOT NULL, last_at timestamptz NOT NULL);
ALTER TABLE usage_run DROP COLUMN day;
ALTER TABLE usage_run ADD PRIMARY KEY (team_id, workload, run_id);
CREATE INDEX usage_run_workload_idx ON usage_run (workload, last_at);

-- Adoption by tool: people (never service keys) per team, client and year, one bit per day.
CREATE TABLE client_activity (
    team_id      uuid NOT NULL,
    client       text NOT NULL,
    employee_id  uuid NOT NULL,
    year         smallint NOT NULL,
    days         bit(366) NOT NULL,
    PRIMARY KEY (team_id, client, employee_id, year)
);

-- Outcomes per workload: day x team x workload x kind.
CREATE TABLE outcome_workload_day (
    day        date NOT NULL,
    team_id    uuid NOT NULL,
    workload   text NOT NULL,
    kind       text NOT NULL,
    outcomes   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, team_id, workload, kind)
);
CREATE INDEX outcome_workload_day_workload_idx ON outcome_workload_day (workload, day);
