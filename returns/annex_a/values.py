"""What fills each Annex A column: one function a value, named in returns/data/annex_a.toml.

Each takes a record of its list's query (sources.py), with the annotations that query adds,
and the day ages are taken on; it answers a string or a whole number, never reading the
database. Dates are DD/MM/YYYY; coded values are the DfE's codes (returns/codes.py).
"""

from collections.abc import Callable
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from casework.models import Assessment, Section47Enquiry
from returns import codes

from . import columns

Value = str | int


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return f"{value:%d/%m/%Y}"


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def y_n(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")


def worker_name(user) -> str:
    return user.get_full_name() if user is not None else ""


def child_age(child, on: date) -> Value:
    if child.date_of_birth is None or child.date_of_birth > on:
        return ""
    return relativedelta(on, child.date_of_birth).years


def disability(child) -> str:
    recorded = child.disabilities or []
    if not recorded:
        return "Unknown"
    return "No" if recorded == ["NONE"] else "Yes"


def _allocated_team(record) -> str:
    if record.f_team:
        return record.f_team
    worker = _own_worker(record)
    return worker.team.name if worker is not None and worker.team_id else ""


def _allocated_worker(record) -> str:
    return record.f_worker or worker_name(_own_worker(record))


def _own_worker(record):
    """When the child has no allocated social worker now: the record's own worker."""
    for field in ("social_worker", "lead_social_worker"):
        if hasattr(record, field):
            return getattr(record, field)
    return None


def _needs_support(assessment) -> str:
    if assessment.signed_off_at is None or not assessment.outcome:
        return ""
    return yes_no(assessment.outcome in (Assessment.Outcome.CHILD_IN_NEED_PLAN, Assessment.Outcome.STRATEGY_DISCUSSION))


def _icpc_unnecessary(enquiry) -> str:
    if not enquiry.outcome:
        return ""
    return yes_no(enquiry.outcome == Section47Enquiry.Outcome.NOT_SUBSTANTIATED)


def _s47_start(enquiry) -> str:
    held = enquiry.strategy_discussion.held_at
    return day(held) if held else day(enquiry.started_on)


def _last_seen(involvement) -> str:
    seen = [d for d in (involvement.f_seen_assessed, involvement.f_seen_enquiry) if d is not None]
    return day(max(seen)) if seen else ""


def _case_status(involvement, on: date) -> str:
    if involvement.end is not None and involvement.end <= on:
        key = "closed"
    elif involvement.f_looked_after:
        key = "looked_after"
    elif involvement.f_protection:
        key = "child_protection"
    elif involvement.f_cin_plan:
        key = "child_in_need_plan"
    elif involvement.f_assessment:
        key = "open_assessment"
    else:
        return ""
    return columns.case_status(key)


def _category(value: str) -> str:
    return codes.mapped("abuse_category", value)


# Each value: (record, the day ages are taken on) -> the cell.
VALUES: dict[str, Callable[..., Value]] = {
    "not_held": lambda r, on: "",
    "child_reference": lambda r, on: r.child.return_reference,
    "child_sex": lambda r, on: r.child.sex,
    "child_ethnicity": lambda r, on: r.child.ethnicity,
    "child_date_of_birth": lambda r, on: day(r.child.date_of_birth),
    "child_age": lambda r, on: child_age(r.child, on),
    "child_disability": lambda r, on: disability(r.child),
    "allocated_team": lambda r, on: _allocated_team(r),
    "allocated_worker": lambda r, on: _allocated_worker(r),
    "involvement_team": lambda r, on: r.team.name if r.team_id else "",
    "involvement_worker": lambda r, on: worker_name(r.allocated_worker),
    # Contacts and referrals
    "contact_date": lambda r, on: day(r.received_at),
    "contact_source": lambda r, on: r.referral_source,
    "referral_date": lambda r, on: day(r.received_at),
    "referral_nfa": lambda r, on: "No",
    "earlier_referrals": lambda r, on: r.f_earlier,
    # Assessments
    "assessment_start": lambda r, on: day(r.started_on),
    "assessment_child_seen": lambda r, on: yes_no(r.child_seen_on is not None),
    "assessment_authorised": lambda r, on: day(r.signed_off_at),
    "assessment_needs_support": lambda r, on: _needs_support(r),
    # Section 47 enquiries
    "s47_start": lambda r, on: _s47_start(r),
    "s47_icpc_unnecessary": lambda r, on: _icpc_unnecessary(r),
    "s47_icpc_date": lambda r, on: day(r.f_icpc_at),
    "s47_icpc_plan": lambda r, on: yes_no(r.f_icpc_plan),
    "earlier_enquiries": lambda r, on: r.f_earlier,
    "earlier_icpcs": lambda r, on: r.f_earlier_icpcs,
    # Children in need and looked after (involvements)
    "episode_start": lambda r, on: day(r.start),
    "episode_end": lambda r, on: day(r.end),
    "primary_need": lambda r, on: r.f_need or "",
    "child_last_seen": lambda r, on: _last_seen(r),
    "closure_reason": lambda r, on: r.closure_code,
    "case_status": _case_status,
    "earlier_looked_after": lambda r, on: y_n(r.f_earlier),
    "legal_status": lambda r, on: columns.legal_status(r.legal_basis),
    "latest_looked_after_review": lambda r, on: day(r.f_latest_review),
    # Child protection plans
    "plan_start": lambda r, on: day(r.started_on),
    "plan_initial_category": lambda r, on: _category(r.initial_category or r.initial_conference.category),
    "plan_latest_category": lambda r, on: _category(r.category),
    "plan_latest_review": lambda r, on: day(r.f_latest_review),
    "plan_end": lambda r, on: day(r.ended_on),
    "earlier_plans": lambda r, on: r.f_earlier,
}


def row(annex_list: columns.AnnexList, record, *, on: date) -> list[Value]:
    return [VALUES[column.value](record, on) for column in annex_list.columns]
