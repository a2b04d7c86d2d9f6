"""A child new to CYJS (the intake from police custody or a prevention referral) and the PACE transfer
lead (seed 000 ¶12.2). Written by hand."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0010_custody_care"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="jointworkingprotocol",
            name="pace_transfer_lead",
            field=models.ForeignKey(
                blank=True,
                help_text="The CYJS manager told when a child stays in police custody instead of moving to accommodation. "
                "Leave empty to tell the recording worker's team manager.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="PACE transfer lead",
            ),
        ),
    ]
