"""Reads for the HSB hub, scoped by the access policy and the joint working protocol
(casework.justice.sharing: Section.HSB)."""


from accounts import access
from notifications.selectors import deadlines_of

from ..justice.sharing import Section, may_read_section
from ..models import HsbConsultation
from . import services

CLOCK_TITLES = {services.AIM_CLOCK: "Complete the AIM assessment (45 working days from the first meeting with the child)"}


def consultations_for(user):
    """Consultations of children the user may see; none at all for a user who may not read the hub's section."""
    if not user.is_authenticated or not may_read_section(user, Section.HSB):
        return HsbConsultation.objects.none()
    return HsbConsultation.objects.filter(child__in=access.visible_children(user)).select_related(
        "child", "requested_by", "aim_practitioner", "qa_cyjs_manager", "qa_csc_manager"
    )


def detail_query():
    return HsbConsultation.objects.select_related(
        "child", "requested_by__agency__authority", "requested_by__line_manager", "aim_practitioner__agency",
        "qa_cyjs_manager", "qa_csc_manager",
    )


def clocks_of(consultation):
    """The consultation's deadlines (newest first), each with `title`, `due` text and `overdue`."""
    return deadlines_of(consultation, CLOCK_TITLES)


def aim_practitioners(user):
    """Active CYJS practitioners and managers of the user's authority, to pick the AIM practitioner from."""
    from accounts.models import Agency, User

    users = User.objects.filter(is_active=True, agency__kind=Agency.Kind.CYJS).select_related("agency")
    if user.authority is not None:
        users = users.filter(agency__authority=user.authority)
    return users.order_by("last_name", "first_name", "pk")


def step_writers(consultation) -> dict:
    """Who recorded each step, from the access log's write rows (the model keeps no author per step):
    {"request": user, "consultation": user, ...}."""
    from django.db.models import Q

    from accounts.models import AccessEvent, User

    tag = f"consultation {consultation.pk}"
    rows = (
        AccessEvent.objects.filter(child_id=consultation.child_id, action=AccessEvent.Action.WRITE,
                                   what__startswith=f"{services.WHAT}:", outcome=AccessEvent.Outcome.ALLOWED)
        .filter(Q(detail=tag) | Q(detail__startswith=f"{tag},"))
        .order_by("occurred_at", "id")
        .values_list("what", "user_id")
    )
    rows = list(rows)
    users = User.objects.in_bulk({user_id for _, user_id in rows if user_id})
    writers = {}
    for what, user_id in rows:
        writers.setdefault(what.split(":", 1)[1], users.get(user_id))
    return writers
