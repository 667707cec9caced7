-- Which teams each month's version moved for (docs/rollups.md, "How the pages stay fast"; ADR 0006).
-- The aggregator writes, for every month and team it writes a per-team rollup row for (usage or
-- outcomes), that month's new version, in the batch's transaction, right after moving the month's
-- version (whose row lock it holds until the commit, so this row only moves up). A report holding a
-- month read at version v re-reads only the teams whose row here is above v, and the month's
-- org-wide rows, instead of the whole month: after a write for today, one team's days and people
-- rather than every team's. A month's team without a row was not written since this table exists.
CREATE TABLE rollup_team_month_version (
    month    date   NOT NULL CHECK (extract(day FROM month) = 1),
    team_id  uuid   NOT NULL,
    version  bigint NOT NULL,
    PRIMARY KEY (month, team_id)
);
