-- Dry-run match counts per tenant, rule and hour, so the console can show how often a rule in
-- dry-run mode would have raised a finding. Each silo adds the matches it counted since its last
-- report to the row of the hour it reports in. tenant_rules gains the test events that a rule file's
-- rules must not match, beside the existing test events that they must match.

CREATE TABLE rule_dry_run_counts (
    tenant_id text NOT NULL,
    rule_file text NOT NULL,
    rule_key text NOT NULL,
    hour timestamptz NOT NULL,
    matches bigint NOT NULL,
    PRIMARY KEY (tenant_id, rule_file, rule_key, hour)
);

CREATE INDEX rule_dry_run_counts_hour ON rule_dry_run_counts (hour);

ALTER TABLE tenant_rules ADD COLUMN test_events_no_match text;
