"""Timescale rules get a kind: a deadline (the default) or a waiting period.

A waiting period is an earliest date, not a deadline (000 ¶20.5: CSC stays open 3 months
after a DTO/s250 sentence): the sweep reminds before it and marks it ended at its due moment,
and never sends a breach notice or escalates.

The kind decides nothing about a due date, and `csc_open_after_custody` has always been a
waiting period, so the rows already in the database (every version, every authority, which
running clocks point at) are corrected in place rather than given a new version: running
clocks keep their due dates and are treated rightly from now on (one the old sweep already
called missed is marked ended at its due moment). Then the rules are synced with the file as
usual: the rule's new stop wording ("CSC may close") makes a new version for clocks started from now.
"""

from django.db import migrations, models


def set_kinds(apps, schema_editor):
    from notifications.rules import read_rules_file, sync_rules

    rule_model = apps.get_model("notifications", "TimescaleRule")
    rules = read_rules_file()
    for (code, la_code), values in rules.items():
        kind = values.get("kind", "deadline")
        if kind != "deadline":
            rows = rule_model.objects.filter(code=code)
            rows = rows.filter(authority__la_code=la_code) if la_code else rows.filter(authority__isnull=True)
            rows.update(kind=kind)
            if kind == "waiting_period":
                # A waiting period the old sweep already called missed has simply ended.
                deadline_model = apps.get_model("notifications", "Deadline")
                for deadline in deadline_model.objects.filter(rule__in=rows, status="breached"):
                    deadline.status, deadline.met_at, deadline.next_action_at = "met", deadline.due_at, None
                    deadline.save(update_fields=["status", "met_at", "next_action_at"])
    sync_rules(rule_model, apps.get_model("accounts", "Authority"), rules)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_load_timescale_rules")]

    operations = [
        migrations.AddField(
            model_name="timescalerule",
            name="kind",
            field=models.CharField(
                choices=[("deadline", "Deadline"), ("waiting_period", "Waiting period")], default="deadline", max_length=20
            ),
        ),
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
    ]
