#!/usr/bin/env bash
# The whole test suite: lint and migration checks, then every test on SQLite, then on PostgreSQL.
# Extra arguments go to pytest (e.g. ./test.sh -k scope).
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
export PHAODAI_DEBUG=1

# The browser test drives Debian's Chromium (no browser download); install it when we may.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser test ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
        echo "Could not install chromium: the browser test will say so." >&2
fi

echo "== ruff"
ruff check .
echo "== migrations are up to date"
python manage.py makemigrations --check --dry-run -v0

echo "== tests on SQLite"
DATABASE_URL= python -m pytest "$@"

echo "== tests on PostgreSQL"
PG_URL="${PHAODAI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/phaodai}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "PostgreSQL is down: starting it ..."
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "PostgreSQL is not installed or not reachable on 127.0.0.1:5432: the PostgreSQL run cannot be done." >&2
    exit 1
fi
DATABASE_URL="$PG_URL" python -m pytest "$@"
