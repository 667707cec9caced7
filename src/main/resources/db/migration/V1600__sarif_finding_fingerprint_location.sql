-- Whether a fingerprint identifies a SARIF result is decided per upload: one that repeats at several
-- locations of an upload identifies none of them, and they fall back to location ids. So that a finding
-- keeps the id an earlier upload gave it, each counted finding remembers its fingerprint (the fp:… key
-- that identified it, or would have, had it not repeated) and its location key (loc:…, as
-- FindingIdentity builds it). An upload looks a result up by tool, rule, fingerprint and location before
-- it makes a new id. Ids already stored stay as they are; rows stored before this migration learn their
-- fingerprint and location the next time an upload names them.
ALTER TABLE sarif_finding ADD COLUMN fingerprint text, ADD COLUMN location text;
CREATE INDEX sarif_finding_fingerprint_location_idx
    ON sarif_finding (repository, tool, rule_id, fingerprint, location)
    WHERE fingerprint IS NOT NULL;
