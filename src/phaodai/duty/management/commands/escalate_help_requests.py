"""Escalate the help requests nobody acknowledged in time: one pass, or `--loop` as a background worker."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from phaodai.duty.escalation import escalate_overdue


class Command(BaseCommand):
    help = (
        "Escalate overdue help requests one level up (commune → district → city) and tell that level. "
        "Run once (e.g. from cron every minute) or with --loop as a background worker."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, one pass every --interval seconds.")
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between passes (default 60).")

    def handle(self, *args, loop: bool, interval: float, **options) -> None:
        self._stop = False
        if loop:
            # A service manager stops the worker with SIGTERM: finish the pass in hand, then leave.
            signal.signal(signal.SIGTERM, self._request_stop)
        while True:
            if not connection.in_atomic_block:
                close_old_connections()  # a long-running worker must not keep a connection the database dropped
            count = escalate_overdue()
            if count or not loop:
                self.stdout.write(_("%(n)d help requests escalated.") % {"n": count})
            if not loop or self._stop:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
            if self._stop:
                return

    def _request_stop(self, signum, frame) -> None:
        self._stop = True
