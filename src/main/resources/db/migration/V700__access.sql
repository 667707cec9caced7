-- Who sees what (dev.tally.access): local accounts, scoped API tokens, SSO group mappings, the
-- sign-in throttle, the last use of keys and tokens, and the append-only audit log.

-- Local accounts (form sign-in when no identity provider is configured). username is 'admin' or
-- a lower-case e-mail; an employee is linked by that e-mail. password_hash is bcrypt in Modular
-- Crypt Format, never the password.
CREATE TABLE app_user (
    id             uuid PRIMARY KEY,
    username       text NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 1 AND 320),
    name           text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'leader', 'team_lead', 'employee')),
    password_hash  text NOT NULL,
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- The teams a team lead leads (full detail: people, models, PRs).
CREATE TABLE app_user_team (
    user_id  uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    team_id  uuid NOT NULL REFERENCES team (id),
    PRIMARY KEY (user_id, team_id)
);

-- Scoped API tokens for CI and BI tools. Only the SHA-256 and a display prefix are stored; the
-- token is shown once. last_used_at is written in batches, not per call.
CREATE TABLE api_token (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    token_hash    text NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    prefix        text NOT NULL,
    scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0
                      AND scopes <@ ARRAY['reports:read', 'outcomes:write', 'admin']::text[]),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);

-- Last use of a gateway key, in its own table: a write to api_key would move its updated_at and
-- make every gateway's key cache re-read the row. Written in batches by LastUse.
CREATE TABLE api_key_last_use (
    key_id   uuid PRIMARY KEY REFERENCES api_key (id),
    used_at  timestamptz NOT NULL
);

-- SSO groups → role and teams, as set through the admin API (configuration adds its own).
CREATE TABLE access_group (
    group_name  text PRIMARY KEY CHECK (length(group_name) BETWEEN 1 AND 256),
    role        text CHECK (role IN ('admin', 'leader', 'team_lead', 'employee')),
    team_ids    uuid[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Failed sign-ins per account ('user:<name>') and per client address ('addr:<ip>'), shared by every
-- instance so that throttling holds behind a load balancer.
CREATE TABLE sign_in_failure (
    subject       text PRIMARY KEY,
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);

-- Every change: who, when, from where, what it was before and after. Append-only: the API has no
-- way to change it, and the triggers below refuse UPDATE, DELETE and TRUNCATE for everyone.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    actor_role   text,
    source       text NOT NULL,
    action       text NOT NULL,
    target_kind  text NOT NULL,
    target_id    text,
    before       jsonb,
    after        jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
