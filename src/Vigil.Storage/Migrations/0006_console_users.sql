-- Local console accounts. user_name is stored in lower case, so names are case-insensitive.
-- password_hash is ASP.NET Core Identity's PasswordHasher format (PBKDF2 with a per-user salt).
-- failed_attempts counts consecutive failures, and reaching the limit sets locked_until.

CREATE TABLE console_users (
    user_name text PRIMARY KEY CHECK (user_name = lower(user_name) AND user_name <> ''),
    tenant_id text NOT NULL,
    role text NOT NULL,
    password_hash text NOT NULL,
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz NULL
);
