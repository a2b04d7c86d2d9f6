"""Which records each Annex A list holds: one query a list, for one authority and period.

Each query reads the list's records with their child (select_related) and everything a row
needs as annotations (subqueries), so writing a list never reads per row, and it can be
streamed with `.iterator()`. The records are the authority's:
- contacts and referrals: received at one of its agencies (performance/sources.py's rule);
- involvements: with one of its children's social care agencies;
- assessments and section 47 enquiries: the social worker's agency, else the agency of whoever
  recorded them;
- child protection plans: performance/sources.py's `_plans` (the lead worker's agency, else the
  initial conference chair's).

Every child of the authority is in the lists, restricted or not: the people who may prepare
returns (accounts.access.may_prepare_returns) see identifiers, never names.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from accounts.models import Agency
from casework.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Involvement,
    LookedAfterReview,
    Section47Enquiry,
)
from casework.who_works_with import open_involvements
from performance.sources import RE_REFERRAL_WINDOW, REFERRAL_OUTCOMES
from performance.sources import _plans as authority_plans  # the project's one rule for whose plan it is
from referrals.models import Contact, Decision

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both days included, in UK time."""

    first: date
    last: date

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def __str__(self) -> str:
        return f"{self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}"


@dataclass(frozen=True)
class Scope:
    authority_id: int
    agency_ids: tuple[int, ...]
    csc_agency_ids: tuple[int, ...]

    @classmethod
    def of(cls, authority) -> "Scope":
        agencies = list(Agency.objects.filter(authority=authority).values_list("pk", "kind"))
        return cls(
            authority_id=authority.pk,
            agency_ids=tuple(pk for pk, _ in agencies),
            csc_agency_ids=tuple(pk for pk, kind in agencies if kind == Agency.Kind.CSC),
        )


def _year_before(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(OuterRef(field) - YEAR, output_field=DateField())


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """The number of rows of `queryset` (a correlated subquery), 0 when there are none."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def _allocated(scope: Scope) -> dict:
    """The row child's allocated social worker and their team now (casework.who_works_with rule 4:
    open children's social care involvements with an active worker, looked after first, then the
    lead agency's, then the latest opened)."""
    involvements = (
        open_involvements(OuterRef("child_id"), Agency.Kind.CSC)
        .filter(agency__authority_id=scope.authority_id)
        .filter(allocated_worker__isnull=False, allocated_worker__is_active=True)
        .order_by(
            Case(When(kind=Involvement.Kind.CLA, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-is_lead_agency",
            "-start",
            "-id",
        )
    )
    worker = Concat("allocated_worker__first_name", Value(" "), "allocated_worker__last_name")
    return {
        "f_team": Subquery(involvements.values("team__name")[:1]),
        "f_worker": Subquery(involvements.annotate(name=worker).values("name")[:1]),
    }


def _assessments(scope: Scope) -> QuerySet:
    return Assessment.objects.annotate(f_agency=Coalesce("social_worker__agency_id", "created_by__agency_id")).filter(
        f_agency__in=scope.agency_ids
    )


def _enquiries(scope: Scope) -> QuerySet:
    return Section47Enquiry.objects.annotate(
        f_agency=Coalesce("lead_social_worker__agency_id", "created_by__agency_id")
    ).filter(f_agency__in=scope.agency_ids)


def _open_in(queryset: QuerySet, period: Period, start: str, end: str) -> QuerySet:
    """Records open at any time in the period: started by its last day, not ended before its first."""
    after = period.starts_at if end.endswith("_at") else period.first
    return queryset.filter(**{f"{start}__lte": period.last}).filter(
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": after})
    )


def _referral_need(scope: Scope):
    """The primary need of the latest referral decision about the row child, by the episode's start."""
    decisions = (
        Decision.objects.filter(contact__child_id=OuterRef("child_id"), contact__agency_id__in=scope.agency_ids)
        .exclude(primary_need="")
        .filter(decided_at__date__lte=OuterRef("start"))
        .order_by("-decided_at", "-id")
    )
    return Subquery(decisions.values("primary_need")[:1])


def contacts(scope: Scope, period: Period) -> QuerySet:
    return (
        Contact.objects.filter(
            agency_id__in=scope.agency_ids, received_at__gte=period.starts_at, received_at__lt=period.ends_at
        )
        .select_related("child")
        .order_by("received_at", "id")
    )


def referrals(scope: Scope, period: Period) -> QuerySet:
    # The re-referral measure's rule (performance/sources.py re_referral_records), counted.
    earlier = Decision.objects.filter(
        contact__child_id=OuterRef("child_id"),
        contact__agency_id__in=scope.agency_ids,
        outcome__in=REFERRAL_OUTCOMES,
        decided_at__lt=OuterRef("decision__decided_at"),
        decided_at__gte=OuterRef("decision__decided_at") - RE_REFERRAL_WINDOW,
    ).exclude(contact_id=OuterRef("pk"))
    return (
        contacts(scope, period)
        .filter(decision__outcome__in=REFERRAL_OUTCOMES)
        .select_related("decision")
        .annotate(f_earlier=_count(earlier, "contact__child_id"), **_allocated(scope))
    )


def assessments(scope: Scope, period: Period) -> QuerySet:
    return (
        _open_in(_assessments(scope), period, "started_on", "signed_off_at")
        .select_related("child", "social_worker__team")
        .annotate(**_allocated(scope))
        .order_by("started_on", "id")
    )


def section_47(scope: Scope, period: Period) -> QuerySet:
    initial = ChildProtectionConference.objects.filter(
        kind=ChildProtectionConference.Kind.INITIAL, status=ChildProtectionConference.Status.HELD
    )
    this_icpc = initial.filter(enquiry=OuterRef("pk")).order_by("held_at", "id")
    earlier_enquiries = _enquiries(scope).filter(
        child_id=OuterRef("child_id"), started_on__lt=OuterRef("started_on"), started_on__gte=_year_before("started_on")
    )
    earlier_icpcs = initial.filter(
        child_id=OuterRef("child_id"),
        held_at__date__lt=OuterRef("started_on"),
        held_at__date__gte=_year_before("started_on"),
    )
    return (
        _open_in(_enquiries(scope), period, "started_on", "outcome_recorded_at")
        .select_related("child", "strategy_discussion", "lead_social_worker__team")
        .annotate(
            f_icpc_at=Subquery(this_icpc.values("held_at")[:1]),
            f_icpc_plan=Subquery(this_icpc.values("plan_needed")[:1]),
            f_earlier=_count(earlier_enquiries, "child_id"),
            f_earlier_icpcs=_count(earlier_icpcs, "child_id"),
            **_allocated(scope),
        )
        .order_by("started_on", "id")
    )


def _csc_involvements(scope: Scope, kind: str) -> QuerySet:
    return Involvement.objects.filter(kind=kind, agency_id__in=scope.csc_agency_ids)


def _open_on(queryset: QuerySet, day: date, start: str, end: str) -> QuerySet:
    return queryset.filter(**{f"{start}__lte": day}).filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def children_in_need(scope: Scope, period: Period) -> QuerySet:
    day, child = period.last, OuterRef("child_id")
    seen_assessed = _assessments(scope).filter(child_id=child, child_seen_on__lte=day).order_by("-child_seen_on")
    seen_enquiry = _enquiries(scope).filter(child_id=child, child_seen_on__lte=day).order_by("-child_seen_on")
    cin_plans = ChildInNeedPlan.objects.annotate(
        f_agency=Coalesce("lead_social_worker__agency_id", "created_by__agency_id")
    ).filter(f_agency__in=scope.agency_ids, child_id=child)
    open_assessments = (
        _assessments(scope)
        .filter(child_id=child, started_on__lte=day)
        .filter(Q(signed_off_at__isnull=True) | Q(signed_off_at__gte=period.ends_at))
    )
    return (
        _open_in(_csc_involvements(scope, Involvement.Kind.CIN), period, "start", "end")
        .select_related("child", "team", "allocated_worker")
        .annotate(
            f_need=_referral_need(scope),
            f_seen_assessed=Subquery(seen_assessed.values("child_seen_on")[:1]),
            f_seen_enquiry=Subquery(seen_enquiry.values("child_seen_on")[:1]),
            f_looked_after=Exists(
                _open_on(_csc_involvements(scope, Involvement.Kind.CLA).filter(child_id=child), day, "start", "end")
            ),
            f_protection=Exists(
                _open_on(authority_plans(scope.agency_ids).filter(child_id=child), day, "started_on", "ended_on")
            ),
            f_cin_plan=Exists(_open_on(cin_plans, day, "started_on", "ended_on")),
            f_assessment=Exists(open_assessments),
        )
        .order_by("start", "id")
    )


def child_protection(scope: Scope, period: Period) -> QuerySet:
    reviews = ChildProtectionConference.objects.filter(
        plan=OuterRef("pk"),
        kind=ChildProtectionConference.Kind.REVIEW,
        status=ChildProtectionConference.Status.HELD,
        held_at__lt=period.ends_at,
    ).order_by("-held_at")
    # performance/sources.py cp_plan_repeat_records's "an earlier plan", counted.
    earlier = ChildProtectionPlan.objects.filter(child_id=OuterRef("child_id")).filter(
        Q(started_on__lt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), pk__lt=OuterRef("pk"))
    )
    return (
        _open_in(authority_plans(scope.agency_ids), period, "started_on", "ended_on")
        .select_related("child", "initial_conference", "lead_social_worker__team")
        .annotate(
            f_latest_review=Subquery(reviews.values("held_at")[:1]),
            f_earlier=_count(earlier, "child_id"),
            **_allocated(scope),
        )
        .order_by("started_on", "id")
    )


def looked_after(scope: Scope, period: Period) -> QuerySet:
    child = OuterRef("child_id")
    earlier = (
        _csc_involvements(scope, Involvement.Kind.CLA)
        .filter(child_id=child, end__lte=OuterRef("start"), end__gte=_year_before("start"))
        .exclude(pk=OuterRef("pk"))
    )
    reviews = LookedAfterReview.objects.filter(
        child_id=child, held_on__gte=OuterRef("start"), held_on__lte=period.last
    ).order_by("-held_on")
    return (
        _open_in(_csc_involvements(scope, Involvement.Kind.CLA), period, "start", "end")
        .select_related("child", "team", "allocated_worker")
        .annotate(
            f_need=_referral_need(scope),
            f_earlier=Exists(earlier),
            f_latest_review=Subquery(reviews.values("held_on")[:1]),
        )
        .order_by("start", "id")
    )


SOURCES = {
    "contacts": contacts,
    "referrals": referrals,
    "assessments": assessments,
    "section_47": section_47,
    "children_in_need": children_in_need,
    "child_protection": child_protection,
    "looked_after": looked_after,
}


def records(code: str, *, scope: Scope, period: Period) -> QuerySet:
    """The records of the list `code` for the authority and period, in date order."""
    return SOURCES[code](scope, period)
