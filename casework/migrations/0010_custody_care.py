# Written by hand: the care of a child in youth detention (casework/models/custody_care.py)
# and the protocol's switch for Somerset's local custody clocks (JointWorkingProtocol.custody_local_clocks).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ONE_CUSTODY = models.Q(
    models.Q(("order__isnull", True), ("remand__isnull", False)),
    models.Q(("order__isnull", False), ("remand__isnull", True)),
    _connector="OR",
)


def share_custody_care_where_remands_are_shared(apps, schema_editor):
    """A saved protocol lists the sections CSC reads; the new one follows the remand section it
    grew out of (looked after reviews and visits are CSC's own duties, 000 ¶19.3, ¶20.2)."""
    Protocol = apps.get_model("casework", "JointWorkingProtocol")
    for protocol in Protocol.objects.all():
        reads = list(protocol.csc_reads or [])
        if "remand" in reads and "custody_care" not in reads:
            protocol.csc_reads = reads + ["custody_care"]
            protocol.save(update_fields=["csc_reads"])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0009_legal_basis_and_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="jointworkingprotocol",
            name="custody_local_clocks",
            field=models.BooleanField(
                default=False,
                help_text="Somerset's local custody clocks: the custody planning meeting (10 working days) and the joint CSC and youth justice visit (7 working days)",
            ),
        ),
        migrations.CreateModel(
            name="LookedAfterReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("held_on", models.DateField()),
                ("chair_name", models.CharField(blank=True, max_length=200)),
                ("child_attended", models.BooleanField()),
                ("decisions", models.TextField()),
                ("next_review_on", models.DateField(blank=True, null=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("chair", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="looked_after_reviews", to="casework.child")),
                ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("order", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="looked_after_reviews", to="casework.youthjusticeorder")),
                ("remand", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="looked_after_reviews", to="casework.remand")),
            ],
            options={
                "ordering": ["-held_on", "-id"],
                "constraints": [
                    models.CheckConstraint(condition=ONE_CUSTODY, name="lac_review_one_custody"),
                    models.CheckConstraint(
                        condition=models.Q(("next_review_on__isnull", True), ("next_review_on__gt", models.F("held_on")), _connector="OR"),
                        name="lac_review_next_after_held",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CustodyVisit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("statutory", "Statutory visit by children's social care"), ("joint", "Joint visit by children's social care and youth justice")], max_length=10)),
                ("visited_on", models.DateField()),
                ("csc_visitor", models.CharField(blank=True, help_text="The social worker (or FIS worker) who visited", max_length=200)),
                ("cyjs_visitor", models.CharField(blank=True, help_text="The youth justice worker who visited", max_length=200)),
                ("child_seen_alone", models.BooleanField(null=True)),
                ("notes", models.TextField(blank=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="custody_visits", to="casework.child")),
                ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("order", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="custody_visits", to="casework.youthjusticeorder")),
                ("remand", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="custody_visits", to="casework.remand")),
            ],
            options={
                "ordering": ["-visited_on", "-id"],
                "constraints": [
                    models.CheckConstraint(condition=ONE_CUSTODY, name="custody_visit_one_custody"),
                    models.CheckConstraint(condition=models.Q(("csc_visitor", ""), _negated=True), name="custody_visit_has_csc_visitor"),
                    models.CheckConstraint(
                        condition=models.Q(models.Q(("kind", "joint"), _negated=True), models.Q(("cyjs_visitor", ""), _negated=True), _connector="OR"),
                        name="joint_visit_has_cyjs_visitor",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="BailPackageReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reviewed_on", models.DateField()),
                ("bail_could_be_offered", models.BooleanField()),
                ("package_proposed", models.TextField(blank=True)),
                ("csc_consulted", models.BooleanField(default=False, help_text="Considered with children's social care (000 ¶19.2)")),
                ("next_hearing_on", models.DateField(blank=True, null=True)),
                ("next_review_on", models.DateField(blank=True, null=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="bail_package_reviews", to="casework.child")),
                ("remand", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="bail_package_reviews", to="casework.remand")),
                ("reviewed_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-reviewed_on", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(models.Q(("bail_could_be_offered", True), _negated=True), models.Q(("package_proposed", ""), _negated=True), _connector="OR"),
                        name="bail_offered_has_package",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CustodyPlanningMeeting",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("held_on", models.DateField()),
                ("attendees", models.TextField()),
                ("decisions", models.TextField(blank=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("child", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="custody_planning_meetings", to="casework.child")),
                ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("order", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="planning_meeting", to="casework.youthjusticeorder")),
            ],
            options={"ordering": ["-held_on", "-id"]},
        ),
        migrations.RunPython(share_custody_care_where_remands_are_shared, migrations.RunPython.noop),
    ]
