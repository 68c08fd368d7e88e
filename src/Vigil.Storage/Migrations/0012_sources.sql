-- Log sources per tenant (folders, S3 listings, S3 notification queues, Firehose endpoints) and
-- their counters. A source name is unique within its tenant; the status row goes with its source.

CREATE TABLE sources (
    tenant_id text NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    enabled boolean NOT NULL,
    account_ids text[] NOT NULL,
    folder text,
    bucket text,
    prefix text,
    region text,
    service_url text,
    queue_url text,
    access_key_sha256 text,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT sources_tenant_name_key UNIQUE (tenant_id, name)
);

CREATE INDEX sources_access_key ON sources (access_key_sha256) WHERE access_key_sha256 IS NOT NULL;

CREATE TABLE source_status (
    tenant_id text NOT NULL,
    source_id uuid NOT NULL,
    objects_read bigint NOT NULL DEFAULT 0,
    objects_failed bigint NOT NULL DEFAULT 0,
    records_read bigint NOT NULL DEFAULT 0,
    records_rejected bigint NOT NULL DEFAULT 0,
    records_from_unregistered_accounts bigint NOT NULL DEFAULT 0,
    last_read_at timestamptz,
    newest_event_time timestamptz,
    lag_seconds double precision,
    last_error text,
    last_error_at timestamptz,
    PRIMARY KEY (tenant_id, source_id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES sources (tenant_id, id) ON DELETE CASCADE
);
