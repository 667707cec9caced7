-- Outcome ingestion (dev.tally.outcomes).

-- Every GitHub webhook delivery once (X-GitHub-Delivery), with its processing state: a delivery is
-- answered 202 once recorded here, processed on a worker thread, and retried while it is
-- 'received' or 'failed', so a failure in processing (GitHub API down, database hiccup) loses nothing.
CREATE TABLE github_delivery (
    delivery_id      text PRIMARY KEY,
    event            text        NOT NULL,
    action           text,
    status           text        NOT NULL,   -- received | processed | ignored | failed
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    payload          text,                   -- kept until processed, then cleared
    outcome_ids      text,                   -- space-separated ids of the events it produced
    received_at      timestamptz NOT NULL DEFAULT now(),
    last_attempt_at  timestamptz,
    processed_at     timestamptz
);
CREATE INDEX github_delivery_pending_idx ON github_delivery (received_at) WHERE status IN ('received', 'failed');

-- Repository -> team rules set through PUT /api/admin/repo-teams (the fallback when a PR author or a
-- SARIF upload maps to no employee). Pattern: exact owner/name or a glob with '*', lower-case.
CREATE TABLE repo_team_rule (
    pattern     text PRIMARY KEY,
    team_id     uuid        NOT NULL REFERENCES team (id),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
