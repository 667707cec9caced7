-- The dashboards' caches, finer (docs/rollups.md, "How the pages stay fast"; ADR 0006).

-- 1. One version per month of the organisation's calendar. The aggregator moves the version of every
-- month it writes a rollup row for, in the batch's transaction (before rollup_version, months in
-- order, so two consumers take the row locks in the same order). A report caches each month's
-- rollups under that month's version: a write for today leaves the cached earlier months valid.
-- A month without a row was never written since this table exists: version 0.
CREATE TABLE rollup_month_version (
    month    date   PRIMARY KEY CHECK (extract(day FROM month) = 1),
    version  bigint NOT NULL
);

-- 2. One version for who is who: teams, their people, the demo flag. Many writers change them
-- (the admin API, imports, SSO, the demo), so a statement trigger moves the version in whichever
-- transaction does, and no writer can be missed. These tables change by hand, rarely; the
-- aggregator never writes them, so the hot path does not meet this row lock.
CREATE TABLE identity_version (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    version  bigint  NOT NULL
);
INSERT INTO identity_version (id, version) VALUES (true, 0);

CREATE FUNCTION bump_identity_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE identity_version SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER team_identity_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON team
    FOR EACH STATEMENT EXECUTE FUNCTION bump_identity_version();
CREATE TRIGGER employee_identity_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON employee
    FOR EACH STATEMENT EXECUTE FUNCTION bump_identity_version();
CREATE TRIGGER demo_team_identity_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dashboard_demo_team
    FOR EACH STATEMENT EXECUTE FUNCTION bump_identity_version();
