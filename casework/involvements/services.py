"""Closing an agency's involvement with a child: the stop event of CSC's stay-open period
after custody (seed 000 ¶20.5; domain notes part A T22: "3 months pass (earliest closure
date) ... block or warn on earlier closure").

Every rule about closing lives here; the page, the API and any task call `close_involvement`,
which checks who may close, refuses with plain-English field-keyed ValidationErrors, closes
with optimistic locking (`version`) and logs the write with the reason.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency
from casework.text import day_text
from notifications.clocks import allowed_from_text, due_text, free_from
from notifications.models import Deadline
from returns import codes

from ..models import Involvement
from ..recording import log_write, require_access, save_if_unchanged

IKind = Involvement.Kind

# 000 ¶15.1: "open to CSC (Child In Need, Child Protection, Looked After)".
CSC_KINDS = (IKind.CIN, IKind.CP, IKind.CLA)
# 000 ¶20.5: the waiting period a DTO/s250 starts (casework/orders/services.py _start_csc_open).
CSC_OPEN = "csc_open_after_custody"


def may_close(user, involvement) -> bool:
    """The involvement's allocated worker, or a manager (team manager or above) of its agency."""
    if not user.is_authenticated or not user.is_active:
        return False
    if involvement.allocated_worker_id and involvement.allocated_worker_id == user.pk:
        return True
    return user.is_manager and user.agency_id == involvement.agency_id


def csc_hold(involvement) -> Deadline | None:
    """The stay-open period (000 ¶20.5) that stops this CSC involvement closing now, if any.

    Only CIN, CP and looked-after involvements are held, and only while no other of them stays
    open: closing a child protection plan while child in need work carries on keeps CSC open.
    The period that ends last is the one that counts; a cancelled one holds nothing.
    """
    if involvement.kind not in CSC_KINDS:
        return None
    periods = Deadline.objects.filter(child_id=involvement.child_id, rule_code=CSC_OPEN).exclude(
        status=Deadline.Status.CANCELLED
    )
    latest = periods.select_related("rule").order_by("-due_at").first()
    if latest is None:
        return None
    others = Involvement.objects.filter(child_id=involvement.child_id, kind__in=CSC_KINDS, end__isnull=True).exclude(
        pk=involvement.pk
    )
    if others.exists():
        return None
    return latest


def held_on(involvement, closing_on: date) -> Deadline | None:
    """The stay-open period that forbids closing this involvement on `closing_on`, if any."""
    period = csc_hold(involvement)
    return period if period is not None and closing_on < free_from(period) else None


def hold_message(period: Deadline) -> str:
    return (
        f"Children's social care must stay open until {due_text(period)} after the custodial sentence "
        f"(joint working agreement 20.5). {allowed_from_text(period)}."
    )


def records_closure_code(involvement) -> bool:
    """Only children's social care says why its episode closed in the census's codes."""
    return involvement.agency.kind == Agency.Kind.CSC


@transaction.atomic
def close_involvement(involvement, *, by, closed_on, reason, expected_version=None, closure_code="") -> Involvement:
    """Close an open involvement on `closed_on`, for `reason`.

    - `closure_code` is why the child in need episode closed, in the census's code (optional):
      children's social care involvements only.

    - Only its allocated worker or a manager of its agency may close it (PermissionDenied).
    - The date must be on or after it started and not in the future; a reason is needed.
    - A CIN, CP or looked-after involvement cannot close on or before the last day of a
      `csc_open_after_custody` waiting period for the child (000 ¶20.5): the error names the
      first day it may close. Once that period has ended (the sweep marks it met) it may.
    - A stale `expected_version` (someone else changed it since it was read) raises
      ConcurrentEditError; without one the row is locked and read afresh.
    """
    child = involvement.child
    decision = require_access(by, child)
    locked = Involvement.objects.select_for_update().select_related("agency").get(pk=involvement.pk)
    if not may_close(by, locked):
        raise PermissionDenied("Only the allocated worker or a manager in the agency can close this involvement")
    errors = {}
    if locked.end is not None:
        raise ValidationError(f"This involvement already closed on {day_text(locked.end)}")
    today = timezone.localdate()
    reason = (reason or "").strip()
    if closed_on is None:
        errors["closed_on"] = "Enter the date the involvement closed"
    elif closed_on > today:
        errors["closed_on"] = "The closing date must be today or in the past"
    elif closed_on < locked.start:
        errors["closed_on"] = f"The closing date must be on or after the involvement started ({day_text(locked.start)})"
    else:
        period = held_on(locked, closed_on)
        if period is not None:
            errors["closed_on"] = hold_message(period)
    if not reason:
        errors["reason"] = "Enter why the involvement is closing"
    closure_code = closure_code or ""
    if closure_code and not records_closure_code(locked):
        errors["closure_code"] = "Only children's social care records a reason from this list"
    elif closure_code and closure_code not in codes.code_list("closure_reason").values:
        errors["closure_code"] = "Choose a reason from the list"
    if errors:
        raise ValidationError(errors)
    save_if_unchanged(
        locked,
        expected_version=expected_version,
        fields={"end": closed_on, "closure_reason": reason, "closure_code": closure_code, "closed_by": by},
    )
    log_write(
        by,
        child,
        "involvement:close",
        decision=decision,
        detail=f"{locked.get_kind_display()} ({locked.agency}) closed on {closed_on.isoformat()}: {reason}"
        + (f" [{codes.label('closure_reason', closure_code)}]" if closure_code else ""),
    )
    return locked


# Bases a social worker records; the remand bases are set by the court remand (casework/court).
RECORDED_BASES = (
    Involvement.LegalBasis.SECTION_20,
    Involvement.LegalBasis.INTERIM_CARE_ORDER,
    Involvement.LegalBasis.CARE_ORDER,
)


def may_record_legal_basis(user, involvement) -> bool:
    """An open looked-after involvement, changed by its allocated worker or a manager of its agency."""
    return involvement.kind == IKind.CLA and involvement.end is None and may_close(user, involvement)


@transaction.atomic
def record_legal_basis(involvement, *, by, legal_basis, expected_version=None) -> Involvement:
    """Record why a child is looked after: by agreement (s20), or under an interim or full care order.

    What a custodial sentence does to looked-after status, and who goes to court, depend on it
    (000 ¶20.2–20.4, ¶9.3). A stale `expected_version` raises ConcurrentEditError.
    """
    child = involvement.child
    decision = require_access(by, child)
    locked = Involvement.objects.select_for_update().select_related("agency").get(pk=involvement.pk)
    if locked.kind != IKind.CLA or locked.end is not None:
        raise ValidationError("Only an open looked-after involvement has a legal basis")
    if not may_record_legal_basis(by, locked):
        raise PermissionDenied("Only the allocated worker or a manager in the agency can record the legal basis")
    if legal_basis not in RECORDED_BASES:
        raise ValidationError({"legal_basis": "Choose why the child is looked after"})
    before = locked.get_legal_basis_display() or "not recorded"
    save_if_unchanged(locked, expected_version=expected_version, fields={"legal_basis": legal_basis})
    log_write(
        by,
        child,
        "involvement:legal-basis",
        decision=decision,
        detail=f"Legal basis changed from {before} to {locked.get_legal_basis_display()}",
    )
    return locked
