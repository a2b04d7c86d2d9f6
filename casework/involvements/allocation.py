"""Allocating a child's involvement to a worker, or moving it to another.

The one write path for allocation: the child's page, Team work's bulk allocation
and `POST /api/v1/allocations/` all call `allocate_involvement`. The work moves
whole: the involvement, the open records under it that the previous worker held
(an assessment in progress, an open section 47 enquiry, an active child in need or
child protection plan, a prevention referral) and the running clocks they were
responsible for, so reminders and escalations follow the work.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.line_management import leads_team, teams_led_by
from notifications.models import Deadline
from notifications.services import notify

from ..models import (
    Allocation,
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Involvement,
    PreventionReferral,
    Section47Enquiry,
)
from ..recording import log_write, save_if_unchanged
from ..signals import records_changed

# Open records under an involvement that carry their own worker: (model, worker field, open filter).
OPEN_WORK = (
    (Assessment, "social_worker", {"status__in": ("in_progress", "awaiting_sign_off")}),
    (Section47Enquiry, "lead_social_worker", {"status": "open"}),
    (ChildInNeedPlan, "lead_social_worker", {"status": "active"}),
    (ChildProtectionPlan, "lead_social_worker", {"status": "active"}),
    (PreventionReferral, "prevention_worker", {"closed_on__isnull": True}),
)


@dataclass(frozen=True)
class AllocationResult:
    allocation: Allocation
    records_moved: int
    clocks_moved: int


def may_allocate(user, involvement) -> bool:
    """Only a manager who runs the involvement's team (its team manager or someone above in the line)."""
    return involvement.end is None and involvement.team_id is not None and leads_team(user, involvement.team)


def allocatable_involvements(user, involvements) -> set[int]:
    """The ids of those of `involvements` that `user` may allocate (`may_allocate`), in one query."""
    candidates = [inv for inv in involvements if inv.end is None and inv.team_id is not None]
    if not candidates or not user.is_manager:
        return set()
    led = set(teams_led_by(user).filter(pk__in={inv.team_id for inv in candidates}).values_list("pk", flat=True))
    return {inv.pk for inv in candidates if inv.team_id in led}


def allocation_history(*, child):
    """The child's allocations and reassignments, newest first, with the names the record shows."""
    return Allocation.objects.filter(child=child).select_related(
        "involvement__agency", "team", "from_worker", "to_worker", "allocated_by"
    )


def _move_open_work(involvement, previous, to) -> tuple[int, int]:
    records = 0
    for model, field, open_filter in OPEN_WORK:
        records += model.objects.filter(child_id=involvement.child_id, **open_filter, **{field: previous}).update(
            **{field: to}
        )
    clocks = Deadline.objects.filter(
        child_id=involvement.child_id,
        agency_id=involvement.agency_id,
        status__in=Deadline.OPEN_STATUSES,
        responsible=previous,
    ).update(responsible=to)
    records_changed.send(sender=Involvement, child_ids=[involvement.child_id])
    return records, clocks


@transaction.atomic
def allocate_involvement(*, involvement, to, by, reason, expected_version=None) -> AllocationResult:
    """Give `involvement` (an open one, with a team) and its open work to `to`, a member of the same team.

    - PermissionDenied unless `by` runs the involvement's team (`may_allocate`).
    - ValidationError keyed `to` when the worker is not an active member of the team or already
      holds it, keyed `reason` when no reason is given.
    - A stale `expected_version` raises ConcurrentEditError; without one the row is locked.
    - The new and the previous worker get an in-app notice; the write is access-logged.
    """
    locked = (
        Involvement.objects.select_for_update(of=("self",))
        .select_related("team", "agency", "child")
        .get(pk=involvement.pk)
    )
    team = locked.team
    if locked.end is not None or team is None:
        raise ValidationError("Only an open involvement held by a team can be allocated")
    if not may_allocate(by, locked):
        raise PermissionDenied("Only a manager of this team can allocate its work")
    errors: dict[str, str] = {}
    if to is None or to.team_id != locked.team_id or not to.is_active:
        errors["to"] = f"Choose someone in {locked.team}"
    elif to.pk == locked.allocated_worker_id:
        errors["to"] = f"{to.display_name} already has this work"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why you are allocating this work"
    if errors:
        raise ValidationError(errors)

    previous = locked.allocated_worker
    save_if_unchanged(locked, expected_version=expected_version, fields={"allocated_worker": to})
    records, clocks = _move_open_work(locked, previous, to)
    allocation = Allocation.objects.create(
        involvement=locked,
        child=locked.child,
        team=team,
        from_worker=previous,
        to_worker=to,
        allocated_by=by,
        allocated_at=timezone.now(),
        reason=reason,
    )
    what = locked.get_kind_display().lower()
    link = reverse("child-detail", args=[locked.child_id])
    notify(
        recipient=to,
        subject=f"You have been allocated {what} work",
        body=f"{by.display_name} allocated it to you: {reason}",
        link=link,
    )
    if previous is not None and previous.pk != by.pk:
        notify(
            recipient=previous,
            subject=f"Your {what} work has moved to {to.display_name}",
            body=f"{by.display_name} moved it: {reason}",
            link=link,
        )
    log_write(
        by,
        locked.child,
        "involvement:allocate",
        detail=f"{locked.get_kind_display()} ({locked.team}) to user {to.pk}"
        + (f" from user {previous.pk}" if previous else "")
        + f"; {records} record(s) and {clocks} clock(s) moved",
    )
    return AllocationResult(allocation=allocation, records_moved=records, clocks_moved=clocks)
