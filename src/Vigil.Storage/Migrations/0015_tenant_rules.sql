-- Tenant detection rules in the Sigma format, one row per rule file as uploaded. Every silo
-- compiles the enabled rows of a tenant into its rule set; a dry-run file's rules only count
-- their matches.

CREATE TABLE tenant_rules (
    tenant_id text NOT NULL,
    name text NOT NULL,
    yaml text NOT NULL,
    sha256 text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    dry_run boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
