-- Who created each response the Responses API stored through the gateway (docs/gateway.md, "Whose
-- stored response"): a response id is the provider's, and every Tally key reaches the provider with
-- the organisation's one secret, so without this any key that learned an id could read, continue,
-- cancel or delete another person's conversation. The owner is 'employee:<id>' for a personal key,
-- 'team:<id>' for a team's service key (any of the team's service keys), 'key:<id>' for a service key
-- without a team. No prompt or completion is kept: an id, an owner and a time. Rows older than the
-- provider's retention of stored responses (30 days) and a margin are deleted by the gateways
-- (ResponseOwners.forgetOld).
CREATE TABLE response_owner (
    response_id text PRIMARY KEY CHECK (length(response_id) BETWEEN 1 AND 128),
    owner text NOT NULL CHECK (length(owner) <= 60),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX response_owner_created_at ON response_owner (created_at);
