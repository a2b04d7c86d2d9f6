"""The performance dashboard, a measure's breakdown, a month's drill-down and their CSV files.

Managers and administrators only (403 otherwise); another authority's agency or team: 404.
Figures come from the monthly summary table (selectors); the drill-down lists live records,
only those about children the user may open, and its reads are logged like other lists.
"""

import hashlib
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.audit import record_search
from config.spreadsheet import csv_download

from . import charts, selectors
from .definitions import measure
from .forms import PeriodForm, parse_month
from .paging import NextPage, counted_page
from .sources import cells

FILTERS = ("from", "to", "agency", "team")
PAGE_SIZE = 50


def _id(request, name):
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


class Filters:
    """What every page of the dashboard reads from the query string: whose figures, which months."""

    def __init__(self, request):
        self.scope = selectors.scope_for(request.user, agency_id=_id(request, "agency"), team_id=_id(request, "team"))
        self.teams = selectors.teams_of(self.scope)
        self.form = PeriodForm(request.GET, scope=self.scope, teams=self.teams)
        self.months = self.form.cleaned_data["months"] if self.form.is_valid() else None
        self.query = urlencode({k: request.GET[k] for k in FILTERS if request.GET.get(k)})


def _measure_or_404(code):
    found = measure(code)
    if found is None:
        raise Http404
    return found


def _table(series, query):
    rows = []
    for point in series.points:
        url = reverse("performance-drilldown", args=[series.measure.code, f"{point.month:%Y-%m}"])
        rows.append(
            {
                "point": point,
                "value": series.measure.percent(point.numerator, point.denominator),
                "url": f"{url}?{query}" if query else url,
            }
        )
    return rows


def _card(series, query):
    code = series.measure.code
    return {
        "measure": series.measure,
        "series": series,
        "chart": charts.trend_svg(series.measure, series.points, chart_id=f"chart-{code}"),
        "rows": _table(series, query),
        "latest": series.measure.value_text(series.latest.numerator, series.latest.denominator),
    }


# Drawing 17 charts and tables costs more than reading their figures, and they change only when
# the figures are worked out again: the drawn cards are kept, keyed by whose figures, which
# months and when they were worked out, so a refresh brings new ones. They name no child.
CARDS_KEPT_SECONDS = 24 * 60 * 60


def _cards_html(page):
    series, computed_at = selectors.monthly_series(scope=page.scope, months=page.months)
    scope = page.scope
    key = ":".join(
        [
            "performance-cards-v1",
            str(scope.authority_id),
            str(scope.agency.pk if scope.agency else ""),
            str(scope.team.pk if scope.team else ""),
            f"{page.months[0]:%Y-%m}",
            f"{page.months[-1]:%Y-%m}",
            computed_at.isoformat() if computed_at else "never",
            hashlib.sha256(page.query.encode()).hexdigest()[:16],
        ]
    )
    # Nothing worked out yet: drawn each time, as a refresh may bring figures without a new key.
    html = cache.get(key) if computed_at else None
    if html is None:
        cards = [_card(each, page.query) for each in series.values()]
        html = render_to_string("performance/_cards.html", {"cards": cards, "page": page})
        if computed_at:
            cache.set(key, html, CARDS_KEPT_SECONDS)
    return mark_safe(html), computed_at  # noqa: S308 - rendered by our own template, autoescaped


@login_required
def dashboard(request):
    page = Filters(request)
    cards_html, computed_at = ("", None)
    if page.months:
        cards_html, computed_at = _cards_html(page)
    context = {
        "page": page,
        "form": page.form,
        "cards_html": cards_html,
        "computed_at": computed_at,
        "section": "performance",
    }
    return render(request, "performance/dashboard.html", context)


@login_required
def measure_page(request, code):
    chosen = _measure_or_404(code)
    page = Filters(request)
    context = {"page": page, "form": page.form, "measure": chosen, "section": "performance"}
    if page.months:
        series, computed_at = selectors.monthly_series(scope=page.scope, months=page.months, measures=[chosen])
        context |= {"card": _card(series[code], page.query), "computed_at": computed_at}
        context["teams"] = selectors.team_breakdown(measure=chosen, scope=page.scope, months=page.months)
        if selectors.leads(request.user, page.scope.team):
            context["workers"] = selectors.worker_breakdown(
                user=request.user, measure=chosen, scope=page.scope, months=page.months
            )
    return render(request, "performance/measure.html", context)


def _figure_row(chosen, numerator, denominator):
    if chosen.is_rate:
        value = round(numerator / denominator, 4) if denominator else ""
        return [numerator, denominator, value]
    return [numerator]


def _figure_header(chosen, first):
    if chosen.is_rate:
        return [first, chosen.numerator_label, chosen.denominator_label, "Value (0 to 1)"]
    return [first, chosen.numerator_label]


@login_required
def months_csv(request, code):
    chosen = _measure_or_404(code)
    page = Filters(request)
    if not page.months:
        raise Http404
    series, _ = selectors.monthly_series(scope=page.scope, months=page.months, measures=[chosen])
    rows = [[f"{p.month:%Y-%m}", *_figure_row(chosen, p.numerator, p.denominator)] for p in series[code].points]
    return csv_download(f"{code}-by-month.csv", _figure_header(chosen, "Month"), rows)


@login_required
def breakdown_csv(request, code):
    chosen = _measure_or_404(code)
    page = Filters(request)
    if not page.months:
        raise Http404
    if request.GET.get("by") == "worker":
        found = selectors.worker_breakdown(user=request.user, measure=chosen, scope=page.scope, months=page.months)
        first = "Worker"
    else:
        found = selectors.team_breakdown(measure=chosen, scope=page.scope, months=page.months)
        first = "Team"
    rows = [[row.name, *_figure_row(chosen, row.numerator, row.denominator)] for row in found]
    return csv_download(f"{code}-by-{first.lower()}.csv", _figure_header(chosen, first), rows)


def _drilldown(request, code, month_text):
    chosen = _measure_or_404(code)
    month = parse_month(month_text)
    if month is None:
        raise Http404
    page = Filters(request)
    found = selectors.drilldown(user=request.user, measure=chosen, scope=page.scope, month=month)
    return chosen, month, page, found


@login_required
def drilldown(request, code, month):
    chosen, month, page, found = _drilldown(request, code, month)
    number = request.GET.get("page")
    if found.counted_live:
        records = counted_page(found.records, PAGE_SIZE, number)
    else:
        # Only the rows of this page and one more, to know whether another follows.
        records = NextPage(found.records, PAGE_SIZE, number)
    rows = [{"record": r, "cells": cells(chosen, r)} for r in records]
    record_search(
        user=request.user,
        what=f"page:performance-records:{code}",
        query=f"{month:%Y-%m} {page.query}",
        child_ids=[row["record"].child_id for row in rows],
    )
    context = {
        "page": page,
        "measure": chosen,
        "month": month,
        "found": found,
        "records": records,
        "rows": rows,
        "exact_up_to": selectors.EXACT_UP_TO,
        "section": "performance",
    }
    return render(request, "performance/drilldown.html", context)


@login_required
def drilldown_csv(request, code, month):
    chosen, month, page, found = _drilldown(request, code, month)
    records = list(found.records)
    record_search(
        user=request.user,
        what=f"csv:performance-records:{code}",
        query=f"{month:%Y-%m} {page.query}",
        child_ids=sorted({r.child_id for r in records}),
    )
    rows = [[r.child.full_name, *cells(chosen, r)] for r in records]
    return csv_download(f"{code}-{month:%Y-%m}-records.csv", ["Child", *found.columns], rows)
