-- Self-reported hours summed per team and day or month, and per org and day. numeric(16,3) held
-- 9,999,999,999,999.999 hours, which 10,001 outcomes of the largest valueHours (999,999,999.999) pass:
-- the aggregator then failed every batch holding them ("numeric field overflow") and retried it for
-- good, so nothing behind them on that partition was counted again. numeric(38,3) holds the sum of as
-- many such outcomes as a bigint counts.
ALTER TABLE outcome_team_day ALTER COLUMN explicit_hours TYPE numeric(38, 3);
ALTER TABLE outcome_team_month ALTER COLUMN explicit_hours TYPE numeric(38, 3);
ALTER TABLE outcome_org_day ALTER COLUMN explicit_hours TYPE numeric(38, 3);
