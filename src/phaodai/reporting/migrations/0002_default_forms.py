"""Version 1 of the default daily forms (reporting.default_forms), so a new deployment can report at once."""

from django.db import migrations


def load(apps, schema_editor):
    from phaodai.reporting.default_forms import install_default_forms

    install_default_forms(apps.get_model("reporting", "ReportForm"), apps.get_model("reporting", "ReportFormVersion"))


def unload(apps, schema_editor):
    apps.get_model("reporting", "ReportForm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
