"""Reads for prevention and diversion referrals, scoped by the access policy in SQL (visible children
only) and dropped entirely for a reader who may not read the prevention section
(casework.justice.sharing)."""

from accounts import access
from notifications.selectors import label_deadlines

from ..justice.sharing import Section, may_read_section
from ..models import PreventionReferral
from . import services


def referrals_for(user):
    """Referrals of children the user may see; none at all for a user who may not read prevention."""
    if not getattr(user, "is_authenticated", False) or not may_read_section(user, Section.PREVENTION):
        return PreventionReferral.objects.none()
    return PreventionReferral.objects.filter(child__in=access.visible_children(user)).select_related("child", "agency")


def clocks_of(referral):
    """The follow-up deadlines, first first, each with `title`, `due` text and `overdue` (PP6)."""
    rows = label_deadlines(list(services.follow_up_clocks(referral).order_by("anchor_at", "id")))
    for number, row in enumerate(rows):
        row.title = (
            "Check in with the receiving agency at 6 weeks"
            if number == 0
            else "Check in with the receiving agency at 12 weeks"
        )
    return rows


def child_referrals(child):
    """The child's prevention and diversion referrals, newest first."""
    return PreventionReferral.objects.filter(child=child).order_by("-received_on", "-id")
