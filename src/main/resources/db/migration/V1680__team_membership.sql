-- Who was in which team when (docs/dashboards.md, "People and adoption"): a report counts a team's
-- people in a period as those who were its members at any time in it, so a re-organisation does not
-- rewrite last quarter's adoption. One row per stay of an employee in a team, [valid_from, valid_to);
-- valid_to null = a member now. No foreign keys: the history outlives a deleted employee (who still
-- counts in the months they were a member) and names a team even if it goes.
CREATE TABLE team_membership (
    employee_id  uuid        NOT NULL,
    team_id      uuid        NOT NULL,
    valid_from   timestamptz NOT NULL,
    valid_to     timestamptz,
    PRIMARY KEY (employee_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX team_membership_open_idx ON team_membership (employee_id) WHERE valid_to IS NULL;

-- Kept by a row trigger on employee, so every writer (the admin API, CSV import, SSO group mapping,
-- the demo, a test's plain SQL) is covered. The times are the transaction's (now()): a stay begins
-- when the transaction that inserted or moved the employee began, and ends when the one that moved
-- or deleted them began. A stay begun in the same transaction is dropped rather than kept empty, and
-- a move back to the team left in the same transaction continues that stay.
CREATE FUNCTION record_team_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.team_id = OLD.team_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM team_membership WHERE employee_id = OLD.id AND valid_to IS NULL AND valid_from >= now();
        -- greatest: a transaction that began before the stay's own (still running when that committed)
        -- ends it at its start, not before it
        UPDATE team_membership SET valid_to = greatest(valid_from, now())
         WHERE employee_id = OLD.id AND valid_to IS NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE team_membership SET valid_to = NULL
         WHERE employee_id = NEW.id AND team_id = NEW.team_id AND valid_to = now();
        IF NOT FOUND THEN
            INSERT INTO team_membership (employee_id, team_id, valid_from) VALUES (NEW.id, NEW.team_id, now());
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER employee_team_membership AFTER INSERT OR DELETE OR UPDATE OF id, team_id ON employee
    FOR EACH ROW EXECUTE FUNCTION record_team_membership();

-- The reports cache the history with the teams and people (Identity, under identity_version). The
-- trigger on employee (V1550) moves the version in the transaction that writes the history through
-- employee; this one covers a correction of the history itself, by hand or by the demo.
CREATE TRIGGER team_membership_identity_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON team_membership
    FOR EACH STATEMENT EXECUTE FUNCTION bump_identity_version();

-- Backfill: before this version only the current team was kept, so each employee is taken to have been
-- a member of it since their creation (employee.created_at, kept since V1). The demo's people are
-- members since the epoch: the demo seeds them on its first start and then publishes months of past
-- usage for them, so its past months show its whole teams (DemoRunner keeps this for new demo people).
INSERT INTO team_membership (employee_id, team_id, valid_from)
SELECT e.id, e.team_id,
       CASE WHEN EXISTS (SELECT 1 FROM dashboard_demo_team d WHERE d.team_id = e.team_id)
            THEN 'epoch'::timestamptz ELSE e.created_at END
  FROM employee e;
