-- Finding export: per-tenant destinations, the tenant's publishing frequency, an outbox that a
-- trigger on findings fills, the version of each finding last sent to each destination, and the
-- dead-letter records of deliveries that failed their last try.

CREATE TABLE export_settings (
    tenant_id text PRIMARY KEY,
    -- How often updates of existing findings are sent: 15, 60 or 360 minutes (GuardDuty's
    -- FIFTEEN_MINUTES, ONE_HOUR and SIX_HOURS; SIX_HOURS is its default).
    publishing_frequency_minutes integer NOT NULL DEFAULT 360 CHECK (publishing_frequency_minutes IN (15, 60, 360)),
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);

CREATE TABLE export_destinations (
    id uuid PRIMARY KEY,
    tenant_id text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('Webhook', 'S3', 'Syslog')),
    format text NOT NULL CHECK (format IN ('EventBridge', 'Ocsf')),
    enabled boolean NOT NULL DEFAULT true,
    -- Kind-specific settings without secrets: url; bucket, prefix, region, endpoint; host, port, tls.
    settings jsonb NOT NULL,
    -- The webhook's HMAC-SHA256 key. It is shown once when made and never read back by the API.
    secret text,
    -- Outbox positions (transaction id, outbox id) up to which new findings and updates were handled.
    new_tx bigint NOT NULL,
    new_id bigint NOT NULL,
    update_tx bigint NOT NULL,
    update_id bigint NOT NULL,
    -- The outbox position the running update batch goes up to, and when that batch started.
    update_target_tx bigint NOT NULL,
    update_target_id bigint NOT NULL,
    updates_started_at timestamptz NOT NULL,
    -- Failed tries of the current batch, when the next try is due, and the last error.
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error text,
    last_error_at timestamptz,
    last_delivery_at timestamptz,
    -- The silo that sends for this destination until lease_until.
    lease_owner text,
    lease_until timestamptz,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    UNIQUE (tenant_id, name)
);

-- One row per finding write of a tenant that has a destination. tx is the writing transaction's id:
-- readers take only rows of transactions older than every running one, ordered by (tx, id), so a
-- row that commits late never lands behind a destination's position.
CREATE TABLE export_outbox (
    id bigserial PRIMARY KEY,
    tx bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    tenant_id text NOT NULL,
    finding_id text NOT NULL,
    created boolean NOT NULL
);

CREATE INDEX export_outbox_by_position ON export_outbox (tenant_id, created, tx, id);

CREATE FUNCTION export_outbox_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM export_destinations d WHERE d.tenant_id = NEW.tenant_id) THEN
        INSERT INTO export_outbox (tenant_id, finding_id, created) VALUES (NEW.tenant_id, NEW.id, TG_OP = 'INSERT');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER findings_export_outbox AFTER INSERT OR UPDATE ON findings
    FOR EACH ROW EXECUTE FUNCTION export_outbox_add();

-- The finding version (updated_at) last sent to a destination, so a version goes out once.
CREATE TABLE export_sent (
    destination_id uuid NOT NULL REFERENCES export_destinations (id) ON DELETE CASCADE,
    finding_id text NOT NULL,
    finding_updated_at timestamptz NOT NULL,
    PRIMARY KEY (destination_id, finding_id)
);

CREATE TABLE export_dead_letters (
    id bigserial PRIMARY KEY,
    tenant_id text NOT NULL,
    destination_id uuid NOT NULL,
    destination_name text NOT NULL,
    finding_id text NOT NULL,
    finding_updated_at timestamptz NOT NULL,
    attempts integer NOT NULL,
    last_error text NOT NULL,
    body text NOT NULL,
    failed_at timestamptz NOT NULL
);

CREATE INDEX export_dead_letters_by_tenant ON export_dead_letters (tenant_id, id DESC);
