-- Calls a key may have in flight at once through one gateway (issue 11); null: the configured
-- default (tally.gateway.max-in-flight-per-key).
ALTER TABLE api_key ADD COLUMN max_in_flight integer CHECK (max_in_flight > 0);
