-- Dashboards: a second change counter that moves only when a write touches a day before the
-- writing transaction's UTC date ("history"). Live traffic writes today's rows, so this counter
-- stands still while data streams in; the report builder (ReportService) then reuses its sums of
-- the days before yesterday and re-reads only yesterday and today. A late event, an outcome import
-- for past days, a delete or a truncate moves it, and the next report re-reads the whole range.
-- Like V252's counter it is a sequence: no row lock, so two aggregator instances never wait on it.
--
-- Why "before the transaction's date" is safe against the report's "before yesterday" (UTC): a
-- write that does not move this counter is for a day >= the date its transaction started on, and
-- such a day can only be one of the report's two re-read days unless that transaction has been
-- open for more than a day.

CREATE SEQUENCE dashboard_history_version;

CREATE FUNCTION dashboard_usage_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_rows WHERE day < (now() AT TIME ZONE 'UTC')::date) THEN
        PERFORM nextval('dashboard_history_version');
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION dashboard_outcome_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_rows
                WHERE (occurred_at AT TIME ZONE 'UTC')::date < (now() AT TIME ZONE 'UTC')::date) THEN
        PERFORM nextval('dashboard_history_version');
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION dashboard_history_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('dashboard_history_version');
    RETURN NULL;
END $$;

-- An upsert never changes a row's day (it is part of the key), so the new rows tell the days of an update.
CREATE TRIGGER usage_daily_history_ins AFTER INSERT ON usage_daily
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_history();
CREATE TRIGGER usage_daily_history_upd AFTER UPDATE ON usage_daily
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_history();
CREATE TRIGGER usage_daily_history_del AFTER DELETE ON usage_daily
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_usage_history();
CREATE TRIGGER usage_daily_history_trunc AFTER TRUNCATE ON usage_daily
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_history_truncated();

CREATE TRIGGER outcome_history_ins AFTER INSERT ON outcome
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_outcome_history();
CREATE TRIGGER outcome_history_del AFTER DELETE ON outcome
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_outcome_history();
CREATE TRIGGER outcome_history_trunc AFTER TRUNCATE ON outcome
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_history_truncated();
