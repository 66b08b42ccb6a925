"""A recipient never receives a programme's benefit more often than the programme allows — enforced by the database.

`Distribution.occurrence` is checked against `Distribution.programme_times` (a CHECK constraint of the model) and is
unique per recipient and programme (two partial unique constraints), so the database refuses the n+1-th time even
when two clerks record the last allowed time at the same moment. What remains is to keep `programme_times` equal to
the programme's own `times` — that is what this module adds (migration 0002):

- PostgreSQL: a composite FOREIGN KEY (programme_id, programme_times) REFERENCES welfare_programme (id, times)
  ON UPDATE CASCADE. A distribution must carry its programme's real number of times; lowering a programme's times
  cascades into its distributions, where the CHECK refuses an occurrence above the new number — so the programme
  update itself fails.
- SQLite: triggers doing the same (SQLite serialises writers, so a trigger's check cannot race).
"""

from __future__ import annotations

from django.db import IntegrityError, migrations

FOREIGN_KEY = "distribution_programme_times_fk"
#: The messages the SQLite triggers abort with (and the constraint names PostgreSQL reports).
TIMES_MISMATCH = "distribution_programme_times_mismatch"
TIMES_TOO_LOW = "distribution_occurrence_within_times"

_SQLITE_DISTRIBUTION_CHECK = f"""
SELECT RAISE(ABORT, '{TIMES_MISMATCH}')
WHERE NEW.programme_times IS NOT (SELECT times FROM welfare_programme WHERE id = NEW.programme_id);
"""

SQLITE_TRIGGERS = {
    "welfare_distribution_times_insert": (
        f"CREATE TRIGGER welfare_distribution_times_insert BEFORE INSERT ON welfare_distribution "
        f"FOR EACH ROW BEGIN {_SQLITE_DISTRIBUTION_CHECK} END"
    ),
    "welfare_distribution_times_update": (
        f"CREATE TRIGGER welfare_distribution_times_update BEFORE UPDATE ON welfare_distribution "
        f"FOR EACH ROW BEGIN {_SQLITE_DISTRIBUTION_CHECK} END"
    ),
    "welfare_programme_times_check": (
        "CREATE TRIGGER welfare_programme_times_check BEFORE UPDATE OF times ON welfare_programme "
        f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{TIMES_TOO_LOW}') WHERE EXISTS ("
        "SELECT 1 FROM welfare_distribution d WHERE d.programme_id = NEW.id AND d.occurrence > NEW.times); END"
    ),
    "welfare_programme_times_copy": (
        "CREATE TRIGGER welfare_programme_times_copy AFTER UPDATE OF times ON welfare_programme "
        "FOR EACH ROW WHEN NEW.times IS NOT OLD.times BEGIN "
        "UPDATE welfare_distribution SET programme_times = NEW.times WHERE programme_id = NEW.id; END"
    ),
}


class DistributionTimesFollowProgramme(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE welfare_distribution ADD CONSTRAINT {FOREIGN_KEY} "
                "FOREIGN KEY (programme_id, programme_times) REFERENCES welfare_programme (id, times) "
                "ON UPDATE CASCADE"
            )
        elif vendor == "sqlite":
            for sql in SQLITE_TRIGGERS.values():
                schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE welfare_distribution DROP CONSTRAINT IF EXISTS {FOREIGN_KEY}")
        elif vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")

    def describe(self):
        return "Distributions keep their programme's number of times (database-enforced)"


def is_times_violation(exc: IntegrityError) -> bool:
    """The database refused a distribution because of the programme's times (not some other integrity error)."""
    text = str(exc)
    names = (
        TIMES_MISMATCH,
        TIMES_TOO_LOW,
        FOREIGN_KEY,
        "distribution_household_occurrence_once",
        "distribution_person_occurrence_once",
    )
    return any(name in text for name in names) or "UNIQUE constraint failed: welfare_distribution" in text
