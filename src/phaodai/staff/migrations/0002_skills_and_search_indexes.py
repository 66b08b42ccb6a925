from django.db import migrations

from phaodai.core.text import fold

SKILLS = [
    ("medical", "Chuyên môn y tế", "Medical"),
    ("sampling", "Lấy mẫu xét nghiệm", "Sample taking"),
    ("data_entry", "Nhập liệu", "Data entry"),
    ("it", "Công nghệ thông tin", "IT"),
    ("driving", "Lái xe", "Driving"),
    ("logistics", "Hậu cần", "Logistics"),
    ("communication", "Tuyên truyền, vận động", "Public communication"),
    ("khmer", "Tiếng Khmer", "Khmer language"),
]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("staff", "Skill")
    for code, name, name_en in SKILLS:
        Skill.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "search_name": fold(name)})


class TrigramIndexes(migrations.operations.base.Operation):
    """Trigram GIN indexes make `LIKE '%nguyen van an%'` an index scan on PostgreSQL; SQLite needs none."""

    reduces_to_sql = True
    reversible = True
    INDEXES = [
        ("staff_staffmember", "search_name", "staff_search_name_trgm"),
        ("places_agency", "search_name", "agency_search_name_trgm"),
        ("places_adminunit", "search_name", "adminunit_search_name_trgm"),
    ]

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column, name in self.INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for _table, _column, name in self.INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    def describe(self):
        return "Trigram indexes on search names (PostgreSQL only)"


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial"), ("places", "0001_initial")]

    operations = [
        migrations.RunPython(add_skills, migrations.RunPython.noop),
        TrigramIndexes(),
    ]
