"""Reads of contacts: the triage queue and who may see what."""

from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts import access
from accounts.models import MASH_ROLES, Agency

from .models import Contact

AGE_BANDS = {"0-4": (0, 4), "5-9": (5, 9), "10-15": (10, 15), "16-17": (16, 17)}


FULL, REFERRER = "full", "referrer"


@dataclass(frozen=True)
class ContactView:
    level: str | None  # FULL: everything; REFERRER: status and outcome only; None: nothing
    decision: access.AccessDecision | None = None


def contact_view(user, contact: Contact) -> ContactView:
    """MASH roles see contacts in MASH in full; the referrer sees status and outcome;
    anyone else sees a contact only if they may see the child."""
    if user.role in MASH_ROLES and contact.agency_id and contact.agency.authority_id == (
        user.agency.authority_id if user.agency_id else None
    ):
        return ContactView(FULL, access.AccessDecision(True, access.Purpose.NORMAL))
    decision = access.decide(user, contact.child)
    if decision.allowed:
        return ContactView(FULL, decision)
    if contact.referrer_user_id == user.pk:
        return ContactView(REFERRER, access.AccessDecision(True, access.Purpose.NORMAL))
    return ContactView(None, decision)


COUNT_CAP = 1000  # counts above this are shown as "more than 1,000" (see capped_count)


def front_door_agency_ids(user) -> list[int]:
    """The MASH agencies of the user's authority (usually one), remembered on the user for the request."""
    ids = getattr(user, "_front_door_agency_ids", None)
    if ids is None:
        ids = list(
            Agency.objects.filter(authority_id=user.agency.authority_id, kind=Agency.Kind.MASH)
            .order_by("id")
            .values_list("id", flat=True)
        )
        user._front_door_agency_ids = ids
    return ids


def queue_for(user):
    """Open contacts held by the user's front door (MASH) or, for a CSC team, routed to it.

    MASH's queue filters on the contact's own agency_id (not a join on the
    agency's authority) so PostgreSQL reads the partial index contact_triage_idx
    (agency, rag_rank, decision_due_at, received_at, id WHERE open) in order and
    stops after one page, whatever the size of the queue.
    """
    if user.role in MASH_ROLES and user.agency_id:
        ids = front_door_agency_ids(user)
        held = Q(agency_id=ids[0]) if len(ids) == 1 else Q(agency_id__in=ids)
    elif user.team_id:
        held = Q(team_id=user.team_id)
    else:
        return Contact.objects.none()
    return Contact.objects.filter(held, status=Contact.Status.OPEN)


def triage_queue(*, user, rag=None, due=None, allocation=None, age_band=None, now=None):
    """The triage screen: sorted by RAG then decision due time, with the filters it offers.

    The query count does not grow with the queue, and the sort and filters use
    the contact's own indexed columns (RAG rank, decision due), not a join.
    """
    now = now or timezone.now()
    contacts = (
        queue_for(user)
        .select_related("child", "allocated_to")
        .annotate(decision_due=F("decision_due_at"))
    )
    # The rating filters on its sort rank (one to one with the rating), a range of the index.
    if rag in Contact.Rag.values:
        contacts = contacts.filter(rag_rank=Contact.RAG_RANKS[rag])
    elif rag == "unrated":
        contacts = contacts.filter(rag_rank=Contact.RAG_RANKS[""])
    if due == "overdue":
        contacts = contacts.filter(decision_due__lte=now)
    elif due == "today":
        end_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        contacts = contacts.filter(decision_due__lte=end_of_today)
    if allocation == "me":
        contacts = contacts.filter(allocated_to=user)
    elif allocation == "unallocated":
        contacts = contacts.filter(allocated_to__isnull=True)
    if age_band in AGE_BANDS:
        youngest, oldest = AGE_BANDS[age_band]
        today = timezone.localdate(now)
        contacts = contacts.filter(
            child__date_of_birth__lte=today - relativedelta(years=youngest),
            child__date_of_birth__gt=today - relativedelta(years=oldest + 1),
        )
    return contacts.order_by("rag_rank", "decision_due_at", "received_at", "id")


def capped_count(queryset, cap=None) -> int:
    """The number of rows, counting no further than cap + 1 (so "more than cap" when it returns cap + 1).

    An exact COUNT reads every open contact; on a queue of 100,000 that costs
    more than the page itself, and grows with the queue.
    """
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by()[: cap + 1].count()


def breach_count(*, user, now=None, cap=None) -> int:
    """Open contacts past their decision time; with cap, at most cap + 1 (meaning "more than cap")."""
    now = now or timezone.now()
    overdue = queue_for(user).filter(decision_due_at__lte=now)
    if cap is not None:
        return capped_count(overdue.values("id"), cap)
    return overdue.aggregate(n=Count("id"))["n"]


def my_referrals(*, user):
    return Contact.objects.filter(referrer_user=user).select_related("child", "decision").order_by("-received_at")
