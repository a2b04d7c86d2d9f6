from .access import AccessEvent, BreakGlassAccess, ChildUserObjectPermission
from .organisation import MANAGER_ROLES, MASH_ROLES, Agency, Authority, Role, Team, User

__all__ = [
    "AccessEvent",
    "Agency",
    "Authority",
    "BreakGlassAccess",
    "ChildUserObjectPermission",
    "MANAGER_ROLES",
    "MASH_ROLES",
    "Role",
    "Team",
    "User",
]
