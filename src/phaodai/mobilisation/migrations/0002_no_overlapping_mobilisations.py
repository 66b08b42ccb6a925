"""No person in two approved assignments whose periods overlap — enforced by the database itself.

PostgreSQL: an exclusion constraint over (staff, daterange) for approved rows (needs btree_gist).
SQLite: triggers that abort an insert or update creating an overlap (SQLite serialises writers, so a trigger's
check cannot race). Either way two approvals at the same moment cannot both succeed.
"""

from django.db import migrations

CONSTRAINT = "assignment_no_overlapping_mobilisation"
OVERLAP_MESSAGE = "assignment_no_overlapping_mobilisation"

SQLITE_CHECK = """
SELECT RAISE(ABORT, '{message}')
WHERE NEW.state = 'approved' AND EXISTS (
    SELECT 1 FROM mobilisation_assignment other
    WHERE other.staff_id = NEW.staff_id AND other.state = 'approved' AND other.id IS NOT NEW.id
      AND other.start_date <= NEW.end_date AND NEW.start_date <= other.end_date
);
""".format(message=OVERLAP_MESSAGE)


class NoOverlappingMobilisations(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            schema_editor.execute(
                f"ALTER TABLE mobilisation_assignment ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
                "(staff_id WITH =, daterange(start_date, end_date, '[]') WITH &&) WHERE (state = 'approved')"
            )
        elif vendor == "sqlite":
            for event in ("INSERT", "UPDATE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {CONSTRAINT}_{event.lower()} BEFORE {event} ON mobilisation_assignment "
                    f"FOR EACH ROW BEGIN {SQLITE_CHECK} END"
                )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE mobilisation_assignment DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
        elif vendor == "sqlite":
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {CONSTRAINT}_{event}")

    def describe(self):
        return "No person in two overlapping approved mobilisations (database-enforced)"


class Migration(migrations.Migration):
    dependencies = [("mobilisation", "0001_initial")]

    operations = [NoOverlappingMobilisations()]
