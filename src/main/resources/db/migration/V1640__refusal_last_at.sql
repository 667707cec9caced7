-- The time of the latest refused call counted in each refusal_team_day row (the usage event's time),
-- kept by the aggregator as the greatest it has seen. A $0 block budget raises its blocked alert with
-- the first call it refused; refusals are rolled up per day, so without this column a refusal made
-- earlier on the day the budget was created (by another budget, before this one existed) counted as
-- its own. A row with last_at >= the budget's created_at holds a refusal made after the budget existed
-- (dev.tally.budget.alert.BudgetRefusals). Rows rolled up before this migration have no last_at;
-- the next refusal counted into one of them sets it (GREATEST ignores NULL).
ALTER TABLE refusal_team_day ADD COLUMN last_at timestamptz;
