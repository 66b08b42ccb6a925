#!/usr/bin/env bash
# Install, migrate the embedded SQLite database, load the real administrative units and the demo city,
# print the demo logins and serve on http://127.0.0.1:8000. Safe to run again: every step is idempotent.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
export PHAODAI_DEMO="${PHAODAI_DEMO:-1}"
python manage.py migrate --noinput -v0
python manage.py load_admin_units
python manage.py build_demo_city
python manage.py release_ended_mobilisations
# The notification outbox is sent in the background: pages never wait for a message to go out.
# In the demo the console channel "delivers" them into var/notifications.log.
mkdir -p var/static
python manage.py send_notifications --loop --interval 10 >> var/notifications.log 2>&1 &
sender=$!
# The reporting reminders (16:30 leaders, 17:15 heads, 18:00 coordination) are queued by a scheduler of their own;
# each round is recorded in the database, so a restart never sends one twice.
python manage.py send_reminders --loop --interval 60 >> var/reminders.log 2>&1 &
reminders=$!
# Help requests not acknowledged in time go up a level (commune → district → city), checked every minute.
python manage.py escalate_help_requests --loop --interval 60 >> var/escalation.log 2>&1 &
escalation=$!
echo "Notifications are sent in the background; the console channel writes them to var/notifications.log."
trap 'kill "$sender" "$reminders" "$escalation" 2>/dev/null || true' EXIT INT TERM
python manage.py runserver --noreload "${PHAODAI_ADDR:-127.0.0.1:8000}"
