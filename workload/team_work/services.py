"""Allocating several of a team's children at once, all or nothing.

Each involvement goes through `casework.involvements.allocation.allocate_involvement`, the one
write path for allocation, which alone decides who may allocate. If any is refused, none is
allocated: the manager sees every refusal at once and can put the selection right.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casework.involvements.allocation import AllocationResult, allocate_involvement
from casework.models import Involvement
from casework.services import ConcurrentEditError

STALE = "Someone changed this child's work after you opened the page: check it and try again"


@dataclass(frozen=True)
class Refusal:
    involvement_id: int
    child_name: str
    reason: str


@dataclass
class BulkAllocation:
    allocated: list[AllocationResult] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    # Errors that apply to every row (the worker, the reason), keyed by field.
    field_errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return not self.refused and not self.field_errors


def _messages(error: ValidationError) -> tuple[dict[str, list[str]], list[str]]:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in value[0].messages] for key, value in error.error_dict.items()}, []
    return {}, [str(message) for message in error.messages]


@transaction.atomic
def allocate_children(*, selection: dict[int, int | None], to, by, reason) -> BulkAllocation:
    """Allocate each involvement in `selection` (id -> the version the page showed) to `to`.

    Every refusal is collected; if there is any, the whole allocation is rolled back."""
    outcome = BulkAllocation()
    found = Involvement.objects.select_related("child").in_bulk(list(selection))
    for involvement_id, version in selection.items():
        involvement = found.get(involvement_id)
        if involvement is None:
            outcome.refused.append(Refusal(involvement_id, "A child", "This work is no longer open"))
            continue
        name = involvement.child.full_name
        try:
            with transaction.atomic():
                outcome.allocated.append(
                    allocate_involvement(involvement=involvement, to=to, by=by, reason=reason, expected_version=version)
                )
        except PermissionDenied as error:
            outcome.refused.append(Refusal(involvement_id, name, str(error)))
        except ConcurrentEditError:
            outcome.refused.append(Refusal(involvement_id, name, STALE))
        except ValidationError as error:
            by_field, general = _messages(error)
            if "to" in by_field and to is not None and to.team_id == involvement.team_id:
                # A worker of the team can still be refused for one child (they already have it).
                outcome.refused.append(Refusal(involvement_id, name, by_field.pop("to")[0]))
            for key, messages in by_field.items():
                outcome.field_errors.setdefault(key, [])
                outcome.field_errors[key] += [m for m in messages if m not in outcome.field_errors[key]]
            outcome.refused += [Refusal(involvement_id, name, message) for message in general]
    if not outcome.succeeded:
        transaction.set_rollback(True)
        outcome.allocated = []
    return outcome
