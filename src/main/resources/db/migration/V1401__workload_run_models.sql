-- The models of each named run (docs/workloads.md, "Model tiers and escalations"): per run and model, its
-- calls and spend and its first and last call, so a run that moved from a cheaper model to a dearer one
-- shows as escalated. Written by the aggregator with usage_run (dev.tally.rollup.Rollups).
CREATE TABLE usage_run_model (LIKE usage_run INCLUDING DEFAULTS, model text NOT NULL);
ALTER TABLE usage_run_model ADD PRIMARY KEY (team_id, workload, run_id, model);
CREATE INDEX usage_run_model_workload_idx ON usage_run_model (workload, last_at);

-- Runs written before this table have no models: they count as not escalated.
