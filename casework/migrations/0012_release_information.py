"""What the child has been told about release (Somerset, seed 003 L189–199, S-T11), and the custody
clocks switch's help text now naming it. Written by hand."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0011_new_to_cyjs"),
    ]

    operations = [
        migrations.AddField(
            model_name="youthjusticeorder",
            name="release_information",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="jointworkingprotocol",
            name="custody_local_clocks",
            field=models.BooleanField(
                default=False,
                help_text="Somerset's local custody clocks: the custody planning meeting (10 working days), the joint CSC and youth justice visit (7 working days) and telling the child the nine release items (14 days before release)",
            ),
        ),
    ]
