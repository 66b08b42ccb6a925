from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from phaodai.core.demo import DEFAULT_SEED, DEFAULT_STAFF, DemoError, build_demo_city


class Command(BaseCommand):
    help = (
        "Build the demo city on the loaded 2021 units: neighbourhoods, agencies, civil servants and one login per "
        "role. Demo mode only (PHAODAI_DEMO=1). Idempotent: a second run writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--staff", type=int, default=DEFAULT_STAFF, help=f"How many civil servants (default {DEFAULT_STAFF})."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed: same seed, same people.")

    def handle(self, *args, staff: int, seed: int, **options) -> None:
        try:
            result = build_demo_city(staff=staff, seed=seed)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if result.created_anything or result.users_updated:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo city: %(units)d neighbourhoods, %(agencies)d agencies, %(staff)d civil servants "
                        "(%(skills)d skills), %(logins)d logins created, %(updated)d logins reset, "
                        "%(entries)d audit entries, in %(seconds).1f s."
                    )
                    % {
                        "units": result.neighbourhoods,
                        "agencies": result.agencies,
                        "staff": result.staff,
                        "skills": result.skills,
                        "logins": result.users_created,
                        "updated": result.users_updated,
                        "entries": result.log_entries,
                        "seconds": result.seconds,
                    }
                )
            )
        else:
            self.stdout.write(
                _("Demo city already built: nothing to do (%(seconds).1f s).") % {"seconds": result.seconds}
            )
        if result.headcount_scale > 1:
            self.stdout.write(
                _("Headcounts were multiplied by %(n)d to hold %(staff)d people.")
                % {"n": result.headcount_scale, "staff": staff}
            )
        if result.not_placed:
            self.stdout.write(
                self.style.WARNING(
                    _("%(n)d people were left out because their agency has no room left in its headcount.")
                    % {"n": result.not_placed}
                )
            )
        if result.scenario is not None:
            for line in result.scenario.steps:
                self.stdout.write(_("Mobilisation scenario: %(step)s") % {"step": line})
            for line in result.scenario.notes:
                self.stdout.write(self.style.WARNING(_("Mobilisation scenario: %(note)s") % {"note": line}))
        if result.reporting is not None:
            if result.reporting.created_anything:
                self.stdout.write(result.reporting.summary())
            for line in result.reporting.notes:
                self.stdout.write(self.style.WARNING(line))
        if result.duty is not None:
            if result.duty.created_anything:
                self.stdout.write(result.duty.summary())
            for line in result.duty.notes:
                self.stdout.write(self.style.WARNING(line))
        if result.welfare is not None:
            if result.welfare.created_anything:
                self.stdout.write(result.welfare.summary())
            for line in result.welfare.notes:
                self.stdout.write(self.style.WARNING(line))
        self.print_logins(result.logins)

    def print_logins(self, rows) -> None:
        header = [_("Username"), _("Password"), _("Role"), _("Jurisdiction")]
        table = [header] + [[r.username, r.password, r.role, r.jurisdiction] for r in rows]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write(_("Demo logins (demo mode only):"))
        self.stdout.write(line)
        for index, row in enumerate(table):
            self.stdout.write("| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)) + " |")
            if index == 0:
                self.stdout.write(line)
        self.stdout.write(line)
