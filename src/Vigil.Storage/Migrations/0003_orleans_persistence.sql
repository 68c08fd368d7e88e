-- Orleans 10.4.2 ADO.NET grain storage for invariant Npgsql.
--
-- The identity of a stored state is (service_id, grain_type_string, grain_id_n0, grain_id_n1,
-- grain_id_extension_string), where a NULL extension equals only another NULL. The provider
-- computes both hashes from that identity, so they add no uniqueness. They lead the unique index
-- so that lookups narrow on two integers, and a changed hasher makes old rows unreachable instead
-- of colliding with new ones. The ETag is the integer version as a decimal string.

CREATE TABLE orleans_storage (
    grain_id_hash integer NOT NULL,
    grain_type_hash integer NOT NULL,
    service_id text NOT NULL,
    grain_type_string text NOT NULL,
    grain_id_n0 bigint NOT NULL,
    grain_id_n1 bigint NOT NULL,
    grain_id_extension_string text NULL,
    payload_binary bytea NULL,
    version integer NOT NULL,
    modified_on timestamptz NOT NULL DEFAULT now(),
    -- NOTE: a btree entry holds at most about 2,700 bytes, so a state whose compressed type
    -- name and string key exceed that cannot be stored (the insert fails with an error).
    CONSTRAINT orleans_storage_identity UNIQUE NULLS NOT DISTINCT (
        grain_id_hash, grain_type_hash, service_id, grain_type_string,
        grain_id_n0, grain_id_n1, grain_id_extension_string)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $query$
SELECT payload_binary AS PayloadBinary, version AS Version, modified_on AS ModifiedOn
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type_string = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString;
$query$),

-- A NULL GrainStateVersion inserts version 1 unless the state exists (then no row comes back).
-- A non-NULL one updates only the row with that version. Either way, a conflict returns no row,
-- which the provider turns into InconsistentStateException. The update refuses to pass the
-- integer maximum, because the provider parses the version into a 32-bit integer.
('WriteToStorageKey', $query$
WITH inserted AS (
    INSERT INTO orleans_storage (
        grain_id_hash, grain_type_hash, service_id, grain_type_string,
        grain_id_n0, grain_id_n1, grain_id_extension_string, payload_binary, version, modified_on)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString,
           @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_storage_identity DO NOTHING
    RETURNING version
),
updated AS (
    UPDATE orleans_storage
    SET payload_binary = @PayloadBinary, version = version + 1, modified_on = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_type_string = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
      AND version < 2147483647
    RETURNING version
)
SELECT version AS NewGrainStateVersion FROM inserted
UNION ALL
SELECT version FROM updated;
$query$),

-- Keeps the row with a NULL payload and a new version, so the next write must carry that version.
('ClearStorageKey', $query$
UPDATE orleans_storage
SET payload_binary = NULL, version = version + 1, modified_on = now()
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type_string = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
  AND version < 2147483647
RETURNING version AS NewGrainStateVersion;
$query$),

-- Used instead of ClearStorageKey when DeleteStateOnClear is set. The returned value only has to
-- differ from the ETag sent, so it is the old version plus one, as bigint to avoid an overflow.
('DeleteStorageKey', $query$
DELETE FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type_string = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version::bigint + 1 AS NewGrainStateVersion;
$query$);
