-- Per-tenant API keys of the REST API, and the server-side store of console sign-in sessions.
-- Only a key's SHA-256 (lower-case hex) is stored; the key itself is shown once when it is created.

CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    tenant_id text NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    key_sha256 text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz,
    revoked_by text,
    last_used_at timestamptz
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC);

-- One row per signed-in console session: the cookie carries only the id. The ticket is the
-- serialised ASP.NET Core authentication ticket, which holds the selected tenant of platform operators.
CREATE TABLE console_sessions (
    id text PRIMARY KEY,
    user_name text NOT NULL,
    ticket bytea NOT NULL,
    expires_at timestamptz
);

CREATE INDEX console_sessions_by_user ON console_sessions (user_name);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
