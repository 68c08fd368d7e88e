-- List status, versions and audit trail, and platform lists that apply to every tenant.
-- Status is one of inactive, activating, active or error; status_reason is the reason a list is in error.
-- Lists that existed before this migration were in use, so they start active at version 1.

ALTER TABLE threat_lists
    ADD COLUMN status text NOT NULL DEFAULT 'active',
    ADD COLUMN status_reason text,
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD COLUMN entry_count integer,
    ADD COLUMN rejected_count integer;

-- Platform lists are managed by the platform operator and fetched from source (a URL or a file path)
-- every refresh_seconds. content is null until the first successful fetch.
CREATE TABLE platform_lists (
    name text PRIMARY KEY,
    purpose text NOT NULL,
    format text NOT NULL,
    source text NOT NULL,
    refresh_seconds integer NOT NULL CHECK (refresh_seconds > 0),
    status text NOT NULL,
    status_reason text,
    content text,
    sha256 text,
    version integer NOT NULL DEFAULT 0,
    entry_count integer,
    rejected_count integer,
    fetched_at timestamptz,
    next_fetch_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);

-- One row per stored content of a list. scope is 'tenant' or 'platform'; tenant_id is '' for platform lists.
CREATE TABLE list_versions (
    scope text NOT NULL,
    tenant_id text NOT NULL,
    name text NOT NULL,
    version integer NOT NULL,
    sha256 text NOT NULL,
    entry_count integer,
    rejected_count integer,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    PRIMARY KEY (scope, tenant_id, name, version)
);

-- Who changed which list, when and how. Rows are only ever added.
CREATE TABLE list_audit (
    id bigserial PRIMARY KEY,
    scope text NOT NULL,
    tenant_id text NOT NULL,
    name text NOT NULL,
    action text NOT NULL,
    actor text NOT NULL,
    at timestamptz NOT NULL,
    detail text
);

CREATE INDEX list_audit_by_list ON list_audit (scope, tenant_id, name, id);

INSERT INTO list_versions (scope, tenant_id, name, version, sha256, created_at, created_by)
SELECT 'tenant', tenant_id, name, 1, sha256, updated_at, updated_by FROM threat_lists;
