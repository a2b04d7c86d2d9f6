"""The conferences and reviews a conference chair / IRO chairs, with the date each is due by.

An initial conference is due by the enquiry's `icpc` clock, a review by the plan's `cp_review_*`
clock and a transfer-in conference by its own (casework.conference.services); a looked after
review of a child in custody is due on the date the last one set (`next_review_on`).
"""

from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts import access
from casework.models import ChildProtectionConference, ChildProtectionPlan, LookedAfterReview, Section47Enquiry
from notifications.selectors import next_open_clock_due
from notifications.timescales import moment_text

from .items import WorkItem, due_label

REVIEW_CLOCKS = ("cp_review_first", "cp_review_next")


def conference_items(user, *, now=None) -> list[WorkItem]:
    now = now or timezone.now()
    visible = access.visible_children(user).values("pk")
    conferences = (
        ChildProtectionConference.objects.filter(
            chair=user, status=ChildProtectionConference.Status.SCHEDULED, child__in=visible
        )
        .annotate(
            clock_due=Coalesce(
                next_open_clock_due(Section47Enquiry, ("icpc",), subject_ref="enquiry_id"),
                next_open_clock_due(ChildProtectionPlan, REVIEW_CLOCKS, subject_ref="plan_id"),
                next_open_clock_due(ChildProtectionConference, ("transfer_in_conference",)),
            )
        )
        .select_related("child")
    )
    return [_conference_item(c, now) for c in conferences] + _looked_after_review_items(user, visible, now)


def _conference_item(conference, now) -> WorkItem:
    """Listed by the date it is arranged for (a chair's diary), else the date it is due by."""
    due = conference.clock_due
    when = f"Arranged for {moment_text(conference.scheduled_for)}" if conference.scheduled_for else "No date set yet"
    if due is not None:
        when += f"; due by {due_label(None, due)}"
    return WorkItem(
        kind="conference",
        title=f"Chair the {conference.get_kind_display().lower()}",
        url=reverse("conference-detail", args=[conference.pk]),
        child_id=conference.child_id,
        child_name=conference.child.full_name,
        due_at=conference.scheduled_for or due,
        overdue=due is not None and due <= now,
        detail=when,
        since=conference.created_at,
    )


def _looked_after_review_items(user, visible, now) -> list[WorkItem]:
    """The next review after the latest one this IRO chaired for each child."""
    later = LookedAfterReview.objects.filter(child=OuterRef("child"), held_on__gt=OuterRef("held_on"))
    reviews = (
        LookedAfterReview.objects.filter(chair=user, next_review_on__isnull=False, child__in=visible)
        .filter(~Q(Exists(later)))
        .select_related("child")
    )
    items = []
    for r in reviews:
        assert r.next_review_on is not None  # filtered above
        due_at = timezone.make_aware(datetime.combine(r.next_review_on, time.max))
        items.append(
            WorkItem(
                kind="conference",
                title="Chair the next looked after review",
                url=reverse("child-detail", args=[r.child_id]),
                child_id=r.child_id,
                child_name=r.child.full_name,
                due_at=due_at,
                due_date=r.next_review_on,
                overdue=due_at <= now,
                detail=f"Last review {r.held_on:%-d %b %Y}",
                since=r.created_at,
            )
        )
    return items
