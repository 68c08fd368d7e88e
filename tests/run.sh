#!/usr/bin/env bash
# Runs Vigil's whole test suite. It starts the private PostgreSQL cluster and stops it at the end
# when it was not running before. It installs Debian's Chromium for the browser tests when it is
# missing, builds the solution and runs every test project.
# Ends with the line "N passed, N failed, N skipped". Tests that read the shared public data run
# only when VIGIL_SHARED_DATA names that folder; the rest need nothing else.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
results="$repo_root/.local/test-results"
configuration=Release

if [[ -n "${VIGIL_SHARED_DATA:-}" ]]; then
  if [[ -d "$VIGIL_SHARED_DATA" ]]; then
    VIGIL_SHARED_DATA="$(cd "$VIGIL_SHARED_DATA" && pwd)"
    export VIGIL_SHARED_DATA
  else
    echo "warning: VIGIL_SHARED_DATA='$VIGIL_SHARED_DATA' is not a folder; the tests on shared data are skipped." >&2
    unset VIGIL_SHARED_DATA
  fi
fi

if ! pg_messages="$(bash deploy/local/pg-start.sh 2>&1 >/dev/null)"; then
  echo "$pg_messages" >&2
  exit 1
fi
# Stop the cluster at the end only when this run started it, so a cluster that already ran stays up.
if ! grep -q "already running" <<<"$pg_messages"; then
  trap 'bash deploy/local/pg-stop.sh >/dev/null 2>&1 || true' EXIT
fi

# Debian's chromium for the browser tests, and jq for the test of the benchmark's jq baseline.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "Installing Debian's ${missing[*]} for the tests" >&2
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
  else
    echo "warning: ${missing[*]} not installed and this is not root; the tests that need them will fail." >&2
  fi
fi

# The S3 and SQS source tests start local S3- and SQS-compatible servers from tests/tools.
if command -v npm >/dev/null 2>&1; then
  (cd tests/tools && npm ci --no-audit --no-fund >&2)
else
  echo "warning: npm is not installed; the S3 and SQS source tests will fail. Install Debian's nodejs and npm." >&2
fi

rm -rf "$results"
dotnet build Platform.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly

status=0
dotnet test Platform.sln -c "$configuration" --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

# Sum the counters of every TRX file: one per test project.
passed=0
failed=0
skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  # xUnit's skipped tests are results with outcome NotExecuted, which the Counters element does not count.
  skipped=$((skipped + $( { grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx" || true; } | wc -l)))
done

# Name each failed test once more at the end, so the reason is not buried in the log.
for trx in "$results"/*.trx; do
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | grep -o 'testName="[^"]*"' \
    | sed -e 's/^testName="/failed: /' -e 's/"$//' || true
done

if [[ $status -ne 0 && $failed -eq 0 ]]; then
  # The runner failed without a failed test (a crash or a build problem): count it as a failure.
  failed=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
