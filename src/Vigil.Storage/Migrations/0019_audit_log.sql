-- Changes made by tenant admins and platform operators: who, when, what, and the object before and
-- after as JSON. Rows are only ever added. tenant_id is '' for platform-wide objects.

CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    tenant_id text NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    object_type text NOT NULL,
    object_id text NOT NULL,
    before_state jsonb,
    after_state jsonb,
    at timestamptz NOT NULL
);

CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id DESC);
CREATE INDEX audit_log_by_object ON audit_log (tenant_id, object_type, object_id, id DESC);
