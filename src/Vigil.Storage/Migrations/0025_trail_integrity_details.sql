-- Details of the last digest check of each source for the console's trail integrity page, beside
-- the counts in trail_integrity_state: the key of the newest digest validated, which goes with
-- trail_integrity_state.newest_digest_end, and the breaks in the digest chain that the check found. A table of its own, because this
-- migration runs before the one that creates trail_integrity_state on a new database.

CREATE TABLE trail_integrity_details (
    tenant_id text NOT NULL,
    source_id uuid NOT NULL,
    newest_digest_key text,
    chain_breaks integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, source_id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES sources (tenant_id, id) ON DELETE CASCADE
);
