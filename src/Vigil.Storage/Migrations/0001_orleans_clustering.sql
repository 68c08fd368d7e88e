-- Orleans 10.4.2 ADO.NET clustering (membership table and gateway list) for invariant Npgsql.
--
-- The provider reads its query texts from the table orleansquery by unquoted name, so that table
-- and its columns querykey and querytext must be lower-case. Every other name below is Vigil's
-- choice: the provider only sees the result column aliases (matched without regard to case).
-- Parameters arrive by name as @Name placeholders, typed: text, integer, timestamptz (UTC).

CREATE TABLE orleansquery (
    querykey text PRIMARY KEY,
    querytext text NOT NULL
);

-- One row per cluster (the provider calls it the deployment). Every membership change must raise
-- version by exactly one, because the runtime computes the next version as the one it read plus one.
CREATE TABLE orleans_membership_version (
    deployment_id text PRIMARY KEY,
    version integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation. status is the SiloStatus enum: Created 1, Joining 2, Active 3,
-- ShuttingDown 4, Stopping 5, Dead 6. suspect_times is the provider's opaque suspicion list.
CREATE TABLE orleans_membership (
    deployment_id text NOT NULL REFERENCES orleans_membership_version (deployment_id),
    address text NOT NULL,
    port integer NOT NULL,
    generation integer NOT NULL,
    silo_name text NOT NULL,
    host_name text NOT NULL,
    status integer NOT NULL,
    proxy_port integer NOT NULL,
    suspect_times text NULL,
    start_time timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Inserts a silo row and raises the table version in one step. Returns 1 on success and 0, with
-- nothing changed, when p_version is stale, the version is at the integer maximum, or the row
-- exists. The inner block is a subtransaction, so a duplicate row also undoes the version raise.
CREATE FUNCTION orleans_insert_membership(
    p_deployment_id text,
    p_address text,
    p_port integer,
    p_generation integer,
    p_silo_name text,
    p_host_name text,
    p_status integer,
    p_proxy_port integer,
    p_start_time timestamptz,
    p_i_am_alive_time timestamptz,
    p_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = p_deployment_id
      AND version = p_version
      AND version < 2147483647;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO orleans_membership (
        deployment_id, address, port, generation, silo_name, host_name,
        status, proxy_port, suspect_times, start_time, i_am_alive_time)
    VALUES (
        p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
        p_status, p_proxy_port, NULL, p_start_time, p_i_am_alive_time);
    RETURN 1;
EXCEPTION
    WHEN unique_violation THEN
        RETURN 0;
END;
$$;

-- Updates the status, suspicion list and heartbeat of an existing silo row and raises the table
-- version in one step. Returns 0, with nothing changed, when p_version is stale, the version is
-- at the integer maximum, or the silo row does not exist.
CREATE FUNCTION orleans_update_membership(
    p_deployment_id text,
    p_address text,
    p_port integer,
    p_generation integer,
    p_status integer,
    p_suspect_times text,
    p_i_am_alive_time timestamptz,
    p_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = p_deployment_id
      AND version = p_version
      AND version < 2147483647;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership
    SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
    WHERE deployment_id = p_deployment_id
      AND address = p_address
      AND port = p_port
      AND generation = p_generation;
    IF NOT FOUND THEN
        -- Leaves the block with an error, which rolls back the version raise above.
        RAISE EXCEPTION USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 1;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
END;
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $query$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id, version, updated_at)
    VALUES (@DeploymentId, 0, now())
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer AS created FROM created;
$query$),

('MembershipReadAllKey', $query$
SELECT
    v.version AS Version,
    m.deployment_id AS DeploymentId,
    m.address AS Address,
    m.port AS Port,
    m.generation AS Generation,
    m.silo_name AS SiloName,
    m.host_name AS HostName,
    m.status AS Status,
    m.proxy_port AS ProxyPort,
    m.suspect_times AS SuspectTimes,
    m.start_time AS StartTime,
    m.i_am_alive_time AS IAmAliveTime
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$query$),

('MembershipReadRowKey', $query$
SELECT
    v.version AS Version,
    m.deployment_id AS DeploymentId,
    m.address AS Address,
    m.port AS Port,
    m.generation AS Generation,
    m.silo_name AS SiloName,
    m.host_name AS HostName,
    m.status AS Status,
    m.proxy_port AS ProxyPort,
    m.suspect_times AS SuspectTimes,
    m.start_time AS StartTime,
    m.i_am_alive_time AS IAmAliveTime
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
    ON m.deployment_id = v.deployment_id
   AND m.address = @Address
   AND m.port = @Port
   AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$query$),

('InsertMembershipKey', $query$
SELECT orleans_insert_membership(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS inserted;
$query$),

('UpdateMembershipKey', $query$
SELECT orleans_update_membership(
    @DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version) AS updated;
$query$),

('UpdateIAmAlivetimeKey', $query$
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation;
$query$),

('GatewaysQueryKey', $query$
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0;
$query$),

('DeleteMembershipTableEntriesKey', $query$
DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
$query$),

('CleanupDefunctSiloEntriesKey', $query$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = 6
  AND i_am_alive_time < @IAmAliveTime
  AND start_time < @IAmAliveTime
  AND coalesce(suspect_times, '') = '';
$query$),

('CleanupDefunctSiloEntryKey', $query$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '');
$query$);
