"""Contact consent: "could not contact the family" (seed 000 L2601: say why consent was not obtained,
e.g. "unable to contact family"). The column grows to fit the new value."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0004_pg_trgm")]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="consent",
            field=models.CharField(
                choices=[
                    ("given", "Given"),
                    ("refused", "Refused"),
                    ("not_sought", "Not sought: asking would put the child at risk or harm a police investigation"),
                    ("uncontactable", "Could not contact the family"),
                ],
                default="given",
                max_length=20,
            ),
        ),
    ]
