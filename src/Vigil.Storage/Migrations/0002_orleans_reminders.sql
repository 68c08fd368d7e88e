-- Orleans 10.4.2 ADO.NET reminder table for invariant Npgsql.
--
-- grain_hash is the grain's uniform hash reinterpreted as a signed 32-bit integer, and the range
-- queries compare in that signed space, as the provider does. period is in milliseconds and may
-- arrive as integer or bigint. The ETag of a reminder is its version as a decimal string.

CREATE TABLE orleans_reminders (
    service_id text NOT NULL,
    grain_id text NOT NULL,
    reminder_name text NOT NULL,
    start_time timestamptz NOT NULL,
    period bigint NOT NULL,
    grain_hash integer NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX orleans_reminders_service_hash ON orleans_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadReminderRowsKey', $query$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND grain_id = @GrainId;
$query$),

('ReadReminderRowKey', $query$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
  AND reminder_name = @ReminderName;
$query$),

-- Used when BeginHash < EndHash: the ring segment (BeginHash, EndHash].
('ReadRangeRows1Key', $query$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash;
$query$),

-- Used when BeginHash >= EndHash: the segment wraps around the ring; equal bounds mean all of it.
('ReadRangeRows2Key', $query$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
$query$),

-- Every write yields a new version. At the integer maximum the version wraps to 0 instead of
-- failing, because an upsert has no ETag check and must not make the reminder unwritable.
('UpsertReminderRowKey', $query$
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time,
    period = excluded.period,
    grain_hash = excluded.grain_hash,
    version = CASE
        WHEN orleans_reminders.version = 2147483647 THEN 0
        ELSE orleans_reminders.version + 1
    END
RETURNING version AS Version;
$query$),

('DeleteReminderRowKey', $query$
WITH deleted AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId
      AND grain_id = @GrainId
      AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT count(*)::integer AS deleted FROM deleted;
$query$),

('DeleteReminderRowsKey', $query$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId;
$query$);
