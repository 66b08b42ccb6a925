"""The daily mobilisation run: people whose period begins are marked mobilised; those whose period has ended are
released (their assignments RELEASED, themselves available again unless mobilised by another decision).

    manage.py release_ended_mobilisations [--date dd/mm/yyyy]

Run it once a day, early (cron: `5 0 * * * .venv/bin/python manage.py release_ended_mobilisations`). Running it
twice on one day changes nothing the second time. Without --date, today in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.mobilisation.services import release_ended, start_due


def _parse_day(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(_("“%(text)s” is not a date: use dd/mm/yyyy.") % {"text": text})


class Command(BaseCommand):
    help = "Mark people mobilised when their period starts and release them when it has ended."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", dest="day", help="the day to run for (dd/mm/yyyy); default today")

    def handle(self, *args, day: str | None = None, **options) -> None:
        today = _parse_day(day) if day else timezone.localdate()
        released = release_ended(today)
        started = start_due(today)
        self.stdout.write(
            _("%(day)s: %(released)d assignment(s) released, %(started)d person(s) starting their mobilisation.")
            % {"day": f"{today:%d/%m/%Y}", "released": released, "started": started}
        )
