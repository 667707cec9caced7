-- The latest push (pull_request synchronize) to each pull request, whether or not Tally knew an open AI
-- finding of it then. GitHub does not deliver in order, and deliveries are processed on worker threads:
-- a push may be taken before the review comment it fixes has been recorded. A finding recorded later
-- is compared with the push remembered here, so the fix is not lost until some further push.
CREATE TABLE review_push (
    repository  text        NOT NULL,
    pr_number   integer     NOT NULL,
    head        text        NOT NULL,   -- the commit the pull request's head moved to (after)
    pushed_at   timestamptz NOT NULL,   -- pull_request.updated_at of the delivery
    PRIMARY KEY (repository, pr_number)
);
