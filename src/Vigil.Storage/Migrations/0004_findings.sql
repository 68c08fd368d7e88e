-- Findings, aggregated by id per tenant. The columns serve the console's filters and sort orders.
-- document is the GuardDuty JSON of the occurrence with the latest event time. Its count, event
-- times, created/updated times and archived flag are stale, and readers overlay them from the columns.

CREATE TABLE findings (
    tenant_id text NOT NULL,
    id text NOT NULL,
    type text NOT NULL,
    severity double precision NOT NULL,
    account_id text NOT NULL,
    region text NOT NULL,
    resource_type text NOT NULL,
    -- The aggregation key's resource part, such as the principal; resource_label is its display text.
    resource_key text NOT NULL,
    resource_label text NOT NULL,
    title text NOT NULL,
    count bigint NOT NULL CHECK (count > 0),
    event_first_seen timestamptz NOT NULL,
    event_last_seen timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    archived boolean NOT NULL DEFAULT false,
    document jsonb NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- One index per FindingSortField. The list orders by the column and then by id, so each index ends
-- in id and serves both directions.
CREATE INDEX findings_by_last_seen ON findings (tenant_id, event_last_seen, id);
CREATE INDEX findings_by_first_seen ON findings (tenant_id, event_first_seen, id);
CREATE INDEX findings_by_severity ON findings (tenant_id, severity, id);
CREATE INDEX findings_by_type ON findings (tenant_id, type, id);
CREATE INDEX findings_by_count ON findings (tenant_id, count, id);
CREATE INDEX findings_by_account ON findings (tenant_id, account_id, id);
CREATE INDEX findings_by_resource ON findings (tenant_id, resource_label, id);
