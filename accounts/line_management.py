"""Who manages whom: the teams a manager runs, directly or through the line.

Allocation, caseloads, Team work and the performance dashboard all ask here, so
"which teams are mine?" has one answer. A team is led by its manager and by
everyone above that manager in the line (`User.line_manager`), within the same
agency: a manager never runs another agency's staff. A director of children's
services runs every team of their authority's children's services (CSC, youth
justice and MASH): seed 000 ¶20.8 escalates to the director across services.
"""

from django.db.models import Q, QuerySet

from .models import Agency, Role, Team, User

# Team manager, their manager, and up to two levels above: deeper lines are not used here.
LINE_DEPTH = 4
CHILDRENS_SERVICES = (Agency.Kind.CSC, Agency.Kind.CYJS, Agency.Kind.MASH)


def _managed_through_line(user) -> Q:
    condition = Q()
    path = "manager"
    for _ in range(LINE_DEPTH):
        condition |= Q(**{path: user})
        path += "__line_manager"
    return condition


def teams_led_by(user) -> QuerySet[Team]:
    """The teams `user` runs; none for practitioners, auditors, administrators and other systems."""
    if not (user.is_authenticated and user.is_active and user.is_manager and user.agency_id):
        return Team.objects.none()
    if user.role == Role.DIRECTOR:
        return Team.objects.filter(
            agency__authority_id=user.agency.authority_id, agency__kind__in=CHILDRENS_SERVICES
        ).order_by("agency__name", "name")
    return Team.objects.filter(_managed_through_line(user), agency_id=user.agency_id).order_by("name")


def leads_team(user, team) -> bool:
    return team is not None and teams_led_by(user).filter(pk=team.pk).exists()


def team_members(team) -> QuerySet[User]:
    """The people who can be given the team's work: active members, practitioners and managers alike."""
    return User.objects.filter(team=team, is_active=True).order_by("first_name", "last_name", "username")
