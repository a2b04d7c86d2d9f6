"""Who sees which figures, and the figures themselves, read from the monthly summary table.

Aggregate figures are not child records: a manager sees their whole authority's, broken down
by agency and team. The per-worker breakdown is for the teams they run only
(accounts.line_management). The records behind a figure are children's records: the
drill-down lists only those accounts.access lets the user open, and says how many it leaves out.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import Http404

from accounts.access import is_administrator, visible_children
from accounts.line_management import teams_led_by
from accounts.models import Agency, Team, User

from .definitions import LATEST, Measure, all_measures
from .models import MonthlyFigure, MonthlyTotal
from .sources import records_for, related


@dataclass(frozen=True)
class Scope:
    """Whose figures: the user's authority, or one of its agencies or teams."""

    authority_id: int
    agencies: list[Agency]
    agency: Agency | None = None
    team: Team | None = None

    @property
    def agency_ids(self) -> list[int]:
        return [self.agency.pk] if self.agency else [a.pk for a in self.agencies]

    def totals(self):
        """The scope's own sums: one row per measure and month (the refresh writes them)."""
        totals = MonthlyTotal.objects.filter(authority_id=self.authority_id)
        if self.team:
            return totals.filter(level=MonthlyTotal.Level.TEAM, team=self.team)
        if self.agency:
            return totals.filter(level=MonthlyTotal.Level.AGENCY, agency=self.agency)
        return totals.filter(level=MonthlyTotal.Level.AUTHORITY)

    def team_totals(self):
        """Each team's sums within the scope."""
        totals = MonthlyTotal.objects.filter(authority_id=self.authority_id, level=MonthlyTotal.Level.TEAM)
        if self.team:
            return totals.filter(team=self.team)
        if self.agency:
            return totals.filter(agency=self.agency)
        return totals

    def figures(self):
        """The per-worker rows within the scope."""
        figures = MonthlyFigure.objects.filter(authority_id=self.authority_id)
        if self.team:
            return figures.filter(team=self.team)
        if self.agency:
            return figures.filter(agency=self.agency)
        return figures

    @property
    def name(self) -> str:
        if self.team:
            return self.team.name
        return self.agency.name if self.agency else "the whole authority"


@dataclass(frozen=True)
class Point:
    month: date
    numerator: int
    denominator: int


@dataclass
class Series:
    measure: Measure
    points: list[Point] = field(default_factory=list)

    @property
    def latest(self) -> Point:
        return self.points[-1]

    def total(self) -> tuple[int, int]:
        """The period's numerator and denominator: summed, or the last month's for things open at a moment."""
        if not self.points:
            return 0, 0
        if self.measure.over_period == LATEST:
            return self.latest.numerator, self.latest.denominator
        return sum(p.numerator for p in self.points), sum(p.denominator for p in self.points)


def may_see_performance(user) -> bool:
    return bool(user.is_authenticated and (user.is_manager or is_administrator(user)) and user.agency_id)


def scope_for(user, *, agency_id=None, team_id=None) -> Scope:
    """The figures `user` asked for; 403 for anyone but managers, 404 outside their authority."""
    if not may_see_performance(user):
        raise PermissionDenied
    authority_id = user.agency.authority_id
    agencies = list(Agency.objects.filter(authority_id=authority_id).order_by("name"))
    agency = team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id, agency__authority_id=authority_id).select_related("agency").first()
        if team is None:
            raise Http404
    elif agency_id is not None:
        agency = next((a for a in agencies if a.pk == agency_id), None)
        if agency is None:
            raise Http404
    return Scope(authority_id=authority_id, agencies=agencies, agency=agency, team=team)


def teams_of(scope: Scope) -> list[Team]:
    """The authority's teams, for the filter."""
    return list(
        Team.objects.filter(agency__authority_id=scope.authority_id)
        .select_related("agency")
        .order_by("agency__name", "name")
    )


def monthly_series(*, scope: Scope, months: list[date], measures=None) -> tuple[dict[str, Series], datetime | None]:
    """Each measure's figures month by month, and when they were worked out: one query."""
    measures = measures or list(all_measures().values())
    rows = (
        scope.totals()
        .filter(month__gte=months[0], month__lte=months[-1], measure__in=[m.code for m in measures])
        .values("measure", "month")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"), computed_at=Max("computed_at"))
    )
    found = {(row["measure"], row["month"]): row for row in rows}
    computed = [row["computed_at"] for row in found.values()]
    series = {}
    for measure in measures:
        points = []
        for month in months:
            row = found.get((measure.code, month), {})
            points.append(Point(month, row.get("numerator") or 0, row.get("denominator") or 0))
        series[measure.code] = Series(measure, points)
    return series, max(computed) if computed else None


@dataclass(frozen=True)
class BreakdownRow:
    name: str
    numerator: int
    denominator: int


def _breakdown(measure: Measure, figures, key: str, months: list[date]) -> dict:
    rows = (
        figures.filter(measure=measure.code, month__gte=months[0], month__lte=months[-1])
        .values(key, "month")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    )
    by_key: dict = {}
    for row in rows:
        by_key.setdefault(row[key], []).append(Point(row["month"], row["numerator"], row["denominator"]))
    totals = {}
    for owner, points in by_key.items():
        points.sort(key=lambda p: p.month)
        if measure.over_period == LATEST:
            last = points[-1] if points[-1].month == months[-1] else Point(months[-1], 0, 0)
            totals[owner] = (last.numerator, last.denominator)
        else:
            totals[owner] = (sum(p.numerator for p in points), sum(p.denominator for p in points))
    return totals


def team_breakdown(*, measure: Measure, scope: Scope, months: list[date]) -> list[BreakdownRow]:
    """The period's figure for each team in the scope; records with no team are shown as such."""
    totals = _breakdown(measure, scope.team_totals(), "team", months)
    names = dict(Team.objects.filter(pk__in=[k for k in totals if k]).values_list("pk", "name"))
    rows = [BreakdownRow(names.get(k, "No team recorded") if k else "No team recorded", *v) for k, v in totals.items()]
    return sorted(rows, key=lambda r: r.name)


def worker_breakdown(*, user, measure: Measure, scope: Scope, months: list[date]) -> list[BreakdownRow]:
    """Each worker's figure in a team the user runs; 404 for anyone else's team."""
    if scope.team is None or not teams_led_by(user).filter(pk=scope.team.pk).exists():
        raise Http404
    totals = _breakdown(measure, scope.figures(), "worker", months)
    people = {u.pk: u.display_name for u in User.objects.filter(pk__in=[k for k in totals if k])}
    rows = [
        BreakdownRow(people.get(k, "Nobody responsible") if k else "Nobody responsible", *v) for k, v in totals.items()
    ]
    return sorted(rows, key=lambda r: r.name)


def leads(user, team) -> bool:
    return team is not None and teams_led_by(user).filter(pk=team.pk).exists()


# Up to this many records behind a figure, the drill-down counts them live and says exactly how
# many it cannot show. Past it, checking every record against the access policy would cost
# seconds (tens of thousands of clocks in an authority's month), so the total comes from the
# summary table and only the records listed on the page are checked.
EXACT_UP_TO = 1000


@dataclass(frozen=True)
class Drilldown:
    records: object  # the queryset of records the user may open, in order
    total: int
    hidden: int | None  # None: too many records to count those the user cannot open
    columns: tuple[str, ...]
    computed_at: datetime | None = None  # when the total was worked out, if it is the summary's

    @property
    def counted_live(self) -> bool:
        return self.hidden is not None


def _summary_total(measure: Measure, scope: Scope, month: date) -> tuple[int, datetime | None]:
    row = scope.totals().filter(measure=measure.code, month=month).values("numerator", "denominator", "computed_at")
    found = row.first()
    if found is None:
        return 0, None
    return (found["denominator"] if measure.is_rate else found["numerator"]), found["computed_at"]


def drilldown(*, user, measure: Measure, scope: Scope, month: date, now=None) -> Drilldown:
    """The records behind a month's figure, live: only those about children the user may open.

    A fixed number of queries, each reading at most a page or EXACT_UP_TO records in index
    order, whatever the number of records behind the figure.
    """
    records = records_for(measure, agency_ids=scope.agency_ids, month=month, now=now)
    queryset = records.queryset
    if scope.team:
        queryset = queryset.filter(f_team=scope.team.pk)
    visible = queryset.filter(child_id__in=visible_children(user).values("pk"))
    ordered = visible.select_related(*related(measure)).order_by(*records.order_by)
    total, computed_at = _summary_total(measure, scope, month)
    if total <= EXACT_UP_TO:
        # Few enough when last worked out: count them now (stopping if they have since grown).
        live = queryset.order_by()[: EXACT_UP_TO + 1].count()
        if live <= EXACT_UP_TO:
            hidden = live - visible.order_by().count()
            return Drilldown(records=ordered, total=live, hidden=hidden, columns=records.columns)
    return Drilldown(records=ordered, total=total, hidden=None, columns=records.columns, computed_at=computed_at)
