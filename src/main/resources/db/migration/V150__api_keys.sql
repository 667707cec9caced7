-- Gateway keys (dev.tally.identity). Only the SHA-256 of a key and a short display prefix are
-- stored; the key itself is shown once, at creation. updated_at drives every gateway's incremental
-- key cache, so any change to a row (revocation above all) must move it: the trigger sees to that.
CREATE TABLE api_key (
    id                   uuid PRIMARY KEY,
    employee_id          uuid NOT NULL REFERENCES employee (id),
    name                 text,
    key_hash             text NOT NULL UNIQUE CHECK (length(key_hash) = 64),
    prefix               text NOT NULL,
    allowed_models       text[],                      -- null or empty: every model
    expires_at           timestamptz,
    requests_per_minute  integer CHECK (requests_per_minute > 0),   -- null: the configured default
    tokens_per_minute    integer CHECK (tokens_per_minute > 0),
    revoked_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    -- clock_timestamp, not now(): closer to commit time, so the caches' overlap window stays small
    updated_at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX api_key_employee_idx ON api_key (employee_id);
CREATE INDEX api_key_updated_idx ON api_key (updated_at);

CREATE FUNCTION api_key_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END
$$;

CREATE TRIGGER api_key_touch BEFORE UPDATE ON api_key FOR EACH ROW EXECUTE FUNCTION api_key_touch();
