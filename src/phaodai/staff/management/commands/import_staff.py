"""Import civil servants from an .xlsx list, as a given user (their jurisdiction and role apply).

    manage.py import_staff danh-sach.xlsx --user sonoivu [--dry-run]

Prints the same report as the import page; exits with an error status when anything is wrong (nothing imported).
"""

from __future__ import annotations

from pathlib import Path

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from phaodai.staff.excel import import_staff


class Command(BaseCommand):
    help = "Import civil servants from an .xlsx file: every row, or none if any row is wrong."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="the .xlsx file")
        parser.add_argument("--user", required=True, help="username whose role and jurisdiction apply")
        parser.add_argument("--dry-run", action="store_true", help="check every row, import nothing")

    def handle(self, *args, path: Path, user: str, dry_run: bool, **options) -> None:
        User = get_user_model()
        try:
            account = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user called {user!r}.") from None
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            with path.open("rb") as fileobj, set_actor(account):
                result = import_staff(fileobj, account, dry_run=dry_run)
        except PermissionDenied:
            raise CommandError(f"{user} may not import civil servants (the role lacks staff.import).") from None
        report = result.report()
        if not result.ok:
            self.stderr.write(report)
            raise CommandError(f"{path.name}: nothing was imported.")
        self.stdout.write(self.style.SUCCESS(report) if not result.warnings else report)
