-- Delivery facts (issue 18): what each merged pull request was like, so that delivery metrics
-- (cycle time, time to first review, review rounds, size, reverts and hotfixes) can be computed, and
-- recomputed when their rules change, per team and period, AI-assisted against the rest.

-- The facts of each merged PR, written by the aggregator with its pr_merged outcome (same id, same
-- transaction, once). Team, author's employee id and AI attribution are the outcome row's.
CREATE TABLE pr_fact (
    outcome_id       text PRIMARY KEY,            -- the outcome id (github:pr:owner/repo#N)
    repository       text        NOT NULL,   -- owner/name, lower case
    number           integer     NOT NULL,
    title            text,
    author           text,                   -- GitHub login
    opened_at        timestamptz,
    first_review_at  timestamptz,            -- first review by someone other than the author, not a bot
    merged_at        timestamptz NOT NULL,
    additions        integer,
    deletions        integer,
    changed_files    integer,
    commits          integer,
    review_rounds    integer,                -- reviews that requested changes
    reviews_from     text,                   -- api | webhooks: where the reviews were read
    labels           jsonb       NOT NULL DEFAULT '[]',
    merge_commit_sha text,
    reverts          jsonb       NOT NULL DEFAULT '[]',   -- owner/repo#N and commit:<sha> it says it reverts
    reverts_title    text,                                -- X of a title Revert "X"
    mentions         jsonb       NOT NULL DEFAULT '[]'    -- owner/repo#N its description names
);
CREATE INDEX pr_fact_merged_idx ON pr_fact (merged_at);
CREATE INDEX pr_fact_repository_number_idx ON pr_fact (repository, number);

-- Reviews delivered by pull_request_review webhooks, kept until the PR merges (and after: they are
-- small), so that a merged PR's first review and review rounds are known without the REST API.
CREATE TABLE pr_review (
    review_id     bigint PRIMARY KEY,
    repository    text        NOT NULL,     -- owner/name, lower case
    pr_number     integer     NOT NULL,
    login         text,
    state         text        NOT NULL,     -- approved | changes_requested | commented (as submitted)
    submitted_at  timestamptz NOT NULL,
    dismissed_at  timestamptz
);
CREATE INDEX pr_review_pr_idx ON pr_review (repository, pr_number);
