-- State of the continuous CloudTrail digest validation per source. trail_integrity_state holds how
-- far the source's digest chains were validated, the outcome of the last check, and a lease so
-- that one silo at a time checks a source. trail_integrity_problems lists each problem already
-- raised as a finding, by the SHA-256 of its text, so a restart or a second silo does not raise it
-- again. Both go with their source.

CREATE TABLE trail_integrity_state (
    tenant_id text NOT NULL,
    source_id uuid NOT NULL,
    newest_digest_end timestamptz,
    last_checked_at timestamptz,
    last_error text,
    digests_valid integer NOT NULL DEFAULT 0,
    digests_invalid integer NOT NULL DEFAULT 0,
    log_files_valid integer NOT NULL DEFAULT 0,
    log_files_invalid integer NOT NULL DEFAULT 0,
    lease_owner text,
    lease_until timestamptz,
    PRIMARY KEY (tenant_id, source_id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES sources (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE trail_integrity_problems (
    tenant_id text NOT NULL,
    source_id uuid NOT NULL,
    problem_sha256 text NOT NULL,
    problem text,
    first_seen_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, source_id, problem_sha256),
    FOREIGN KEY (tenant_id, source_id) REFERENCES sources (tenant_id, id) ON DELETE CASCADE
);
