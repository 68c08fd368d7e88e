-- Users who signed in to the console through OpenID Connect. The identity provider owns them, so
-- Vigil keeps no password, only what the Users page shows: the name, tenant and role the token's
-- claims mapped to at the latest sign-in, and when the user first and last signed in.

CREATE TABLE external_users (
    tenant_id text NOT NULL,
    user_name text NOT NULL,
    role text NOT NULL,
    first_sign_in_at timestamptz NOT NULL,
    last_sign_in_at timestamptz NOT NULL,
    sign_in_count bigint NOT NULL,
    PRIMARY KEY (tenant_id, user_name)
);
