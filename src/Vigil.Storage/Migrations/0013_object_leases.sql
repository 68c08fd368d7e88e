-- Object leases: a reader (a silo, or `vigil ingest`) takes the lease of a log object before it
-- reads it, so no two readers read one object at the same time. The holder renews the lease
-- while it reads and deletes it with the outcome. A lease whose holder died expires and is taken
-- over. Expiry is compared with the database clock, so readers' clocks may differ.

CREATE TABLE object_leases (
    tenant_id text NOT NULL,
    object_key text NOT NULL,
    owner_id text NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, object_key)
);

CREATE INDEX object_leases_owner ON object_leases (owner_id);

-- Keys of finding writes already applied: one per grain and chunk that raised findings. A chunk
-- sent again after a crash or a lost reply finds its key here and does not count twice.

CREATE TABLE finding_writes (
    tenant_id text NOT NULL,
    write_key text NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, write_key)
);

CREATE INDEX finding_writes_written_at ON finding_writes (written_at);
