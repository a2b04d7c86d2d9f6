from .access import AccessEvent, AccessLogAnchor, BreakGlassAccess, ChildUserObjectPermission
from .organisation import MANAGER_ROLES, MASH_ROLES, Agency, Authority, Role, Team, User
from .tokens import ApiToken

__all__ = [
    "AccessEvent",
    "AccessLogAnchor",
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
