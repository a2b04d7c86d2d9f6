# Written by hand: the legal basis of a looked-after involvement, the
# involvement an order or a prevention referral opened, who recorded each HSB hub step, and the
# court attendance rule per authority.
import django.db.models.deletion
from django.db import migrations, models

REMAND_BASIS = {"local_authority": "remand_la", "bail_to_reside": "bail_to_reside", "youth_detention": "remand_yda"}
ORDER_INVOLVEMENT = {
    "community_resolution": "yj_diversion", "youth_caution": "yj_diversion", "youth_conditional_caution": "yj_diversion",
    "dto": "yj_custody", "s250": "yj_custody",
}


def backfill(apps, schema_editor):
    """A looked-after involvement a remand opened takes the remand's kind as its basis (others stay
    blank: not recorded); an order is linked to the CYJS involvement of its kind open on its date;
    a court hearing of a looked-after child expected CSC there (the rule before this change)."""
    Remand = apps.get_model("casework", "Remand")
    Involvement = apps.get_model("casework", "Involvement")
    YouthJusticeOrder = apps.get_model("casework", "YouthJusticeOrder")
    CourtAppearance = apps.get_model("casework", "CourtAppearance")
    for remand in Remand.objects.filter(cla_involvement__isnull=False).select_related("cla_involvement"):
        inv = remand.cla_involvement
        if inv.kind == "cla" and not inv.legal_basis:
            inv.legal_basis = REMAND_BASIS.get(remand.kind, "")
            inv.save(update_fields=["legal_basis"])
    for order in YouthJusticeOrder.objects.filter(involvement__isnull=True):
        kind = ORDER_INVOLVEMENT.get(order.kind, "yj_court_order")
        inv = (
            Involvement.objects.filter(child_id=order.child_id, agency_id=order.agency_id, kind=kind, start__lte=order.made_on)
            .filter(models.Q(end__isnull=True) | models.Q(end__gte=order.made_on))
            .order_by("-start", "-id")
            .first()
        )
        if inv is not None:
            order.involvement = inv
            order.save(update_fields=["involvement"])
    CourtAppearance.objects.filter(child_looked_after=True).update(csc_attendance_expected=True)


class Migration(migrations.Migration):
    dependencies = [("casework", "0008_protocol_settings")]

    operations = [
        migrations.AddField(
            model_name="involvement",
            name="legal_basis",
            field=models.CharField(
                blank=True,
                default="",
                max_length=20,
                choices=[
                    ("section_20", "Accommodated by agreement (section 20)"),
                    ("interim_care_order", "Interim care order (section 38)"),
                    ("care_order", "Care order (section 31)"),
                    ("remand_la", "Remanded to local authority accommodation"),
                    ("bail_to_reside", "Bailed to live where the authority directs"),
                    ("remand_yda", "Remanded to youth detention accommodation"),
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="involvement",
            constraint=models.CheckConstraint(
                condition=models.Q(kind="cla") | models.Q(legal_basis=""), name="only_looked_after_has_legal_basis"
            ),
        ),
        migrations.AddField(
            model_name="youthjusticeorder",
            name="involvement",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                related_name="youth_justice_orders", to="casework.involvement",
            ),
        ),
        migrations.AddField(
            model_name="preventionreferral",
            name="involvement",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                related_name="prevention_referrals", to="casework.involvement",
            ),
        ),
        migrations.AddField(
            model_name="hsbconsultation",
            name="history",
            field=models.JSONField(blank=True, default=list, help_text="Each step: who recorded it and when"),
        ),
        migrations.AddField(
            model_name="jointworkingprotocol",
            name="csc_attends_court",
            field=models.CharField(
                choices=[("looked_after", "With any looked-after child"), ("care_order", "Only under an interim or full care order")],
                default="looked_after",
                max_length=15,
            ),
        ),
        migrations.AddField(
            model_name="courtappearance",
            name="csc_attendance_expected",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
