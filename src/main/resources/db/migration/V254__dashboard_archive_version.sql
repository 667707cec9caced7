-- Dashboards: a third change counter for the report's oldest days. V253's history counter moves
-- on any write for a day before today, so a late event (minutes to days late) made the next report
-- re-read the whole range, both periods: about 200 ms for the org's 90-day overview. This counter
-- moves only when a written row is more than 31 days older than its transaction's UTC date (an
-- import of old outcomes, a delete, a truncate); the report keeps its sums of the days up to 33
-- days back under it, so a late event re-reads at most the last month.
--
-- Safe for the same reason as V253: a write that does not move this counter is for a day at most 31
-- days before its transaction's start date, so it cannot reach the report's archived days (33 days
-- before the report's date and older) unless that transaction has been open for more than a day.

CREATE SEQUENCE dashboard_archive_version;

CREATE OR REPLACE FUNCTION dashboard_usage_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    oldest date;
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    SELECT min(day) INTO oldest FROM changed_rows;
    IF oldest < today THEN
        PERFORM nextval('dashboard_history_version');
        IF oldest < today - 31 THEN
            PERFORM nextval('dashboard_archive_version');
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
            PERFORM nextval('dashboard_archive_version');
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dashboard_history_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('dashboard_history_version');
    PERFORM nextval('dashboard_archive_version');
    RETURN NULL;
END $$;
