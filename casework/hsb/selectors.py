"""Reads for the HSB hub, scoped by the access policy and the joint working protocol
(casework.justice.sharing: Section.HSB)."""

from dataclasses import dataclass
from datetime import datetime

from accounts import access
from accounts.models import Agency, User
from notifications.selectors import deadlines_of

from ..justice.sharing import Section, may_read_section
from ..models import HsbConsultation
from . import services

CLOCK_TITLES = {
    services.AIM_CLOCK: "Complete the AIM assessment (45 working days from the first meeting with the child)"
}


def consultations_for(user):
    """Consultations of children the user may see; none at all for a user who may not read the hub's section."""
    if not user.is_authenticated or not may_read_section(user, Section.HSB):
        return HsbConsultation.objects.none()
    return HsbConsultation.objects.filter(child__in=access.visible_children(user)).select_related(
        "child", "requested_by", "aim_practitioner", "qa_cyjs_manager", "qa_csc_manager"
    )


def detail_query():
    return HsbConsultation.objects.select_related(
        "child",
        "requested_by__agency__authority",
        "requested_by__line_manager",
        "aim_practitioner__agency",
        "qa_cyjs_manager",
        "qa_csc_manager",
    )


def clocks_of(consultation):
    """The consultation's deadlines (newest first), each with `title`, `due` text and `overdue`."""
    return deadlines_of(consultation, CLOCK_TITLES)


def aim_practitioners(user):
    """Active CYJS practitioners and managers of the user's authority, to pick the AIM practitioner from."""
    users = User.objects.filter(is_active=True, agency__kind=Agency.Kind.CYJS).select_related("agency")
    if user.authority is not None:
        users = users.filter(agency__authority=user.authority)
    return users.order_by("last_name", "first_name", "pk")


@dataclass(frozen=True)
class Recorded:
    """Who recorded a step (None if their account is gone) and when."""

    step: str
    by_id: int | None
    by: object
    at: datetime


def step_recorders(consultation) -> list[Recorded]:
    """Each step in the consultation's history, oldest first, with the user who recorded it looked
    up now (one query): the history keeps the user id only."""
    entries = list(consultation.history or [])
    users = User.objects.in_bulk({e.get("by") for e in entries if e.get("by")})
    return [
        Recorded(e.get("step", ""), e.get("by"), users.get(e.get("by")), datetime.fromisoformat(e["at"]))
        for e in entries
        if e.get("at")
    ]
