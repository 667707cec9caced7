-- Alert delivery (dev.tally.alert.channel, dev.tally.alert.digest; issue 9 items 5-6).
--
-- A channel's webhook URL and signing secret are secrets that Tally must be able to use (a Slack
-- incoming-webhook URL is its own credential; an HMAC key cannot be hashed), so they are stored
-- sealed with AES-256-GCM under a key that is not in the database (docs/alerts.md). url_hint is the
-- scheme and host, for display only.
CREATE TABLE alert_channel (
    id             uuid PRIMARY KEY,
    type           text NOT NULL CHECK (type IN ('slack', 'webhook', 'email')),
    name           text NOT NULL,
    url_hint       text,
    url_sealed     bytea,
    secret_sealed  bytea,
    recipients     text[],
    digest         boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    -- a deleted channel keeps its row, so the delivery log still names it
    deleted_at     timestamptz
);

-- Every alert read from tally.alerts.v1, once: id is the CloudEvent id, which is the dedupe key
-- (budget, period, kind, threshold). A weekly digest is a row too (kind 'digest', id 'digest:<week
-- start>'): the instance whose INSERT creates it has claimed that week's digest.
-- event is the CloudEvent JSON exactly as received: the generic webhook sends it as its body.
CREATE TABLE alert (
    id                      text PRIMARY KEY,
    kind                    text NOT NULL,
    scope                   text,
    scope_id                text,
    scope_name              text,
    budget_id               uuid,
    threshold               integer,
    spent_nanos             bigint,
    limit_nanos             bigint,
    projected_nanos         bigint,
    projected_exhausted_at  timestamptz,
    period_start            timestamptz,
    period_end              timestamptz,
    link                    text,
    at                      timestamptz NOT NULL,
    received_at             timestamptz NOT NULL,
    event                   text NOT NULL
);
CREATE INDEX alert_at_idx ON alert (at DESC);

-- The outbox and the delivery log in one: one row per (alert, channel), so an alert read twice
-- (redelivery, restart, two instances) is delivered once. A worker claims due rows with
-- FOR UPDATE SKIP LOCKED and a lease; a lease that runs out (the instance died mid-send) makes the
-- row due again.
CREATE TABLE alert_delivery (
    alert_id         text NOT NULL REFERENCES alert (id),
    channel_id       uuid NOT NULL REFERENCES alert_channel (id),
    status           text NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'cancelled')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    lease_until      timestamptz,
    last_attempt_at  timestamptz,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (alert_id, channel_id)
);
CREATE INDEX alert_delivery_due_idx ON alert_delivery (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX alert_delivery_recent_idx ON alert_delivery (created_at DESC);
