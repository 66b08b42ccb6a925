#!/usr/bin/env bash
# Install, migrate the embedded SQLite database, load the real administrative units and the demo city,
# print the demo logins and serve on http://127.0.0.1:8000. Safe to run again: every step is idempotent.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
export PHAODAI_DEMO="${PHAODAI_DEMO:-1}"
python manage.py migrate --noinput -v0
python manage.py load_admin_units
python manage.py build_demo_city
exec python manage.py runserver --noreload "${PHAODAI_ADDR:-127.0.0.1:8000}"
