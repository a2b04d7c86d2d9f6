"""Load the threshold frameworks from thresholds/data/ (the same loader as `load_thresholds`)."""

from django.db import migrations


def load(apps, schema_editor):
    from thresholds.services import sync_frameworks

    sync_frameworks(
        framework_model=apps.get_model("thresholds", "Framework"),
        level_model=apps.get_model("thresholds", "Level"),
        domain_model=apps.get_model("thresholds", "Domain"),
        indicator_model=apps.get_model("thresholds", "Indicator"),
    )


class Migration(migrations.Migration):
    dependencies = [("thresholds", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
