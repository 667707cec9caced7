-- Dashboards read small pre-aggregated rollups that the aggregator writes itself, in the same
-- transaction as the detailed rollups and the Kafka offsets (dev.tally.rollup.Rollups), and the
-- report cache is checked against rollup_version, moved in that same transaction. This replaces
-- V250-V255: their statement triggers on usage_daily and outcome, the three change counters
-- (sequences, visible before commit, hence a settle time) and the per-month versions.
-- docs/adr/0005-dashboard-rollups-and-cache.md gives the design and why it is exact.

-- 1. The triggers (dropped with their functions), the counters and the month versions.
DROP FUNCTION dashboard_usage_inserted() CASCADE;
DROP FUNCTION dashboard_usage_updated() CASCADE;
DROP FUNCTION dashboard_usage_deleted() CASCADE;
DROP FUNCTION dashboard_outcome_inserted() CASCADE;
DROP FUNCTION dashboard_outcome_deleted() CASCADE;
DROP FUNCTION dashboard_usage_team_day_ins() CASCADE;
DROP FUNCTION dashboard_usage_team_day_upd() CASCADE;
DROP FUNCTION dashboard_usage_team_day_del() CASCADE;
DROP FUNCTION dashboard_changed() CASCADE;
DROP FUNCTION dashboard_usage_history() CASCADE;
DROP FUNCTION dashboard_outcome_history() CASCADE;
DROP FUNCTION dashboard_history_truncated() CASCADE;
DROP SEQUENCE dashboard_change_version;
DROP SEQUENCE dashboard_history_version;
DROP SEQUENCE dashboard_archive_version;
DROP SEQUENCE dashboard_archive_epoch;
DROP TABLE dashboard_month_version;

-- 2. Outcomes: one day table with everything the ROI model needs. outcome_daily (V2) held the same
-- counts without severity and explicit value, and nothing read it.
ALTER TABLE outcome_value_daily RENAME TO outcome_team_day;
ALTER INDEX outcome_value_daily_team_day_idx RENAME TO outcome_team_day_team_day_idx;
DROP TABLE outcome_daily;

-- 3. The coarser tables, shaped like the day tables they are folded from (LIKE copies the summed
-- columns, so none is spelled out here).
CREATE TABLE usage_team_month (LIKE usage_team_day INCLUDING DEFAULTS);
ALTER TABLE usage_team_month RENAME COLUMN day TO month;   -- first day of the month
ALTER TABLE usage_team_month ADD PRIMARY KEY (month, team_id);

CREATE TABLE usage_model_day (LIKE usage_team_day INCLUDING DEFAULTS, provider text NOT NULL, model text NOT NULL);
ALTER TABLE usage_model_day DROP COLUMN team_id;
ALTER TABLE usage_model_day ADD PRIMARY KEY (day, provider, model);

CREATE TABLE outcome_team_month (LIKE outcome_team_day INCLUDING DEFAULTS);
ALTER TABLE outcome_team_month RENAME COLUMN day TO month;
ALTER TABLE outcome_team_month ADD PRIMARY KEY (month, team_id, kind, ai_assisted, severity);

CREATE TABLE outcome_org_day (LIKE outcome_team_day INCLUDING DEFAULTS);
ALTER TABLE outcome_org_day DROP COLUMN team_id;
ALTER TABLE outcome_org_day ADD PRIMARY KEY (day, kind, ai_assisted, severity);

-- Rows updated many times a day: room on each page for in-place (HOT) updates, as V200 did.
ALTER TABLE usage_team_day SET (fillfactor = 70);
ALTER TABLE usage_team_month SET (fillfactor = 70);
ALTER TABLE usage_model_day SET (fillfactor = 70);
ALTER TABLE outcome_team_month SET (fillfactor = 80);
ALTER TABLE outcome_org_day SET (fillfactor = 80);

-- 4. Fill them from what the triggers kept so far (UTC days: the zone applies to events from now on).
DO $$
DECLARE
    cols text;
    sums text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
           string_agg(format('sum(%I)', column_name), ', ' ORDER BY ordinal_position)
      INTO cols, sums
      FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'usage_team_day' AND data_type = 'bigint';
    EXECUTE format('INSERT INTO usage_team_month (month, team_id, %s) SELECT date_trunc(''month'', day)::date,'
        || ' team_id, %s FROM usage_team_day GROUP BY 1, 2', cols, sums);
    EXECUTE format('INSERT INTO usage_model_day (day, provider, model, %s) SELECT day, provider, model, %s'
        || ' FROM usage_team_daily GROUP BY 1, 2, 3', cols, sums);

    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
           string_agg(format('sum(%I)', column_name), ', ' ORDER BY ordinal_position)
      INTO cols, sums
      FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'outcome_team_day' AND data_type IN ('bigint', 'numeric');
    EXECUTE format('INSERT INTO outcome_team_month (month, team_id, kind, ai_assisted, severity, %s)'
        || ' SELECT date_trunc(''month'', day)::date, team_id, kind, ai_assisted, severity, %s'
        || ' FROM outcome_team_day GROUP BY 1, 2, 3, 4, 5', cols, sums);
    EXECUTE format('INSERT INTO outcome_org_day (day, kind, ai_assisted, severity, %s)'
        || ' SELECT day, kind, ai_assisted, severity, %s FROM outcome_team_day GROUP BY 1, 2, 3, 4', cols, sums);
END $$;

-- day x team x model: the team page now reads its models from usage_daily (one team's rows), the
-- org from usage_model_day.
DROP TABLE usage_team_daily;

-- 5. The version the report cache checks. One row; every aggregator transaction that counted
-- something adds one to it, last, just before its commit.
CREATE TABLE rollup_version (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    version  bigint  NOT NULL
);
INSERT INTO rollup_version (id, version) VALUES (true, 0);

COMMENT ON TABLE usage_hourly IS 'Written by the aggregator, read by nothing yet: the budgets work (issue 9) redefines it for spike detection.';
