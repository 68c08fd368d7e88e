#!/usr/bin/env bash
# Runs Vigil's main job on this machine. It starts the private PostgreSQL cluster, builds Vigil,
# writes demo logs with planted incidents (once, into .local/demo/) and imports the demo threat
# list. Then it starts the host, which analyses the demo logs and serves the console.
#
# Point the host at your own logs instead with VIGIL_LOGS=/path/to/folder (S3 key layout or flat).
# VIGIL_CONSOLE_PORT (default 5080) sets the console port and VIGIL_PG_PORT (default 55432) the
# PostgreSQL port. Stop with Ctrl+C; delete .local/ to start over.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

demo_dir="$repo_root/.local/demo"
console_port="${VIGIL_CONSOLE_PORT:-5080}"
logs="${VIGIL_LOGS:-$demo_dir/logs}"
configuration=Release
cli="$repo_root/src/Vigil.Cli/bin/$configuration/net10.0/vigil.dll"
host_dll="$repo_root/src/Vigil.Host/bin/$configuration/net10.0/Vigil.Host.dll"

step() {
  echo "==> $*"
}

if (exec 3<>"/dev/tcp/127.0.0.1/$console_port") 2>/dev/null; then
  echo "error: port $console_port on 127.0.0.1 is in use; stop what listens there or set VIGIL_CONSOLE_PORT to a free port." >&2
  exit 2
fi

step "Starting PostgreSQL"
bash deploy/local/pg-start.sh >/dev/null
connection="$(cat .local/pg/connection-string)"

step "Building Vigil ($configuration); the first build restores packages and takes a few minutes"
dotnet build src/Vigil.Host/Vigil.Host.csproj -c "$configuration" -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Vigil.Cli/Vigil.Cli.csproj -c "$configuration" -nologo -v quiet -clp:ErrorsOnly

mkdir -p "$demo_dir"
if [[ -z "${VIGIL_LOGS:-}" && ! -d "$demo_dir/logs" ]]; then
  step "Writing demo CloudTrail, VPC flow and Route 53 Resolver logs"
  dotnet "$cli" simulate --out "$demo_dir"
fi

if [[ ! -d "$logs" ]]; then
  echo "error: the log folder '$logs' does not exist; set VIGIL_LOGS to a folder of CloudTrail, VPC flow or Route 53 Resolver logs." >&2
  exit 2
fi

step "Applying database migrations"
dotnet "$cli" db migrate --connection "$connection" >/dev/null

if [[ -f "$demo_dir/threat-list.txt" ]]; then
  step "Importing the demo threat list"
  dotnet "$cli" lists import --tenant default --name demo-threat-list --connection "$connection" "$demo_dir/threat-list.txt"
fi

# The password lives beside the database it was created in, so the two are deleted together and
# the printed password always matches the administrator stored in that database.
password_file="$repo_root/.local/pg/console-admin-password"
if [[ ! -s "$password_file" ]]; then
  # Every stage reads its whole input, so no stage is cut off with SIGPIPE (which pipefail would report).
  (umask 077 && head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c 1-20 >"$password_file")
fi

cat <<INFO

Vigil console:  http://127.0.0.1:$console_port
Sign in as:     admin
Password:       $(cat "$password_file")   (stored in $password_file)
Analysing:      $logs
The host logs a line "Read N objects: ..." after each pass over the folder. Press Ctrl+C to stop.

INFO

export ASPNETCORE_ENVIRONMENT=Production
export Urls="http://127.0.0.1:$console_port"
export Vigil__Database__ConnectionString="$connection"
export Vigil__Ingest__WatchFolder="$logs"
export Vigil__Administrator__Password="$(cat "$password_file")"
# The host refuses to start without a sign-in method; this one turns on local accounts for the demo.
export Vigil__Console__LocalDemo=true
cd "$(dirname "$host_dll")"
exec dotnet "$host_dll"
