-- Each rule file may carry its own test events: the text of a log file (CloudTrail JSON, flow log
-- or Resolver query log) that the console's test run feeds to the file's rules. tenant_rule_seeds
-- records the tenants that received the rules shipped with Vigil, so they are installed once and
-- a tenant that deletes one does not get it back.

ALTER TABLE tenant_rules ADD COLUMN test_events text;

CREATE TABLE tenant_rule_seeds (
    tenant_id text PRIMARY KEY,
    seeded_at timestamptz NOT NULL
);
