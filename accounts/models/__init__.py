from .access import AccessEvent, BreakGlassAccess, ChildUserObjectPermission
from .organisation import MANAGER_ROLES, MASH_ROLES, Agency, Authority, Role, Team, User
from .tokens import ApiToken

__all__ = [
    "AccessEvent",
    "Agency",
    "ApiToken",
    "Authority",
    "BreakGlassAccess",
    "ChildUserObjectPermission",
    "MANAGER_ROLES",
    "MASH_ROLES",
    "Role",
    "Team",
    "User",
]
