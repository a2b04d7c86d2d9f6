from .access import AccessEvent, AccessLogAnchor, BreakGlassAccess, ChildUserObjectPermission
from .organisation import MANAGER_ROLES, MASH_ROLES, Agency, Authority, Role, Team, User

__all__ = [
    "AccessEvent",
    "AccessLogAnchor",
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
