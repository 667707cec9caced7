-- Dashboards: day x team usage without the model dimension. The org overview sums every team over
-- two periods; reading one row per team-day instead of one per team-day-model keeps it within its
-- render budget (README "Benchmarks"). Kept in step with usage_daily like V250's tables.

CREATE TABLE usage_team_day (
    day                 date   NOT NULL,
    team_id             uuid   NOT NULL,
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
    PRIMARY KEY (day, team_id)
);
CREATE INDEX usage_team_day_team_day_idx ON usage_team_day (team_id, day);

-- Statement triggers (transition tables are only visible inside the trigger function itself, so
-- each one carries its own statement): one extra statement per aggregator batch, whatever its size.
CREATE FUNCTION dashboard_usage_team_day_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_team_day AS t (day, team_id, requests, error_requests, input_tokens, output_tokens,
            cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests, unpriced_tokens)
    SELECT day, team_id, sum(requests), sum(error_requests), sum(input_tokens), sum(output_tokens),
           sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_nanos),
           sum(unpriced_requests), sum(unpriced_tokens)
      FROM (SELECT day, team_id, requests, error_requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests, unpriced_tokens FROM new_rows) d GROUP BY day, team_id
    ON CONFLICT (day, team_id) DO UPDATE SET
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

CREATE FUNCTION dashboard_usage_team_day_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_team_day AS t (day, team_id, requests, error_requests, input_tokens, output_tokens,
            cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests, unpriced_tokens)
    SELECT day, team_id, sum(requests), sum(error_requests), sum(input_tokens), sum(output_tokens),
           sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_nanos),
           sum(unpriced_requests), sum(unpriced_tokens)
      FROM (SELECT day, team_id, requests, error_requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests, unpriced_tokens FROM new_rows
            UNION ALL
            SELECT day, team_id, -requests, -error_requests, -input_tokens, -output_tokens, -cache_read_tokens,
                -cache_write_tokens, -reasoning_tokens, -cost_nanos, -unpriced_requests, -unpriced_tokens FROM old_rows) d GROUP BY day, team_id
    ON CONFLICT (day, team_id) DO UPDATE SET
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

CREATE FUNCTION dashboard_usage_team_day_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO usage_team_day AS t (day, team_id, requests, error_requests, input_tokens, output_tokens,
            cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests, unpriced_tokens)
    SELECT day, team_id, sum(requests), sum(error_requests), sum(input_tokens), sum(output_tokens),
           sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_nanos),
           sum(unpriced_requests), sum(unpriced_tokens)
      FROM (SELECT day, team_id, -requests, -error_requests, -input_tokens, -output_tokens, -cache_read_tokens,
                -cache_write_tokens, -reasoning_tokens, -cost_nanos, -unpriced_requests, -unpriced_tokens FROM old_rows) d GROUP BY day, team_id
    ON CONFLICT (day, team_id) DO UPDATE SET
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

CREATE TRIGGER usage_daily_team_day_ins AFTER INSERT ON usage_daily
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_team_day_ins();
CREATE TRIGGER usage_daily_team_day_upd AFTER UPDATE ON usage_daily
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_team_day_upd();
CREATE TRIGGER usage_daily_team_day_del AFTER DELETE ON usage_daily
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_team_day_del();

INSERT INTO usage_team_day (day, team_id, requests, error_requests, input_tokens, output_tokens, cache_read_tokens,
        cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests, unpriced_tokens)
SELECT day, team_id, sum(requests), sum(error_requests), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens),
       sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_nanos), sum(unpriced_requests), sum(unpriced_tokens)
  FROM usage_team_daily GROUP BY day, team_id;
