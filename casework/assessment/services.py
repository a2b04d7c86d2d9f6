"""The single assessment and the child in need plan (seed 001 L1683–1833, L1903–1917; domain notes §1.4)."""

from django.db import transaction
from django.utils import timezone

from notifications.clocks import start_clock

from ..models import Assessment, ChildInNeedPlan
from ..recording import log_write


@transaction.atomic
def open_assessment(*, child, by, contact=None, referral_received_at=None, social_worker=None, agency=None) -> Assessment:
    """Open an assessment. From a contact, the contact's 45-working-day clock (started by the
    front door at the point of referral) is the assessment's clock; otherwise one starts here."""
    received = contact.received_at if contact is not None else (referral_received_at or timezone.now())
    assessment = Assessment.objects.create(
        child=child,
        contact=contact,
        referral_received_at=received,
        started_on=timezone.localdate(),
        social_worker=social_worker,
        created_by=by,
    )
    if contact is None:
        start_clock("assessment", assessment, child=child, started_at=received, responsible=social_worker, agency=agency)
    log_write(by, child, "assessment:open")
    return assessment


@transaction.atomic
def start_cin_plan(*, child, by, assessment=None, section_47_enquiry=None, lead_social_worker=None) -> ChildInNeedPlan:
    """Start a child in need plan, or return the one already active."""
    active = ChildInNeedPlan.objects.filter(child=child, status=ChildInNeedPlan.Status.ACTIVE).first()
    if active:
        return active
    plan = ChildInNeedPlan.objects.create(
        child=child,
        assessment=assessment,
        section_47_enquiry=section_47_enquiry,
        started_on=timezone.localdate(),
        lead_social_worker=lead_social_worker,
        created_by=by,
    )
    log_write(by, child, "cin-plan:start")
    return plan
