-- Dashboards: V254's archive counter, per month. A write for a day more than 31 days before its
-- transaction's UTC date now moves only the version of that day's month (a row here, version from
-- the same sequence), so the report re-reads that month of its archived days and keeps the others;
-- before, one old write sent the org's 90-day overview back to all 180 days (about 250 ms). The
-- archive sequence itself still moves on TRUNCATE, which empties every month at once.
--
-- The rows are locked by the writing transaction until it commits. Only writes for days over a
-- month old touch them (imports, corrections; never live traffic), months are taken in date order
-- (no deadlock between two writers), and two aggregator instances never write the same rollup rows
-- (they own different partitions, that is different teams), so they cannot wait on each other in
-- a cycle.

CREATE TABLE dashboard_month_version (
    month    date   PRIMARY KEY,   -- first day of the month (UTC)
    version  bigint NOT NULL
);

CREATE OR REPLACE FUNCTION dashboard_usage_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    oldest date;
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    SELECT min(day) INTO oldest FROM changed_rows;
    IF oldest < today THEN
        PERFORM nextval('dashboard_history_version');
        IF oldest < today - 31 THEN
            INSERT INTO dashboard_month_version AS v (month, version)
            SELECT m, nextval('dashboard_archive_version')
              FROM (SELECT DISTINCT date_trunc('month', day)::date AS m FROM changed_rows
                     WHERE day < today - 31 ORDER BY 1) months
            ON CONFLICT (month) DO UPDATE SET version = excluded.version;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dashboard_outcome_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    oldest date;
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    SELECT min((occurred_at AT TIME ZONE 'UTC')::date) INTO oldest FROM changed_rows;
    IF oldest < today THEN
        PERFORM nextval('dashboard_history_version');
        IF oldest < today - 31 THEN
            INSERT INTO dashboard_month_version AS v (month, version)
            SELECT m, nextval('dashboard_archive_version')
              FROM (SELECT DISTINCT date_trunc('month', (occurred_at AT TIME ZONE 'UTC')::date)::date AS m
                      FROM changed_rows WHERE (occurred_at AT TIME ZONE 'UTC')::date < today - 31 ORDER BY 1) months
            ON CONFLICT (month) DO UPDATE SET version = excluded.version;
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE empties every month, including months that never had a row here: it moves an epoch that
-- every archived month's cache entry carries.
CREATE SEQUENCE dashboard_archive_epoch;

CREATE OR REPLACE FUNCTION dashboard_history_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('dashboard_history_version');
    PERFORM nextval('dashboard_archive_epoch');
    RETURN NULL;
END $$;
