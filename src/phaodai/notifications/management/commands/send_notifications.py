"""Deliver the queued notifications: one pass, or `--loop` as a background worker next to the web server."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from phaodai.notifications.services import requeue_failed, send_due


class Command(BaseCommand):
    help = (
        "Send the notifications that are due (e-mail, console, ...), retrying failures with exponential backoff. "
        "Run once (e.g. from cron) or with --loop as a background worker."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, one pass every --interval seconds.")
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between passes (default 10).")
        parser.add_argument("--limit", type=int, default=500, help="At most this many messages per pass.")
        parser.add_argument(
            "--retry-failed", action="store_true", help="First put the failed messages back in the queue."
        )

    def handle(self, *args, loop: bool, interval: float, limit: int, retry_failed: bool, **options) -> None:
        if retry_failed:
            self.stdout.write(_("%(n)d failed messages queued again.") % {"n": requeue_failed()})
        self._stop = False
        if loop:
            # A service manager stops the worker with SIGTERM: finish the message in hand, then leave.
            signal.signal(signal.SIGTERM, self._request_stop)
        while True:
            if not connection.in_atomic_block:
                close_old_connections()  # a long-running worker must not keep a connection the database dropped
            counts = send_due(limit=limit)
            if counts.total or not loop:
                self.stdout.write(
                    _("Sent %(sent)d, to retry %(retrying)d, failed %(failed)d.")
                    % {"sent": counts.sent, "retrying": counts.retrying, "failed": counts.failed}
                )
            if not loop or self._stop:
                return
            try:
                # A full pass means more may be waiting: go again at once.
                if counts.total + counts.skipped < limit:
                    time.sleep(interval)
            except KeyboardInterrupt:
                return
            if self._stop:
                return

    def _request_stop(self, signum, frame) -> None:
        self._stop = True
