-- Indexes of the findings list at millions of findings per tenant, measured with
-- `vigil bench findings` (docs/benchmarks.md). Each list query is a page in one order plus a match
-- count capped at 1,000 rows, so these let PostgreSQL stop early instead of reading the tenant.

-- The default view and keyset paging over active findings, newest first.
-- 0031_overview_indexes.sql has an index of this name for the overview's counts, so this one is named for paging.
CREATE INDEX findings_active_page_by_last_seen ON findings (tenant_id, event_last_seen, id) WHERE NOT archived;

-- Active findings by severity, and severity ranges.
CREATE INDEX findings_active_by_severity ON findings (tenant_id, severity, id) WHERE NOT archived;

-- One finding type (or a type prefix: the database collation is C, so LIKE 'Recon:%' uses it) in time order.
CREATE INDEX findings_by_type_last_seen ON findings (tenant_id, type, event_last_seen, id);

-- One account over a time range.
CREATE INDEX findings_by_account_last_seen ON findings (tenant_id, account_id, event_last_seen);

-- The related findings of a principal or endpoint on the detail page use findings_by_resource_key,
-- which 0031_overview_indexes.sql creates.

-- CIDR criteria on the remote address: a B-tree on inet serves <<= as a range scan.
CREATE INDEX findings_by_remote_ip ON findings (tenant_id, remote_ip) WHERE remote_ip IS NOT NULL;

-- The console's live updates ask for findings written after a time.
CREATE INDEX findings_by_updated_at ON findings (tenant_id, updated_at);

-- Equality criteria on paths into the GuardDuty document compile to containment (document @> ...).
CREATE INDEX findings_document_paths ON findings USING gin (document jsonb_path_ops);
