"""Reads for court appearances and remands, always scoped by the access policy and the joint
working protocol: visible children only, and nothing at all for a section the reader may not read."""

from accounts import access
from notifications.models import Deadline
from notifications.selectors import deadlines_of

from ..justice.sharing import Section, may_read_section
from ..models import CourtAppearance, Remand

CLOCK_TITLES = {
    "placement_planning_meeting": "Placement planning meeting",
    "cla_notifications": "Tell the health CLA team, pupil access team and IRO service",
}


def court_appearances_for(user):
    if not user.is_authenticated or not may_read_section(user, Section.COURT):
        return CourtAppearance.objects.none()
    return CourtAppearance.objects.filter(child__in=access.visible_children(user)).select_related(
        "child", "agency", "created_by"
    )


def remands_for(user):
    if not user.is_authenticated or not may_read_section(user, Section.REMAND):
        return Remand.objects.none()
    return Remand.objects.filter(child__in=access.visible_children(user)).select_related(
        "child", "appearance", "created_by"
    )


def clocks_of(remand):
    """The remand's own clocks (newest first), each with a `title`, `due` text and `overdue`. The care
    in custody clocks that also run on a remand to youth detention are the custody care section's."""
    return deadlines_of(remand, CLOCK_TITLES, tuple(CLOCK_TITLES))


def open_clock(remand, code):
    return next((d for d in clocks_of(remand) if d.rule_code == code and d.status in Deadline.OPEN_STATUSES), None)
