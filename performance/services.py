"""Working out the monthly figures (performance.MonthlyFigure) from the case records.

Why a summary table rather than counting on each page: the dashboard and the API must answer
in about 150 ms with a fixed number of queries when there are millions of contacts and
deadlines. An aggregate over 5,000,000 deadlines cannot promise that; a sum over a few
thousand monthly rows can. The cost is freshness: a Celery task refreshes this month and the
last every 15 minutes, and all 13 months each night (performance.tasks), and the page says when
the figures were worked out. The drill-down lists the live records behind a figure.

Each measure for one month is one GROUP BY query over its records (sources.py), so the work
grows with the records of that month, not with the history. The same refresh writes the sums
for the authority, each agency and each team (MonthlyTotal): a national authority has tens of
thousands of per-worker rows a month, and the dashboard of the whole authority should read one.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Agency, Authority

from .definitions import all_measures
from .models import MonthlyFigure, MonthlyTotal
from .sources import records_for


@dataclass(frozen=True)
class RefreshResult:
    authorities: int
    months: int
    rows: int


def _figures_for(measure, *, authority, agency_ids, month: date, now: datetime) -> list[MonthlyFigure]:
    records = records_for(measure, agency_ids=agency_ids, month=month, now=now)
    counts = {"denominator": Count("pk")}
    if records.numerator is not None:
        counts["numerator"] = Count("pk", filter=records.numerator)
    groups = records.queryset.order_by().values("f_agency", "f_team", "f_worker").annotate(**counts)
    figures = []
    for group in groups:
        rate = records.numerator is not None
        figures.append(
            MonthlyFigure(
                measure=measure.code,
                month=month,
                authority=authority,
                agency_id=group["f_agency"],
                team_id=group["f_team"],
                worker_id=group["f_worker"],
                numerator=group["numerator"] if rate else group["denominator"],
                denominator=group["denominator"] if rate else 0,
                computed_at=now,
            )
        )
    return figures


def totals_of(figures: list[MonthlyFigure]) -> list[MonthlyTotal]:
    """The authority's, each agency's and each team's sums of the per-worker figures, for the same months."""
    Level = MonthlyTotal.Level
    sums: dict[tuple, list[int]] = {}
    for figure in figures:
        common = (figure.measure, figure.month, figure.authority_id, figure.computed_at)
        for key in (
            (*common, Level.AUTHORITY, None, None),
            (*common, Level.AGENCY, figure.agency_id, None),
            (*common, Level.TEAM, figure.agency_id, figure.team_id),
        ):
            counts = sums.setdefault(key, [0, 0])
            counts[0] += figure.numerator
            counts[1] += figure.denominator
    return [
        MonthlyTotal(
            measure=measure,
            month=month,
            authority_id=authority_id,
            computed_at=computed_at,
            level=level,
            agency_id=agency_id,
            team_id=team_id,
            numerator=numerator,
            denominator=denominator,
        )
        for (measure, month, authority_id, computed_at, level, agency_id, team_id), (
            numerator,
            denominator,
        ) in sums.items()
    ]


def refresh_month(*, authority: Authority, month: date, now: datetime | None = None) -> int:
    """Replace one authority's figures for one month, every measure, in one transaction."""
    now = now or timezone.now()
    agency_ids = list(Agency.objects.filter(authority=authority).values_list("id", flat=True))
    figures = []
    for measure in all_measures().values():
        figures += _figures_for(measure, authority=authority, agency_ids=agency_ids, month=month, now=now)
    with transaction.atomic():
        MonthlyFigure.objects.filter(authority=authority, month=month).delete()
        MonthlyFigure.objects.bulk_create(figures, batch_size=1000)
        MonthlyTotal.objects.filter(authority=authority, month=month).delete()
        MonthlyTotal.objects.bulk_create(totals_of(figures), batch_size=1000)
    return len(figures)


def _analyze():
    """Fresh statistics for the rows just written: without them the planner takes a month's new
    rows for a handful and the dashboard's first reads after a refresh sort on disk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {MonthlyFigure._meta.db_table}, {MonthlyTotal._meta.db_table}")


def refresh_monthly_figures(*, months: list[date], authority: Authority | None = None, now=None) -> RefreshResult:
    """Work out again every measure for `months` (first days), for one authority or all of them."""
    authorities = [authority] if authority is not None else list(Authority.objects.order_by("pk"))
    rows = 0
    for each in authorities:
        for month in months:
            rows += refresh_month(authority=each, month=month, now=now)
    _analyze()
    return RefreshResult(authorities=len(authorities), months=len(months), rows=rows)
