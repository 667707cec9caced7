-- Dashboards (dev.tally.dashboard): team-level aggregates that the org overview reads instead of
-- scanning per-employee rollups, kept in step with V2 by statement-level triggers. The triggers run
-- inside the aggregator's own transaction (the one that stores the Kafka offsets), so these tables
-- inherit its exactly-once guarantee: a rolled-back batch leaves no trace here either.

-- Teams created by the demo seeder: while any exists, every page shows the "demo data" banner.
CREATE TABLE dashboard_demo_team (
    team_id     uuid PRIMARY KEY REFERENCES team (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- What the demo seeder has done (history published once, not again after a restart).
CREATE TABLE dashboard_demo_state (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- day x team x model: usage_daily without the employee dimension (200 teams, not 20,000 employees).
CREATE TABLE usage_team_daily (
    day                 date   NOT NULL,
    team_id             uuid   NOT NULL,
    provider            text   NOT NULL,
    model               text   NOT NULL,
    requests            bigint NOT NULL DEFAULT 0,
    error_requests      bigint NOT NULL DEFAULT 0,
    input_tokens        bigint NOT NULL DEFAULT 0,
    output_tokens       bigint NOT NULL DEFAULT 0,
    cache_read_tokens   bigint NOT NULL DEFAULT 0,
    cache_write_tokens  bigint NOT NULL DEFAULT 0,
    reasoning_tokens    bigint NOT NULL DEFAULT 0,
    cost_nanos          bigint NOT NULL DEFAULT 0,
    unpriced_requests   bigint NOT NULL DEFAULT 0,
    unpriced_tokens     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, team_id, provider, model)
);
CREATE INDEX usage_team_daily_team_day_idx ON usage_team_daily (team_id, day);

-- One row per employee, team and year; bit n (0-based) = active on day-of-year n+1. "Active users
-- in a period" is a distinct count over days, which no per-day sum can give; a bitmap answers it
-- with one row per employee instead of one per employee-day-model.
CREATE TABLE employee_activity (
    team_id      uuid     NOT NULL,
    employee_id  uuid     NOT NULL,
    year         smallint NOT NULL,
    days         bit(366) NOT NULL,
    PRIMARY KEY (team_id, employee_id, year)
);
CREATE INDEX employee_activity_year_idx ON employee_activity (year);

-- day x team x kind x ai_assisted x severity, with how many outcomes carried their own valueHours:
-- the ROI model values security findings by severity and honours an explicit valueHours, which
-- outcome_daily cannot tell apart.
CREATE TABLE outcome_value_daily (
    day                date    NOT NULL,
    team_id            uuid    NOT NULL,
    kind               text    NOT NULL,
    ai_assisted        boolean NOT NULL,
    severity           text    NOT NULL DEFAULT '',
    outcomes           bigint  NOT NULL DEFAULT 0,
    explicit_outcomes  bigint  NOT NULL DEFAULT 0,
    explicit_hours     numeric(16, 3) NOT NULL DEFAULT 0,
    PRIMARY KEY (day, team_id, kind, ai_assisted, severity)
);
CREATE INDEX outcome_value_daily_team_day_idx ON outcome_value_daily (team_id, day);

CREATE FUNCTION dashboard_usage_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_team_daily AS t (day, team_id, provider, model, requests, error_requests,
            input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
            cost_nanos, unpriced_requests, unpriced_tokens)
    SELECT day, team_id, provider, model, sum(requests), sum(error_requests), sum(input_tokens),
           sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
           sum(cost_nanos), sum(unpriced_requests), sum(unpriced_tokens)
      FROM new_rows GROUP BY day, team_id, provider, model
    ON CONFLICT (day, team_id, provider, model) DO UPDATE SET
        requests = t.requests + excluded.requests,
        error_requests = t.error_requests + excluded.error_requests,
        input_tokens = t.input_tokens + excluded.input_tokens,
        output_tokens = t.output_tokens + excluded.output_tokens,
        cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
        reasoning_tokens = t.reasoning_tokens + excluded.reasoning_tokens,
        cost_nanos = t.cost_nanos + excluded.cost_nanos,
        unpriced_requests = t.unpriced_requests + excluded.unpriced_requests,
        unpriced_tokens = t.unpriced_tokens + excluded.unpriced_tokens;

    INSERT INTO employee_activity AS a (team_id, employee_id, year, days)
    SELECT team_id, employee_id, extract(year FROM day)::smallint,
           bit_or(set_bit(repeat('0', 366)::bit(366), extract(doy FROM day)::int - 1, 1))
      FROM new_rows GROUP BY team_id, employee_id, extract(year FROM day)
    ON CONFLICT (team_id, employee_id, year) DO UPDATE SET days = a.days | excluded.days;
    RETURN NULL;
END $$;

-- An upsert that hits an existing row fires the UPDATE trigger: add the difference.
CREATE FUNCTION dashboard_usage_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_team_daily AS t (day, team_id, provider, model, requests, error_requests,
            input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
            cost_nanos, unpriced_requests, unpriced_tokens)
    SELECT d.day, d.team_id, d.provider, d.model, sum(d.requests), sum(d.error_requests),
           sum(d.input_tokens), sum(d.output_tokens), sum(d.cache_read_tokens),
           sum(d.cache_write_tokens), sum(d.reasoning_tokens), sum(d.cost_nanos),
           sum(d.unpriced_requests), sum(d.unpriced_tokens)
      FROM (SELECT day, team_id, provider, model, requests, error_requests, input_tokens,
                   output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
                   cost_nanos, unpriced_requests, unpriced_tokens FROM new_rows
            UNION ALL
            SELECT day, team_id, provider, model, -requests, -error_requests, -input_tokens,
                   -output_tokens, -cache_read_tokens, -cache_write_tokens, -reasoning_tokens,
                   -cost_nanos, -unpriced_requests, -unpriced_tokens FROM old_rows) d
     GROUP BY d.day, d.team_id, d.provider, d.model
    ON CONFLICT (day, team_id, provider, model) DO UPDATE SET
        requests = t.requests + excluded.requests,
        error_requests = t.error_requests + excluded.error_requests,
        input_tokens = t.input_tokens + excluded.input_tokens,
        output_tokens = t.output_tokens + excluded.output_tokens,
        cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
        reasoning_tokens = t.reasoning_tokens + excluded.reasoning_tokens,
        cost_nanos = t.cost_nanos + excluded.cost_nanos,
        unpriced_requests = t.unpriced_requests + excluded.unpriced_requests,
        unpriced_tokens = t.unpriced_tokens + excluded.unpriced_tokens;
    RETURN NULL;
END $$;

CREATE FUNCTION dashboard_usage_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE usage_team_daily t SET
        requests = t.requests - d.requests, error_requests = t.error_requests - d.error_requests,
        input_tokens = t.input_tokens - d.input_tokens, output_tokens = t.output_tokens - d.output_tokens,
        cache_read_tokens = t.cache_read_tokens - d.cache_read_tokens,
        cache_write_tokens = t.cache_write_tokens - d.cache_write_tokens,
        reasoning_tokens = t.reasoning_tokens - d.reasoning_tokens, cost_nanos = t.cost_nanos - d.cost_nanos,
        unpriced_requests = t.unpriced_requests - d.unpriced_requests,
        unpriced_tokens = t.unpriced_tokens - d.unpriced_tokens
      FROM (SELECT day, team_id, provider, model, sum(requests) requests, sum(error_requests) error_requests,
                   sum(input_tokens) input_tokens, sum(output_tokens) output_tokens,
                   sum(cache_read_tokens) cache_read_tokens, sum(cache_write_tokens) cache_write_tokens,
                   sum(reasoning_tokens) reasoning_tokens, sum(cost_nanos) cost_nanos,
                   sum(unpriced_requests) unpriced_requests, sum(unpriced_tokens) unpriced_tokens
              FROM old_rows GROUP BY day, team_id, provider, model) d
     WHERE t.day = d.day AND t.team_id = d.team_id AND t.provider = d.provider AND t.model = d.model;
    RETURN NULL;
END $$;

CREATE TRIGGER usage_daily_dashboard_ins AFTER INSERT ON usage_daily
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_inserted();
CREATE TRIGGER usage_daily_dashboard_upd AFTER UPDATE ON usage_daily
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_updated();
CREATE TRIGGER usage_daily_dashboard_del AFTER DELETE ON usage_daily
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_deleted();

-- outcome rows are written once per natural id (a repeat is skipped by the aggregator), so only
-- inserts and deletes move the value table.
CREATE FUNCTION dashboard_outcome_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outcome_value_daily AS v (day, team_id, kind, ai_assisted, severity, outcomes,
            explicit_outcomes, explicit_hours)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, team_id, kind, ai_assisted,
           coalesce(lower(severity), ''), count(*), count(value_hours), coalesce(sum(value_hours), 0)
      FROM new_rows
     GROUP BY 1, team_id, kind, ai_assisted, coalesce(lower(severity), '')
    ON CONFLICT (day, team_id, kind, ai_assisted, severity) DO UPDATE SET
        outcomes = v.outcomes + excluded.outcomes,
        explicit_outcomes = v.explicit_outcomes + excluded.explicit_outcomes,
        explicit_hours = v.explicit_hours + excluded.explicit_hours;
    RETURN NULL;
END $$;

CREATE FUNCTION dashboard_outcome_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outcome_value_daily v SET outcomes = v.outcomes - d.n,
           explicit_outcomes = v.explicit_outcomes - d.e, explicit_hours = v.explicit_hours - d.h
      FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, team_id, kind, ai_assisted,
                   coalesce(lower(severity), '') AS severity, count(*) n, count(value_hours) e,
                   coalesce(sum(value_hours), 0) h
              FROM old_rows GROUP BY 1, team_id, kind, ai_assisted, 5) d
     WHERE v.day = d.day AND v.team_id = d.team_id AND v.kind = d.kind
       AND v.ai_assisted = d.ai_assisted AND v.severity = d.severity;
    RETURN NULL;
END $$;

CREATE TRIGGER outcome_dashboard_ins AFTER INSERT ON outcome
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_outcome_inserted();
CREATE TRIGGER outcome_dashboard_del AFTER DELETE ON outcome
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_outcome_deleted();

-- Anything already rolled up before this migration.
INSERT INTO usage_team_daily (day, team_id, provider, model, requests, error_requests, input_tokens,
        output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nanos,
        unpriced_requests, unpriced_tokens)
SELECT day, team_id, provider, model, sum(requests), sum(error_requests), sum(input_tokens),
       sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens),
       sum(cost_nanos), sum(unpriced_requests), sum(unpriced_tokens)
  FROM usage_daily GROUP BY day, team_id, provider, model;
INSERT INTO employee_activity (team_id, employee_id, year, days)
SELECT team_id, employee_id, extract(year FROM day)::smallint,
       bit_or(set_bit(repeat('0', 366)::bit(366), extract(doy FROM day)::int - 1, 1))
  FROM usage_daily GROUP BY team_id, employee_id, extract(year FROM day);
INSERT INTO outcome_value_daily (day, team_id, kind, ai_assisted, severity, outcomes, explicit_outcomes, explicit_hours)
SELECT (occurred_at AT TIME ZONE 'UTC')::date, team_id, kind, ai_assisted, coalesce(lower(severity), ''),
       count(*), count(value_hours), coalesce(sum(value_hours), 0)
  FROM outcome GROUP BY 1, team_id, kind, ai_assisted, 5;
