"""Reads of contacts: the triage queue and who may see what."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts import access
from accounts.models import MASH_ROLES

from .models import Contact

AGE_BANDS = {"0-4": (0, 4), "5-9": (5, 9), "10-15": (10, 15), "16-17": (16, 17)}


FULL, REFERRER = access.CONTACT_FULL, access.CONTACT_REFERRER


def contact_view(user, contact: Contact) -> access.ContactAccess:
    """What this user may see of a contact: the access policy decides (`access.decide_contact`)."""
    return access.decide_contact(user, contact)


COUNT_CAP = 1000  # counts above this are shown as "more than 1,000" (see capped_count)


front_door_agency_ids = access.front_door_agency_ids


def queue_for(user):
    """Open contacts held by the user's front door (MASH) or, for a CSC team, routed to it.

    MASH's queue filters on the contact's own agency_id (not a join on the
    agency's authority) so PostgreSQL reads the partial index contact_triage_idx
    (agency, rag_rank, decision_due_at, received_at, id WHERE open) in order and
    stops after one page, whatever the size of the queue. Only contacts about
    children the user may see are listed (a restricted child's contact is its
    allocated worker's team's to handle, see services.receive_contact).
    """
    if user.role in MASH_ROLES and user.agency_id:
        ids = front_door_agency_ids(user)
        if not ids:
            return Contact.objects.none()
        held = Q(agency_id=ids[0]) if len(ids) == 1 else Q(agency_id__in=ids)
        return access.mash_queue_contacts(user, Contact.objects.filter(held, status=Contact.Status.OPEN))
    elif user.team_id:
        held = Q(team_id=user.team_id)
    else:
        return Contact.objects.none()
    return access.visible_contacts(user, Contact.objects.filter(held, status=Contact.Status.OPEN))


def triage_queue(*, user, rag=None, due=None, allocation=None, age_band=None, now=None):
    """The triage screen: sorted by RAG then decision due time, with the filters it offers.

    The query count does not grow with the queue, and the sort and filters use
    the contact's own indexed columns (RAG rank, decision due), not a join.
    """
    now = now or timezone.now()
    contacts = queue_for(user).select_related("child", "allocated_to").annotate(decision_due=F("decision_due_at"))
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
