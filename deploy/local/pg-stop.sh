#!/usr/bin/env bash
# Stops the private PostgreSQL cluster that deploy/local/pg-start.sh started in .local/pg/.
# Does nothing (and exits 0) when the cluster does not exist or is not running.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data_dir="$repo_root/.local/pg/data"
stop_timeout_seconds=60

log() {
  echo "pg-stop: $*" >&2
}

if [[ ! -f "$data_dir/PG_VERSION" ]]; then
  log "no cluster in $data_dir; nothing to stop"
  exit 0
fi

# Use the binaries of the version that created the cluster.
cluster_version="$(cat "$data_dir/PG_VERSION")"
bin_dir="/usr/lib/postgresql/$cluster_version/bin"
if [[ ! -x "$bin_dir/pg_ctl" ]]; then
  log "error: $bin_dir/pg_ctl is missing, but the cluster in $data_dir was created by PostgreSQL $cluster_version."
  exit 1
fi

as_server_user() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u "$(stat -c %U "$data_dir")" -- "$@"
  else
    "$@"
  fi
}

if ! as_server_user "$bin_dir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
  log "PostgreSQL is not running (data folder $data_dir)"
  exit 0
fi

# Fast mode rolls back open transactions and disconnects clients instead of waiting for them.
as_server_user "$bin_dir/pg_ctl" -D "$data_dir" -m fast -w -t "$stop_timeout_seconds" stop >/dev/null
log "PostgreSQL stopped (data folder $data_dir)"
