#!/usr/bin/env bash
# Starts a private PostgreSQL cluster for development and tests in .local/pg/ of this checkout.
#
# The server listens only on 127.0.0.1, port 55432 unless VIGIL_PG_PORT is set. The role `vigil`
# (password login with scram-sha-256, CREATEDB so tests can make their own databases) owns the
# database `vigil`. The Npgsql connection string is written to .local/pg/connection-string
# (mode 600) and printed. Running the script again while the server runs only prints it again.
#
# When no PostgreSQL server binaries exist under /usr/lib/postgresql/*/bin, Debian's `postgresql`
# package is installed with apt-get (root only). Vigil's schema needs PostgreSQL 15 or newer.
# As root, initdb and the server run as the `postgres` user, which then owns the data folder.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pg_root="$repo_root/.local/pg"
data_dir="$pg_root/data"
socket_dir="$pg_root/run"
# A Unix socket path may not exceed 107 bytes, so deep checkouts get a socket folder under /tmp instead.
if ((${#socket_dir} > 90)); then
  socket_dir="/tmp/vigil-pg-$(printf '%s' "$pg_root" | cksum | cut -d ' ' -f 1)"
fi
log_file="$pg_root/server.log"
password_file="$pg_root/vigil-password"
connection_file="$pg_root/connection-string"
port="${VIGIL_PG_PORT:-55432}"
ready_timeout_seconds=60

log() {
  echo "pg-start: $*" >&2
}

fail() {
  log "error: $*"
  exit 1
}

if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
  fail "VIGIL_PG_PORT='$port' is not a TCP port number (1-65535)."
fi

# Prints the newest /usr/lib/postgresql/<version>/bin that contains a server, or nothing.
find_server_bin() {
  local candidate newest=""
  while IFS= read -r candidate; do
    if [[ -x "$candidate/postgres" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
      newest="$candidate"
    fi
  done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V)
  echo "$newest"
}

install_server() {
  if [[ "$(id -u)" -ne 0 ]]; then
    fail "no PostgreSQL server found under /usr/lib/postgresql/*/bin; install Debian's 'postgresql' package (sudo apt-get install postgresql) and run this script again."
  fi
  log "no PostgreSQL server found; installing Debian's 'postgresql' package"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2

  # The package creates and may start a system cluster ("main", port 5432). Vigil runs its own
  # cluster, so stop any cluster that the installation left running.
  # NOTE: this install path has not been run on a machine without PostgreSQL yet.
  local version name cluster_port status rest
  if command -v pg_lsclusters >/dev/null; then
    while read -r version name cluster_port status rest; do
      if [[ "$status" == online* ]]; then
        log "stopping the system cluster $version/$name on port $cluster_port that the package started"
        pg_ctlcluster "$version" "$name" stop || log "warning: stopping cluster $version/$name failed; stop it with: pg_ctlcluster $version $name stop"
      fi
    done < <(pg_lsclusters -h)
  fi
}

bin_dir="$(find_server_bin)"
if [[ -z "$bin_dir" ]]; then
  install_server
  bin_dir="$(find_server_bin)"
  [[ -n "$bin_dir" ]] || fail "the 'postgresql' package installed no server under /usr/lib/postgresql/*/bin."
fi

server_version="$(basename "$(dirname "$bin_dir")")"
if [[ "$server_version" =~ ^[0-9]+$ ]] && ((server_version < 15)); then
  fail "PostgreSQL $server_version found in $bin_dir, but Vigil needs 15 or newer (unique constraints use NULLS NOT DISTINCT)."
fi

# PostgreSQL does not run as root, so as root the server runs as `postgres`, which must own the data folder.
if [[ "$(id -u)" -eq 0 ]]; then
  server_user="postgres"
  id "$server_user" >/dev/null 2>&1 || fail "user 'postgres' does not exist; install Debian's 'postgresql' package, which creates it."
else
  server_user="$(id -un)"
fi

as_server_user() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u "$server_user" -- "$@"
  else
    "$@"
  fi
}

# Gives the server user search (x) permission on every folder from / down to .local/pg, so it can
# reach its data folder inside a checkout owned by someone else. Folders it can already enter stay as they are.
grant_traversal() {
  local dir="$pg_root"
  local -a chain=()
  while [[ "$dir" != "/" ]]; do
    chain=("$dir" "${chain[@]}")
    dir="$(dirname "$dir")"
  done
  for dir in "${chain[@]}"; do
    if ! runuser -u "$server_user" -- test -x "$dir"; then
      log "granting other users search permission on $dir so '$server_user' can reach the data folder"
      chmod o+x "$dir"
    fi
  done
}

is_running() {
  [[ -f "$data_dir/PG_VERSION" ]] && as_server_user "$bin_dir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

# The port of the running server, from line 4 of postmaster.pid.
running_port() {
  sed -n '4p' "$data_dir/postmaster.pid" 2>/dev/null || true
}

write_connection_string() {
  local server_port="$1" password
  password="$(cat "$password_file")"
  (
    umask 077
    printf 'Host=127.0.0.1;Port=%s;Database=vigil;Username=vigil;Password=%s\n' "$server_port" "$password" >"$connection_file"
  )
  chmod 600 "$connection_file"
}

# Creates or repairs the role and the database, on every start and when the server already runs,
# so a half-finished first run heals.
ensure_role_and_database() {
  local server_port="$1" role_exists database_exists password
  psql_admin() {
    as_server_user "$bin_dir/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$server_port" -d postgres "$@"
  }

  role_exists="$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'vigil'")"
  password="$(cat "$password_file")"
  if [[ "$role_exists" != "1" ]]; then
    log "creating role 'vigil'"
    # The password goes through standard input so it never shows up in the process list.
    psql_admin <<<"CREATE ROLE vigil LOGIN CREATEDB PASSWORD '$password';"
  else
    psql_admin <<<"ALTER ROLE vigil LOGIN CREATEDB PASSWORD '$password';"
  fi

  database_exists="$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'vigil'")"
  if [[ "$database_exists" != "1" ]]; then
    log "creating database 'vigil' owned by 'vigil'"
    psql_admin -c "CREATE DATABASE vigil OWNER vigil"
  fi
}

mkdir -p "$pg_root"

# Test projects that run in parallel may all call this script. The lock lets one of them start
# the server while the others wait and then find it running.
exec 9>"$pg_root/start.lock"
flock -w 300 9 || fail "timed out after 300 s waiting for another pg-start.sh to finish (lock file $pg_root/start.lock)"

if is_running; then
  actual_port="$(running_port)"
  if [[ -n "$actual_port" && "$actual_port" != "$port" ]]; then
    log "warning: the cluster already runs on port $actual_port, not $port; stop it with deploy/local/pg-stop.sh to change the port"
  fi
  [[ -f "$password_file" ]] || fail "the cluster runs but $password_file is missing; stop it, delete $pg_root and run this script again."
  ensure_role_and_database "${actual_port:-$port}"
  write_connection_string "${actual_port:-$port}"
  log "PostgreSQL already running (data folder $data_dir)"
  cat "$connection_file"
  exit 0
fi

mkdir -p "$socket_dir"
touch "$log_file"
if [[ "$(id -u)" -eq 0 ]]; then
  grant_traversal
  chown "$server_user" "$socket_dir" "$log_file"
fi

if [[ ! -f "$data_dir/PG_VERSION" ]]; then
  log "creating a new cluster with $bin_dir/initdb in $data_dir"
  rm -rf "$data_dir"
  mkdir -p "$data_dir"
  chmod 700 "$data_dir"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown "$server_user" "$data_dir"
  fi
  # Local socket connections use peer authentication (only the server user's own account).
  # TCP connections need a scram-sha-256 password.
  as_server_user "$bin_dir/initdb" -D "$data_dir" --username="$server_user" --encoding=UTF8 --no-locale \
    --auth-local=peer --auth-host=scram-sha-256 >>"$log_file" 2>&1 \
    || fail "initdb failed; see $log_file"
fi

if [[ ! -f "$password_file" ]]; then
  (
    umask 077
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$password_file"
  )
  chmod 600 "$password_file"
fi

log "starting PostgreSQL from $bin_dir on 127.0.0.1:$port (log: $log_file)"
log_offset="$(stat -c %s "$log_file")"
# The server must not inherit the lock's file descriptor (9>&-), or it would keep the lock while it runs.
# Test runs start several silos and hosts at once, each with its own connection pools, so the
# cluster allows 500 connections instead of PostgreSQL's default of 100 (300 ran out once in a full run).
as_server_user "$bin_dir/pg_ctl" -D "$data_dir" -l "$log_file" -W \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$socket_dir -c password_encryption=scram-sha-256 -c max_connections=500" \
  start >/dev/null 9>&- || fail "pg_ctl failed to start the server; see $log_file"

# Bounded poll: pg_isready every 0.25 s until the server accepts connections or the timeout passes.
# pg_ctl can return before the server writes postmaster.pid, so "not running" only counts as a
# failure once the server had 5 s to write it.
polls=0
until as_server_user "$bin_dir/pg_isready" -q -h "$socket_dir" -p "$port"; do
  polls=$((polls + 1))
  if ((polls >= ready_timeout_seconds * 4)); then
    tail -n 20 "$log_file" >&2 || true
    fail "PostgreSQL did not accept connections within $ready_timeout_seconds s; see $log_file"
  fi
  if ((polls >= 20)) && ! is_running; then
    tail -n 20 "$log_file" >&2 || true
    if tail -c "+$((log_offset + 1))" "$log_file" | grep -q "Address already in use"; then
      fail "port $port on 127.0.0.1 is in use by another program; set VIGIL_PG_PORT to a free port and run this script again."
    fi
    fail "PostgreSQL stopped while starting; see $log_file"
  fi
  sleep 0.25
done

ensure_role_and_database "$port"

write_connection_string "$port"
log "PostgreSQL is ready; connection string in $connection_file"
cat "$connection_file"
