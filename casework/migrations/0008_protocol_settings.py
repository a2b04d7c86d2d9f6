"""The joint working protocol's disagreement settings (somerset-vs-lancashire §1.15, C13, R14): the
escalation ladder and whether disagreements go on the child's record; each disagreement keeps the
ladder it started on. Existing disagreements get Lancashire's four stages (the only ladder so far)."""

from django.db import migrations, models

import casework.models.justice


def copy_default_ladder(apps, schema_editor):
    Disagreement = apps.get_model("casework", "JointWorkingDisagreement")
    Disagreement.objects.filter(steps=[]).update(steps=casework.models.justice.default_disagreement_ladder())


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_waiting_period")]

    operations = [
        migrations.AddField(
            model_name="jointworkingprotocol",
            name="disagreement_ladder",
            field=models.JSONField(
                blank=True,
                default=casework.models.justice.default_disagreement_ladder,
                help_text='Escalation steps, in order: [{"label": ..., "roles": ["team_manager"], "side": "other"}]. '
                "Side: other, raising, csc or cyjs.",
            ),
        ),
        migrations.AddField(
            model_name="jointworkingprotocol",
            name="disagreements_on_record",
            field=models.BooleanField(default=False, help_text="Show joint working disagreements on the child's chronology"),
        ),
        migrations.AddField(
            model_name="jointworkingdisagreement",
            name="steps",
            field=models.JSONField(blank=True, default=list, help_text="The escalation steps this disagreement follows"),
        ),
        migrations.AlterField(
            model_name="jointworkingdisagreement",
            name="stage",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(copy_default_ladder, migrations.RunPython.noop),
    ]
