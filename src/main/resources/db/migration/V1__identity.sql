-- Teams, employees: who spends and who gets the outcomes. Keys come with the gateway (V100+).
CREATE TABLE team (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    department  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Outcomes that map to no team land here, so nothing is dropped and the dashboards show them.
INSERT INTO team (id, name, department) VALUES ('00000000-0000-0000-0000-000000000000', 'Unassigned', 'Unassigned');

CREATE TABLE employee (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    name          text NOT NULL,
    team_id       uuid NOT NULL REFERENCES team (id),
    github_login  text UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX employee_team_idx ON employee (team_id);
