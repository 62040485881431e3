#!/usr/bin/env bash
# Runs the whole suite: lint, then pytest on SQLite and on a throw-away PostgreSQL server (at once when the machine
# has two processors or more); a throw-away Redis server serves both passes (the multi-process rate-limit tests). Installs Chromium, PostgreSQL and Redis from
# Debian when missing and we are root. Under CI=true a missing component
# is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
IN_CI=false
[ "${CI:-}" = "true" ] && IN_CI=true

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -n "$(pg_bin)" ] || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
# wrk loads the pages in bench/pages.py, whose short mode runs in the suite (tests/scale).
command -v wrk >/dev/null || missing+=(wrk)
# openssl makes the certificate of the IMAP test server (tests/support/imap.py, inbound mail over TLS).
command -v openssl >/dev/null || missing+=(openssl)
# WeasyPrint (the self-assessment report's PDF) needs Pango. (The library list is read whole first: with pipefail,
# `ldconfig -p | grep -q` fails when grep stops reading early.)
shared_libs="$(ldconfig -p 2>/dev/null || true)"
grep -q 'libpangoft2-1.0.so.0' <<<"$shared_libs" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
grep -q 'libharfbuzz-subset.so.0' <<<"$shared_libs" || missing+=(libharfbuzz-subset0)
# node runs ical.js for the calendar cross-parser check (tests/support/icalcheck.py).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# PyICU (alphabetical order) builds against ICU's headers, found with pkg-config.
pkg-config --exists icu-i18n 2>/dev/null || missing+=(libicu-dev pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing from Debian: ${missing[*]}"
    apt-get update -qq
    # Recommended packages included: Chromium needs fonts (fonts-liberation) to render text for the browser tests.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Not installed and cannot install (not root): ${missing[*]}"
    if $IN_CI; then exit 1; fi
  fi
fi

# ical.js from the npm registry, pinned by tests/support/icaljs/package-lock.json.
if command -v npm >/dev/null && [ ! -d tests/support/icaljs/node_modules/ical.js ]; then
  echo "Installing ical.js (npm ci)"
  npm ci --prefix tests/support/icaljs --no-audit --no-fund --loglevel=error || { $IN_CI && exit 1; true; }
fi
# Lighthouse from the npm registry (tests/core/test_lighthouse.py), pinned by tests/support/lighthouse/package-lock.json.
if command -v npm >/dev/null && [ ! -d tests/support/lighthouse/node_modules/lighthouse ]; then
  echo "Installing Lighthouse (npm ci)"
  npm ci --prefix tests/support/lighthouse --no-audit --no-fund --loglevel=error || { $IN_CI && exit 1; true; }
fi

# A virtualenv made before PyICU became a dependency gets it now (the headers are installed above).
$PY -c "import icu" 2>/dev/null || $PY -m pip install -q PyICU

if [ "${SKIP_RUFF:-}" != "1" ]; then
  echo "== ruff"
  .venv/bin/ruff check .
fi

PG_DIR=""
REDIS_PID=""
REDIS_DIR=""
cleanup() {
  if [ -n "$PG_DIR" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  [ -z "$REDIS_DIR" ] || rm -rf "$REDIS_DIR"
}
trap cleanup EXIT
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Redis on a free port of 127.0.0.1 for the whole run (tests read TEST_REDIS_URL).
if command -v redis-server >/dev/null; then
  REDIS_PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  REDIS_DIR="$(mktemp -d /tmp/network-redis.XXXXXX)"
  echo "== starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDIS_DIR" \
    --daemonize no >"$REDIS_DIR/log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; then break; fi
    sleep 0.1
  done
  REDIS_BASE="redis://127.0.0.1:$REDIS_PORT"
else
  echo "redis-server is not available: the Redis rate-limit tests are skipped."
  if $IN_CI; then echo "FAIL: redis-server is required in CI"; exit 1; fi
fi

PG_BIN="$(pg_bin)"
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL is not available: the PostgreSQL run is skipped."
  if $IN_CI; then echo "FAIL: PostgreSQL is required in CI"; exit 1; fi
fi

start_postgres() {
  PG_DIR="$(mktemp -d /tmp/network-pg.XXXXXX)"
  PG_PORT="${PG_PORT:-$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  echo "== starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U network --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start
  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U network network_test
}

# One pass of pytest; $1 names it, $2 is the database URL (empty: SQLite), $3 the Redis database number (the two
# passes may run at once, and the Redis tests empty their database).
run_pass() {
  local name="$1" url="$2" redis_db="$3"; shift 3
  echo "== pytest on $name"
  if [ -n "${REDIS_BASE:-}" ]; then export TEST_REDIS_URL="$REDIS_BASE/$redis_db"; fi
  if [ -n "$url" ]; then export TEST_DATABASE_URL="$url"; else unset TEST_DATABASE_URL; fi
  $PY -m pytest "$@"
}

passes=()
[ "${SKIP_SQLITE:-}" = "1" ] || passes+=(sqlite)
[ -z "$PG_BIN" ] || [ "${SKIP_POSTGRES:-}" = "1" ] || passes+=(postgresql)
[ -z "$PG_BIN" ] || [[ " ${passes[*]} " != *" postgresql "* ]] || start_postgres
PG_URL="postgresql+psycopg://network@127.0.0.1:${PG_PORT:-0}/network_test"

# With two or more processors the passes run at once, each line prefixed with its pass (half the wall time; each
# pass has its own temporary directories, ports, database and Redis database). TEST_PASSES=sequential runs them one
# after the other, unprefixed.
mode="${TEST_PASSES:-}"
if [ -z "$mode" ]; then
  if [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then mode=parallel; else mode=sequential; fi
fi
status=0
if [ "$mode" = parallel ] && [ ${#passes[@]} -eq 2 ]; then
  ( run_pass SQLite "" 0 "$@" 2>&1 | sed -u 's/^/[sqlite] /' ) &
  sqlite_job=$!
  ( run_pass PostgreSQL "$PG_URL" 1 "$@" 2>&1 | sed -u 's/^/[postgresql] /' ) &
  pg_job=$!
  wait "$sqlite_job" || { status=1; echo "FAIL: the SQLite pass failed"; }
  wait "$pg_job" || { status=1; echo "FAIL: the PostgreSQL pass failed"; }
else
  for pass in "${passes[@]}"; do
    if [ "$pass" = sqlite ]; then
      run_pass SQLite "" 0 "$@" || status=1
    else
      run_pass PostgreSQL "$PG_URL" 1 "$@" || status=1
    fi
  done
fi
exit $status
