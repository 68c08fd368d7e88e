-- Tenant lists read from S3 and refreshed on a schedule, and each tenant's detector settings.
-- source is an s3://bucket/key URL, or null for a list uploaded as a file. A list with a source is
-- fetched again every refresh_seconds; next_fetch_at is when, fetched_at when the last fetch succeeded.
ALTER TABLE threat_lists
    ADD COLUMN source text,
    ADD COLUMN refresh_seconds integer CHECK (refresh_seconds IS NULL OR refresh_seconds > 0),
    ADD COLUMN fetched_at timestamptz,
    ADD COLUMN next_fetch_at timestamptz;

CREATE INDEX threat_lists_due ON threat_lists (next_fetch_at) WHERE source IS NOT NULL;

-- One row per tenant that changed its detector settings; a tenant without a row uses the defaults.
-- settings is the JSON of DetectorSettings; version grows with every change.
CREATE TABLE detector_settings (
    tenant_id text PRIMARY KEY,
    settings jsonb NOT NULL,
    version integer NOT NULL CHECK (version > 0),
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);
