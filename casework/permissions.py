"""Who may do what on the child protection and child in need pathway.

Seeing a record is always `accounts.access.decide` on the child first (views and
the API do that through `open_child`); these predicates then narrow what a user
who can see the child may change. Services call them too, so a rule holds for
the page, the API and any task alike.
"""

from django.core.exceptions import PermissionDenied

from accounts.access import is_administrator
from accounts.models import Agency, Role
from casework.who_works_with import open_involvements

CASEWORK_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.DIRECTOR,
        Role.CONFERENCE_CHAIR,
    }
)


def in_social_care(user) -> bool:
    return bool(user.agency_id) and user.agency.kind == Agency.Kind.CSC


def may_record_social_care_work(user) -> bool:
    """Assessments, strategy discussions, s47 enquiries, conferences and plans are CSC's records."""
    return is_administrator(user) or (in_social_care(user) and user.role in CASEWORK_ROLES)


def may_sign_off(user) -> bool:
    """A social care manager authorises assessments (001 L1775)."""
    return is_administrator(user) or (in_social_care(user) and user.is_manager)


def may_write_case_notes(user) -> bool:
    """Any agency's worker who can see the child records their own notes."""
    return is_administrator(user) or (
        bool(user.agency_id) and user.role in CASEWORK_ROLES | {Role.MASH_WORKER, Role.MASH_MANAGER}
    )


def case_line_managers(child, *, authority):
    """The managers of the child's open involvements with the authority's social care: they may not chair
    its conferences."""
    managers = set()
    for involvement in open_involvements(child, Agency.Kind.CSC, authority=authority).select_related(
        "allocated_worker", "team"
    ):
        if involvement.allocated_worker_id:
            managers.add(involvement.allocated_worker_id)
            if involvement.allocated_worker.line_manager_id:
                managers.add(involvement.allocated_worker.line_manager_id)
        if involvement.team_id and involvement.team.manager_id:
            managers.add(involvement.team.manager_id)
    return managers


def chair_problem(user, child) -> str | None:
    """Why this user may not chair this child's conference, or None (001 L2014)."""
    if user is None:
        return "Choose who will chair the conference"
    if user.role != Role.CONFERENCE_CHAIR:
        return "The chair must be an independent conference chair"
    if user.pk in case_line_managers(child, authority=user.authority):
        return "The chair must not be the social worker or manage the child's case"
    return None


def require(allowed: bool, message: str = "You cannot do that on this record"):
    if not allowed:
        raise PermissionDenied(message)
