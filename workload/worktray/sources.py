"""The worktray's own rows: deadlines, escalations, new allocations, notices, emergency accesses
to review, identity matches and (for MASH) contacts allocated to the worker.

Each source is one or two queries whatever the number of rows, and lists only children the user
may open (accounts.access): a row about a child they may not see is left out, or (an emergency
access to review) shown without the child.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import access
from accounts.models import MASH_ROLES
from accounts.services import break_glass_to_review
from casework.intake.matching import matches_to_confirm
from casework.models import Allocation
from notifications.clocks import date_label
from notifications.models import Deadline, DeadlineNotice
from notifications.selectors import AMBER, RED, WAITING, deadlines_visible_to, with_rag
from referrals import selectors as contact_selectors

from .items import WorkItem

NEW_ALLOCATION_DAYS = 14

# The page that does the work a clock waits for, by the clock's subject: "app_label.model" -> URL name.
SUBJECT_PAGES = {
    "casework.assessment": "assessment-detail",
    "casework.childinneedplan": "cin-plan-detail",
    "casework.childprotectionconference": "conference-detail",
    "casework.childprotectionplan": "cp-plan-detail",
    "casework.strategydiscussion": "strategy-discussion-detail",
    "casework.section47enquiry": "section-47-detail",
    "casework.courtappearance": "court-appearance-detail",
    "casework.remand": "remand-detail",
    "casework.custodyepisode": "custody-detail",
    "casework.youthjusticeorder": "order-detail",
    "casework.preventionreferral": "prevention-referral-detail",
    "casework.hsbconsultation": "hsb-consultation-detail",
    "casework.seriousincident": "serious-incident-detail",
    "casework.leadagencydecision": "lead-agency-detail",
    "casework.jointworkingdisagreement": "joint-disagreement-detail",
    "referrals.contact": "contact-detail",
}


def subject_page(deadline) -> str:
    """The record page of the deadline's subject, else the deadlines on the child's record."""
    content_type = ContentType.objects.get_for_id(deadline.subject_type_id)  # cached per process
    name = SUBJECT_PAGES.get(f"{content_type.app_label}.{content_type.model}")
    if name:
        try:
            return reverse(name, args=[deadline.subject_id])
        except NoReverseMatch:
            pass
    return reverse("child-detail", args=[deadline.child_id]) + "#deadlines"


def deadlines_watched_by(user, prefix="") -> Q:
    """The deadlines on a user's worktray: their own and, for a manager, their team's (as before)."""
    mine = Q(**{f"{prefix}responsible": user})
    if user.is_manager:
        mine |= Q(**{f"{prefix}responsible__team__manager": user}) | Q(**{f"{prefix}responsible__line_manager": user})
    return mine


def _deadline_item(deadline, kind="deadline", show_worker=True) -> WorkItem:
    title = deadline.rule.title
    worker = deadline.responsible
    detail = "" if not show_worker else worker.display_name if worker is not None else "Not allocated"
    return WorkItem(
        kind=kind,
        title=title,
        url=subject_page(deadline),
        child_id=deadline.child_id,
        child_name=deadline.child.full_name,
        due_at=deadline.due_at,
        due_date=deadline.due_date,
        overdue=deadline.rag == RED,
        due_soon=deadline.rag == AMBER,
        waiting=deadline.rag == WAITING,
        due_text=date_label(deadline),
        detail=detail,
        since=deadline.started_at,
    )


def deadline_items(user, *, now=None) -> list[WorkItem]:
    deadlines = deadlines_visible_to(
        user, Deadline.objects.filter(deadlines_watched_by(user), status__in=Deadline.OPEN_STATUSES)
    ).select_related("rule", "responsible", "child", "agency__authority")
    # A practitioner's own deadlines need no name; a manager's tray says whose each one is.
    return [_deadline_item(d, show_worker=user.is_manager) for d in with_rag(deadlines, now=now)]


def escalation_items(user, *, now=None) -> list[WorkItem]:
    """Still-open deadlines escalated to this user that are not already on their tray as their own or their team's."""
    notices = (
        DeadlineNotice.objects.filter(
            recipient=user, kind=DeadlineNotice.Kind.ESCALATION, deadline__status__in=Deadline.OPEN_STATUSES
        )
        .exclude(deadlines_watched_by(user, prefix="deadline__"))
        .filter(deadline__in=deadlines_visible_to(user).values("pk"))
        .select_related("deadline__rule", "deadline__responsible", "deadline__child", "deadline__agency__authority")
    )
    rows = list(notices)
    with_rag([n.deadline for n in rows], now=now)
    items = []
    for notice in rows:
        item = _deadline_item(notice.deadline, kind="escalation")
        item.since = notice.sent_at
        items.append(item)
    return items


def allocation_items(user, *, now=None) -> list[WorkItem]:
    now = now or timezone.now()
    allocations = Allocation.objects.filter(
        to_worker=user,
        allocated_at__gte=now - timedelta(days=NEW_ALLOCATION_DAYS),
        child__in=access.visible_children(user).values("pk"),
    ).select_related("child", "involvement", "allocated_by")
    return [
        WorkItem(
            kind="allocation",
            title=f"Allocated to you: {a.involvement.get_kind_display()}",
            url=reverse("child-detail", args=[a.child_id]),
            child_id=a.child_id,
            child_name=a.child.full_name,
            detail=f"By {a.allocated_by.display_name}: {a.reason}",
            since=a.allocated_at,
        )
        for a in allocations
    ]


def notice_items(user, *, now=None) -> list[WorkItem]:
    """Unread notices name no child of their own: the notice's page checks access when opened."""
    return [
        WorkItem(
            kind="notice",
            title=n.subject,
            url=reverse("notification-open", args=[n.pk]),
            detail=n.body,
            since=n.created_at,
            open_by_post=True,
        )
        for n in user.notifications.filter(read_at__isnull=True).order_by("-created_at")
    ]


def break_glass_items(user, *, now=None) -> list[WorkItem]:
    if not (user.is_manager or access.is_administrator(user)):
        return []
    records = list(break_glass_to_review(manager=user).filter(reviewed_at__isnull=True).select_related("child", "user"))
    visible = access.visible_child_ids(user, [r.child_id for r in records])
    return [
        WorkItem(
            kind="break_glass",
            title=f"Review {r.user.display_name}'s emergency access",
            url=reverse("break-glass-review", args=[r.pk]),
            child_id=r.child_id if r.child_id in visible else None,
            child_name=r.child.full_name if r.child_id in visible else "",
            detail=r.reason,
            since=r.started_at,
        )
        for r in records
    ]


def identity_match_items(user, *, now=None) -> list[WorkItem]:
    return [
        WorkItem(
            kind="identity_match",
            title=f"Confirm a match asked for by {m.agency.name}",
            url=reverse("identity-match", args=[m.pk]),
            child_id=m.child_id,
            child_name=m.child.full_name,
            since=m.requested_at,
        )
        for m in matches_to_confirm(fetched_by=user)
    ]


def contact_items(user, *, now=None) -> list[WorkItem]:
    """Open contacts allocated to a MASH user, from the triage queue so they match the MASH page."""
    if user.role not in MASH_ROLES:
        return []
    now = now or timezone.now()
    items = []
    for contact in contact_selectors.triage_queue(user=user, allocation="me", now=now):
        due = contact.decision_due_at
        rating = contact.get_rag_display() if contact.rag else "Not rated"
        items.append(
            WorkItem(
                kind="contact",
                title=f"Decide on a contact: {rating}",
                url=reverse("contact-detail", args=[contact.pk]),
                child_id=contact.child_id,
                child_name=contact.child.full_name,
                due_at=due,
                overdue=due is not None and due <= now,
                due_soon=due is not None and due <= now + timedelta(days=1),
                detail=f"Received {timezone.localtime(contact.received_at):%-d %b %Y, %H:%M}",
                since=contact.received_at,
                extra={"rag": contact.rag},
            )
        )
    return items
