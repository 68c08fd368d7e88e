-- Tenant threat lists as uploaded text. Saving a list with an existing name replaces its content.

CREATE TABLE threat_lists (
    tenant_id text NOT NULL,
    name text NOT NULL,
    format text NOT NULL,
    content text NOT NULL,
    sha256 text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
