-- Indexes of the console's overview, principal search and cluster pages.

-- The overview counts active findings by the time of their last occurrence, with severity and type;
-- the included columns let it read the index alone.
CREATE INDEX findings_active_by_last_seen ON findings (tenant_id, event_last_seen)
    INCLUDE (severity, type) WHERE NOT archived;

-- The principal and endpoint search matches part of a key or label in any case. pg_trgm is a trusted
-- extension (PostgreSQL 13 and newer), so the database owner can create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX findings_resource_key_trgm ON findings USING gin (resource_key gin_trgm_ops);
CREATE INDEX findings_resource_label_trgm ON findings USING gin (resource_label gin_trgm_ops);

-- Access key id prefixes and private addresses, as the finding document stores them.
CREATE INDEX findings_by_access_key ON findings (tenant_id, (document #>> '{resource,accessKeyDetails,accessKeyId}') text_pattern_ops);
CREATE INDEX findings_by_private_ip ON findings (tenant_id, (document #>> '{resource,instanceDetails,networkInterfaces,0,privateIpAddress}'));

-- Ingest throughput per minute of the whole platform.
CREATE INDEX ingested_objects_by_finished_at ON ingested_objects (finished_at);

-- The recent findings of one principal or endpoint on its profile page.
CREATE INDEX findings_by_resource_key ON findings (tenant_id, resource_key, event_last_seen);
