-- The object ledger: one row per log object (delivered file) and tenant, with the outcome of the
-- latest read. An object counts as done only when the row has no error and the same fingerprint.

CREATE TABLE ingested_objects (
    tenant_id text NOT NULL,
    object_key text NOT NULL,
    fingerprint text NOT NULL,
    kind text NOT NULL,
    records_read bigint NOT NULL,
    records_rejected bigint NOT NULL,
    duplicates_dropped bigint NOT NULL,
    findings_raised bigint NOT NULL,
    error text NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, object_key)
);
