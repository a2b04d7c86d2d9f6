"""Caseloads: how many children each worker of a team holds, by status, and their overdue deadlines.

A manager sees the teams they run (`accounts.line_management.teams_led_by`): a team manager their
team, a senior manager or head of service the teams below them in the line, never another
agency's staff. The figures are counts, computed in two aggregate queries whatever the size of the
team (one over open involvements, one over open deadlines); the children behind a figure are
listed only through the access policy (`worker_children`), which says how many it cannot show.

What each status counts, for one worker (a child counts once in each status that applies):
- children: distinct children with an open involvement allocated to the worker;
- child in need: an open child in need involvement, unless the child is on an active child
  protection plan (then they count as child protection);
- child protection plan: an open child protection involvement, or an open child in need one of
  a child on an active child protection plan;
- looked after: an open looked-after involvement;
- youth justice order or remand: an open court order, remand or custody involvement;
- prevention: an open youth justice prevention or diversion involvement, or early help;
- overdue: open deadlines the worker is responsible for whose due moment has passed; a waiting
  period (an earliest date, never missed) is not overdue.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import access
from accounts.line_management import team_members, teams_led_by
from accounts.models import Team, User
from casework.models import Child, ChildProtectionPlan, Involvement
from notifications.models import Deadline, TimescaleRule

IKind = Involvement.Kind

# (key, heading): the statuses of a caseload, in the order the table shows them.
STATUSES = (
    ("cin", "Child in need"),
    ("cp", "Child protection plan"),
    ("cla", "Looked after"),
    ("youth_justice", "Youth justice order or remand"),
    ("prevention", "Prevention"),
)
YOUTH_JUSTICE_KINDS = (IKind.YJ_COURT_ORDER, IKind.YJ_REMAND, IKind.YJ_CUSTODY)
PREVENTION_KINDS = (IKind.YJ_PREVENTION, IKind.YJ_DIVERSION, IKind.EARLY_HELP)


@dataclass(frozen=True)
class WorkerCaseload:
    worker: User
    children: int
    cin: int
    cp: int
    cla: int
    youth_justice: int
    prevention: int
    overdue: int

    def by_status(self) -> list[tuple[str, int]]:
        return [(heading, getattr(self, key)) for key, heading in STATUSES]


def teams_for(*, fetched_by) -> QuerySet[Team]:
    """The teams whose caseloads `fetched_by` may see: the ones they run."""
    return teams_led_by(fetched_by).select_related("agency", "manager")


def team_for(*, fetched_by, team_id) -> Team | None:
    """One of the caller's teams, or None (another agency's team, or one they do not run)."""
    return teams_for(fetched_by=fetched_by).filter(pk=team_id).first()


def _open_involvements_of(workers):
    on_plan = Exists(
        ChildProtectionPlan.objects.filter(child_id=OuterRef("child_id"), status=ChildProtectionPlan.Status.ACTIVE)
    )
    return Involvement.objects.filter(end__isnull=True, allocated_worker__in=workers).annotate(on_plan=on_plan)


def _children(condition=None):
    return Count("child", distinct=True, filter=condition)


def team_caseloads(*, team, now=None) -> list[WorkerCaseload]:
    """Each active member of `team` with their caseload, in name order: three queries in all."""
    now = now or timezone.now()
    workers = list(team_members(team))
    counts = {
        row["allocated_worker"]: row
        for row in _open_involvements_of(workers)
        .values("allocated_worker")
        .annotate(
            children=_children(),
            cin=_children(Q(kind=IKind.CIN, on_plan=False)),
            cp=_children(Q(kind=IKind.CP) | Q(kind=IKind.CIN, on_plan=True)),
            cla=_children(Q(kind=IKind.CLA)),
            youth_justice=_children(Q(kind__in=YOUTH_JUSTICE_KINDS)),
            prevention=_children(Q(kind__in=PREVENTION_KINDS)),
        )
    }
    overdue = dict(
        Deadline.objects.filter(responsible__in=workers, status__in=Deadline.OPEN_STATUSES, due_at__lt=now)
        .exclude(rule__kind=TimescaleRule.Kind.WAITING_PERIOD)
        .values("responsible")
        .annotate(n=Count("id"))
        .values_list("responsible", "n")
    )
    empty = {"children": 0, **{key: 0 for key, _ in STATUSES}}
    return [
        WorkerCaseload(
            worker=worker,
            **{key: counts.get(worker.pk, empty)[key] for key in empty},
            overdue=overdue.get(worker.pk, 0),
        )
        for worker in workers
    ]


def team_worker(*, team, worker_id) -> User | None:
    """A member of the team, or None."""
    return team_members(team).filter(pk=worker_id).first()


@dataclass(frozen=True)
class WorkerChildren:
    children: QuerySet[Child]
    total: int
    hidden: int


def worker_children(*, worker, fetched_by) -> WorkerChildren:
    """The children open to `worker` that `fetched_by` may open, and how many others there are."""
    open_to_worker = Child.objects.filter(
        Exists(Involvement.objects.filter(child_id=OuterRef("pk"), end__isnull=True, allocated_worker=worker))
    )
    total = open_to_worker.count()
    visible = open_to_worker.filter(pk__in=access.visible_children(fetched_by).values("pk"))
    visible = visible.order_by("last_name", "first_name", "pk")
    return WorkerChildren(children=visible, total=total, hidden=total - visible.count())
