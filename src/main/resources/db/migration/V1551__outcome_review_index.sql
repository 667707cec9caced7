-- The org overview's reviewer table (ReviewerReport) reads the period's flagged and fixed review
-- findings; without this it scanned every outcome (half a million a year in DashboardBenchmark) on
-- each page rendered after new data. Only these two kinds are indexed: the aggregator's other
-- inserts pay nothing.
CREATE INDEX outcome_review_idx ON outcome (occurred_at) WHERE kind IN ('bug_flagged', 'bug_caught');
