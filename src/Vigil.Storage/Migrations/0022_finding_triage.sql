-- Triage of findings: the analyst's feedback, suppression rules and the rule that archived a finding,
-- each user's saved filters, and occurrences per day for the detail page's chart.

-- GuardDuty's service.userFeedback. Readers overlay it on the document.
ALTER TABLE findings ADD COLUMN user_feedback text CHECK (user_feedback IN ('USEFUL', 'NOT_USEFUL'));

-- The suppression rule that archived the finding; null for findings no rule archived. Exports skip
-- findings where it is set, and disabling the rule unarchives exactly these findings.
ALTER TABLE findings ADD COLUMN suppressed_by uuid;

-- The remote address of the finding's action (API caller or network peer) when it is an IP address,
-- for CIDR criteria that an index can serve. Log text that is no address (a service name) stays null.
ALTER TABLE findings ADD COLUMN remote_ip inet;

CREATE INDEX findings_by_suppression_rule ON findings (tenant_id, suppressed_by) WHERE suppressed_by IS NOT NULL;

-- A suppression rule: finding criteria (JSON, see FindingCriteria) whose matches are archived.
-- Rules apply in created_at order, and the first matching rule is recorded in suppressed_by.
-- last_error is shown to the tenant admin: why the rule last failed to apply, such as a statement timeout.
CREATE TABLE suppression_rules (
    tenant_id text NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    reason text NOT NULL,
    criteria jsonb NOT NULL,
    enabled boolean NOT NULL,
    expires_at timestamptz,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    last_error text,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

-- Each console user's saved views of the findings list: criteria, sort order and archived switch as JSON.
CREATE TABLE saved_filters (
    tenant_id text NOT NULL,
    user_name text NOT NULL,
    name text NOT NULL,
    definition jsonb NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_name, name)
);

-- Occurrences of each finding per UTC day of event time. A stored batch counts on the day of its
-- latest event time, so a batch that spans midnight counts on the later day.
CREATE TABLE finding_occurrences (
    tenant_id text NOT NULL,
    finding_id text NOT NULL,
    day date NOT NULL,
    count bigint NOT NULL CHECK (count > 0),
    PRIMARY KEY (tenant_id, finding_id, day)
);

-- Casts text to inet, or returns null for text that is no address, so CIDR criteria on values from
-- the finding document never fail on attacker-written text.
CREATE FUNCTION vigil_try_inet(value text) RETURNS inet
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RETURN value::inet;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
