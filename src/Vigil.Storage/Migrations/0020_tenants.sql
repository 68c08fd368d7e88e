-- Tenants as objects: a display name, settings (a JSON object of strings) and the AWS accounts the
-- tenant registered. Console users gain a disabled flag. Tenants that existing rows already name
-- are added, so every stored user and source belongs to a tenant row.

CREATE TABLE tenants (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{1,64}$'),
    display_name text NOT NULL,
    settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- An account may be registered by more than one tenant, so that registering reveals nothing about
-- other tenants; each tenant's sources decide which of its accounts' records it reads.
CREATE TABLE tenant_accounts (
    tenant_id text NOT NULL REFERENCES tenants (id),
    account_id text NOT NULL CHECK (account_id ~ '^[0-9]{12}$'),
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    PRIMARY KEY (tenant_id, account_id)
);

ALTER TABLE console_users ADD COLUMN disabled boolean NOT NULL DEFAULT false;

INSERT INTO tenants (id, display_name)
SELECT tenant_id, tenant_id FROM (
    SELECT tenant_id FROM console_users
    UNION SELECT tenant_id FROM sources
) AS existing
WHERE tenant_id ~ '^[a-z0-9-]{1,64}$'
ON CONFLICT (id) DO NOTHING;
