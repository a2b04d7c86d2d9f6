"""CSC's stay-open period after custody (000 ¶20.5) becomes a yes/no protocol setting, the months
being the timescale rule's; involvements can be closed (who closed, why, optimistic locking)."""

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


def months_to_flag(apps, schema_editor):
    Protocol = apps.get_model("casework", "JointWorkingProtocol")
    Protocol.objects.filter(csc_open_after_custody_months__gt=0).update(csc_stays_open_after_custody=True)
    Protocol.objects.filter(csc_open_after_custody_months=0).update(csc_stays_open_after_custody=False)


def flag_to_months(apps, schema_editor):
    Protocol = apps.get_model("casework", "JointWorkingProtocol")
    Protocol.objects.filter(csc_stays_open_after_custody=True).update(csc_open_after_custody_months=3)
    Protocol.objects.filter(csc_stays_open_after_custody=False).update(csc_open_after_custody_months=0)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_prevention_hsb_incidents_lead_agency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="jointworkingprotocol",
            name="csc_stays_open_after_custody",
            field=models.BooleanField(
                default=True,
                help_text="Children's social care stays open after a DTO or section 250 sentence where it was "
                "significantly involved (for how long: the timescale rule csc_open_after_custody)",
            ),
        ),
        migrations.RunPython(months_to_flag, flag_to_months),
        migrations.RemoveField(model_name="jointworkingprotocol", name="csc_open_after_custody_months"),
        migrations.AddField(
            model_name="involvement",
            name="closed_by",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(model_name="involvement", name="closure_reason", field=models.TextField(blank=True)),
        migrations.AddField(model_name="involvement", name="version", field=models.PositiveIntegerField(default=1)),
    ]
