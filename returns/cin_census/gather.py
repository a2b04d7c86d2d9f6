"""Read what the census needs from the records, a batch of children at a time.

A fixed number of queries per batch whatever its size (one per kind of record), so a return of
50,000 children costs 50 batches of them and memory holds one batch at a time.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from accounts.models import Agency, Authority
from casework.models import (
    Assessment,
    Child,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Involvement,
    Section47Enquiry,
)
from notifications.models import Deadline
from referrals.models import Decision

from .episodes import (
    AssessmentDates,
    ChildHistory,
    Enquiry,
    InvolvementSpan,
    PlanDates,
    ProtectionPlan,
    Referral,
)
from .years import CollectionYear

BATCH_SIZE = 1000

# Children's social care involvements that make a child a child in need.
SOCIAL_CARE_KINDS = (Involvement.Kind.CIN, Involvement.Kind.CP, Involvement.Kind.CLA)


@dataclass(frozen=True)
class ChildIdentity:
    reference: str
    upn: str
    former_upn: str
    upn_unknown: str
    birth_date: date | None
    expected_birth_date: date | None
    sex: str
    death_date: date | None
    ethnicity: str
    disabilities: tuple[str, ...]


@dataclass(frozen=True)
class CensusChild:
    pk: int
    identity: ChildIdentity
    history: ChildHistory


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def social_care_involvements(authority: Authority):
    csc = Agency.objects.filter(authority=authority, kind=Agency.Kind.CSC)
    return Involvement.objects.filter(agency__in=csc, kind__in=SOCIAL_CARE_KINDS)


def children_in_year(authority: Authority, year: CollectionYear) -> list[int]:
    """Children with a social care involvement open at some time in the year, by id."""
    return list(
        social_care_involvements(authority)
        .filter(start__lte=year.end)
        .filter(Q(end__isnull=True) | Q(end__gte=year.start))
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .distinct()
    )


def _identities(ids) -> dict[int, ChildIdentity]:
    rows = Child.objects.filter(pk__in=ids).values(
        "pk",
        "return_reference",
        "upn",
        "former_upn",
        "upn_unknown_reason",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "date_of_death",
        "ethnicity",
        "disabilities",
    )
    return {
        row["pk"]: ChildIdentity(
            reference=row["return_reference"],
            upn=row["upn"],
            former_upn=row["former_upn"],
            upn_unknown=row["upn_unknown_reason"],
            birth_date=row["date_of_birth"],
            expected_birth_date=None if row["date_of_birth"] else row["expected_date_of_birth"],
            sex=row["sex"],
            death_date=row["date_of_death"],
            ethnicity=row["ethnicity"],
            disabilities=tuple(row["disabilities"] or ()),
        )
        for row in rows
    }


def _histories(authority: Authority, ids) -> dict[int, ChildHistory]:
    found: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for child_id, start, end, closure_code, kind in (
        social_care_involvements(authority)
        .filter(child_id__in=ids)
        .values_list("child_id", "start", "end", "closure_code", "kind")
    ):
        found["involvements"][child_id].append(
            InvolvementSpan(start, end, closure_code, looked_after=kind == Involvement.Kind.CLA)
        )
    for child_id, received_at, source, need in Decision.objects.filter(
        contact__child_id__in=ids, contact__agency__authority=authority, outcome__in=Decision.REFERRAL_OUTCOMES
    ).values_list("contact__child_id", "contact__received_at", "contact__referral_source", "primary_need"):
        found["referrals"][child_id].append(Referral(timezone.localdate(received_at), source, need))
    for child_id, started_on, signed_off_at, factors in Assessment.objects.filter(child_id__in=ids).values_list(
        "child_id", "started_on", "signed_off_at", "factors"
    ):
        found["assessments"][child_id].append(AssessmentDates(started_on, _day(signed_off_at), tuple(factors or ())))
    for child_id, plan_start, plan_end in ChildInNeedPlan.objects.filter(child_id__in=ids).values_list(
        "child_id", "started_on", "ended_on"
    ):
        found["cin_plans"][child_id].append(PlanDates(plan_start, plan_end))
    _enquiries(ids, found["enquiries"])
    _protection_plans(ids, found["cp_plans"])
    return {
        pk: ChildHistory(
            involvements=tuple(found["involvements"][pk]),
            referrals=tuple(found["referrals"][pk]),
            assessments=tuple(found["assessments"][pk]),
            cin_plans=tuple(found["cin_plans"][pk]),
            enquiries=tuple(found["enquiries"][pk]),
            cp_plans=tuple(found["cp_plans"][pk]),
        )
        for pk in ids
    }


def _enquiries(ids, into) -> None:
    enquiries = list(
        Section47Enquiry.objects.filter(child_id__in=ids).values_list(
            "pk", "child_id", "started_on", "status", "outcome_recorded_at"
        )
    )
    enquiry_ids = [row[0] for row in enquiries]
    held = dict(
        ChildProtectionConference.objects.filter(
            enquiry_id__in=enquiry_ids,
            kind=ChildProtectionConference.Kind.INITIAL,
            status=ChildProtectionConference.Status.HELD,
        ).values_list("enquiry_id", "held_at")
    )
    targets = dict(
        Deadline.objects.filter(
            rule_code="icpc",
            subject_type=ContentType.objects.get_for_model(Section47Enquiry),
            subject_id__in=enquiry_ids,
        )
        .exclude(status=Deadline.Status.CANCELLED)
        .values_list("subject_id", "due_date")
    )
    for pk, child_id, started_on, status, outcome_at in enquiries:
        concluded = status == Section47Enquiry.Status.CONCLUDED
        into[child_id].append(
            Enquiry(
                start=started_on,
                icpc_target=targets.get(pk),
                icpc_on=_day(held.get(pk)),
                concluded_on=_day(outcome_at) if concluded else None,
            )
        )


def _protection_plans(ids, into) -> None:
    plans = list(
        ChildProtectionPlan.objects.filter(child_id__in=ids)
        .order_by("child_id", "started_on", "pk")
        .values_list("pk", "child_id", "started_on", "ended_on", "initial_category", "category")
    )
    reviews = defaultdict(list)
    for plan_id, held_at in ChildProtectionConference.objects.filter(
        plan_id__in=[row[0] for row in plans],
        kind=ChildProtectionConference.Kind.REVIEW,
        status=ChildProtectionConference.Status.HELD,
    ).values_list("plan_id", "held_at"):
        reviews[plan_id].append(timezone.localdate(held_at))
    earlier: dict[int, int] = defaultdict(int)
    for pk, child_id, started_on, ended_on, initial, latest in plans:
        into[child_id].append(
            ProtectionPlan(
                start=started_on,
                end=ended_on,
                initial_category=initial or latest,
                latest_category=latest,
                previous_plans=earlier[child_id],
                reviews=tuple(sorted(reviews[pk])),
            )
        )
        earlier[child_id] += 1


def census_children(
    authority: Authority, year: CollectionYear, *, child_ids=None, batch_size: int = BATCH_SIZE
) -> Iterator[CensusChild]:
    ids = children_in_year(authority, year) if child_ids is None else list(child_ids)
    for first in range(0, len(ids), batch_size):
        batch = ids[first : first + batch_size]
        identities = _identities(batch)
        histories = _histories(authority, batch)
        for pk in batch:
            yield CensusChild(pk=pk, identity=identities[pk], history=histories[pk])
