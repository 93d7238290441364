#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the tests and prints
# its DSN on stdout (everything else goes to stderr):
#
#   export STEWARDBOT_TEST_POSTGRES="$(.ci/postgres.sh)"
#
# Installs Debian's postgresql when no initdb is found, uses the newest
# version installed, and puts a fresh data directory under ${RUNNER_TEMP:-/tmp}.
# Trust authentication, loopback only, fsync off: for tests, never for data.
# STEWARDBOT_PG_PORT picks the port (default 54329).
set -euo pipefail

port="${STEWARDBOT_PG_PORT:-54329}"
log() { echo "postgres.sh: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

dsn="postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable"

# Prints nothing (and succeeds) when PostgreSQL is not installed: under
# pipefail a failing ls would otherwise end the script here.
find_initdb() { { ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null || true; } | sort -V | tail -n 1; }

initdb="$(find_initdb)"
if [ -z "$initdb" ]; then
  log "no PostgreSQL found: installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2
  as_root apt-get install -y -qq --no-install-recommends postgresql >&2
  initdb="$(find_initdb)"
  if [ -z "$initdb" ]; then
    log "postgresql installed, but no /usr/lib/postgresql/*/bin/initdb"
    exit 1
  fi
fi
bin="$(dirname "$initdb")"
log "using $("$bin/postgres" --version)"

if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  log "a server already answers on 127.0.0.1:$port: using it"
  echo "$dsn"
  exit 0
fi

base="$(mktemp -d "${RUNNER_TEMP:-/tmp}/stewardbot-pg.XXXXXX")"
data="$base/data"
# PostgreSQL refuses to run as root: as root, run it as the postgres user.
run=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$base" --shell /usr/sbin/nologin postgres
  chown postgres "$base"
  chmod 0755 "$base"
  run=(runuser -u postgres --)
fi

"${run[@]}" "$bin/initdb" -D "$data" -A trust -U postgres --encoding=UTF8 --locale=C >&2
"${run[@]}" "$bin/pg_ctl" -D "$data" -l "$base/log" -o \
  "-k $base -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >&2

for _ in $(seq 1 60); do
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    log "ready on 127.0.0.1:$port (data and log in $base)"
    echo "$dsn"
    exit 0
  fi
  sleep 0.5
done
log "the server did not become ready in 30 s; its log:"
cat "$base/log" >&2 || true
exit 1
