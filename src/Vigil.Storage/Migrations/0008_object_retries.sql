-- Failed objects are read again after a back-off delay: the ledger counts the failed attempts of
-- the current fingerprint and keeps when the next attempt is due.

ALTER TABLE ingested_objects
    ADD COLUMN attempts integer NOT NULL DEFAULT 1,
    ADD COLUMN next_attempt_at timestamptz NULL;
