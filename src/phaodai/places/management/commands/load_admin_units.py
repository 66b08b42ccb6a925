from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from phaodai.places.loaders import LoadError, load_admin_units
from phaodai.places.models import Level


class Command(BaseCommand):
    help = "Load the official administrative units (GSO codes) from the vietnam-provinces data. Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--structure",
            choices=["2021", "2025"],
            default=settings.ADMIN_STRUCTURE,
            help="2021: province/district/commune (until 30/06/2025); 2025: province/commune.",
        )
        parser.add_argument(
            "--province", action="append", dest="provinces", help="Only this province code (repeatable), e.g. 92."
        )

    def handle(self, *args, structure: str, provinces: list[str] | None, **options) -> None:
        try:
            result = load_admin_units(structure, provinces)
        except LoadError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{Level(level).label}: {n}" for level, n in sorted(result.by_level.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Structure {structure}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged ({counts})."
            )
        )
