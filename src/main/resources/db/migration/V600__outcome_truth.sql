-- Outcome truth (issue 15): what Tally needs to know beyond the events themselves.

-- Every SARIF finding Tally has counted, by its natural id (sarif:<tool>:<repo>:<rule>:<identity>), so
-- an upload can answer how many of its findings are new and how many were known from earlier uploads.
CREATE TABLE sarif_finding (
    id             text PRIMARY KEY,
    repository     text        NOT NULL,
    tool           text        NOT NULL,
    rule_id        text        NOT NULL,
    first_seen_at  timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL
);
CREATE INDEX sarif_finding_repository_idx ON sarif_finding (repository);

-- A finding an AI reviewer raised in an inline review comment (the comment that starts a thread), with
-- the lines it is about, so that a later push to the pull request can be checked against them; and
-- whether and how it was fixed. The bug_flagged and bug_caught events carry the same facts to the
-- rollups; this table is only the state the webhook processing needs.
CREATE TABLE review_finding (
    comment_id   bigint PRIMARY KEY,
    repository   text        NOT NULL,
    pr_number    integer     NOT NULL,
    reviewer     text        NOT NULL,      -- the reviewer's name in the rules (coderabbit, copilot, ...)
    login        text        NOT NULL,
    team_id      uuid        NOT NULL,
    employee_id  uuid,
    path         text,
    start_line   integer,                   -- null for a one-line comment
    end_line     integer,                   -- null for a comment on a whole file
    side         text,                      -- LEFT | RIGHT
    commit_id    text,                      -- the head the comment's line numbers refer to
    severity     text,
    evidence     jsonb       NOT NULL,
    url          text,
    flagged_at   timestamptz NOT NULL,
    fixed_at     timestamptz,
    fixed_by     text,                      -- thread_resolved | lines_changed | reviewer_confirmed
    fixed_ref    text                       -- the commit that changed the lines, when known
);
CREATE INDEX review_finding_open_idx ON review_finding (repository, pr_number) WHERE fixed_at IS NULL;
