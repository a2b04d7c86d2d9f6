"""Load the timescale rules from notifications/data/timescales.toml."""

from django.db import migrations


def load(apps, schema_editor):
    from notifications.rules import sync_rules

    sync_rules(apps.get_model("notifications", "TimescaleRule"), apps.get_model("accounts", "Authority"))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_timescales_and_deadlines"),
        ("accounts", "0004_alter_user_role"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
