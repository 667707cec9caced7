-- Dashboards: a change counter for the rendered-report cache (README "Dashboards and reports").
-- Every statement that writes what a report reads (rollups, outcomes, teams, employees, demo marks)
-- bumps a sequence. A sequence is not transactional and takes no row lock, so two aggregator
-- instances never wait on each other for it, and a reader checks it with one tiny SELECT. Because a
-- bump is visible before its transaction commits, the cache does not trust an entry computed within
-- a short settle time of a new value (see ReportCache).

CREATE SEQUENCE dashboard_change_version;

CREATE FUNCTION dashboard_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('dashboard_change_version');
    RETURN NULL;
END $$;

CREATE TRIGGER usage_daily_dashboard_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON usage_daily
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_changed();
CREATE TRIGGER outcome_dashboard_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON outcome
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_changed();
CREATE TRIGGER outcome_daily_dashboard_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON outcome_daily
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_changed();
CREATE TRIGGER team_dashboard_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON team
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_changed();
CREATE TRIGGER employee_dashboard_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON employee
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_changed();
CREATE TRIGGER demo_team_dashboard_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dashboard_demo_team
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_changed();
