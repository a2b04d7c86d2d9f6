"""What keeps the performance pages fast with millions of records: the summary totals, the drill-down
that checks only the records it lists, and the drawn charts kept until the figures change."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Involvement
from notifications.models import Deadline
from performance import months, selectors
from performance.models import MonthlyFigure, MonthlyTotal
from performance.services import refresh_monthly_figures
from tests.factories import InvolvementFactory
from tests.performance_builders import clock, end_of, new_child, world

pytestmark = pytest.mark.django_db
S = Deadline.Status
L = MonthlyTotal.Level


def last_month():
    return months.add_months(months.first_of(timezone.localdate()), -1)


def refresh(w):
    refresh_monthly_figures(months=months.recent(timezone.localdate(), 13), authority=w.authority)


@pytest.fixture
def w():
    w = world()
    due = end_of(last_month() + timedelta(days=9))
    w.seen, w.unseen = [], []
    for n in range(4):
        child = new_child()
        InvolvementFactory(child=child, agency=w.csc, kind=Involvement.Kind.CIN, team=w.team, allocated_worker=w.worker)
        clock("assessment", child=child, responsible=w.worker if n % 2 else w.colleague, due_at=due + timedelta(n),
              status=S.MET, met_at=due)  # fmt: skip
        w.seen.append(child)
    for n in range(2):
        child = new_child()
        InvolvementFactory(child=child, agency=w.cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
        clock("assessment", child=child, responsible=w.worker, due_at=due + timedelta(n), status=S.BREACHED)
        w.unseen.append(child)
    refresh(w)
    return w


def test_the_refresh_writes_the_authoritys_agencies_and_teams_totals_of_the_worker_figures(w):
    month = last_month()
    figures = MonthlyFigure.objects.filter(measure="assessment_in_time", month=month, authority=w.authority)
    assert sorted((f.worker_id, f.numerator, f.denominator) for f in figures) == sorted(
        [(w.worker.pk, 2, 4), (w.colleague.pk, 2, 2)]
    )
    totals = MonthlyTotal.objects.filter(measure="assessment_in_time", month=month, authority=w.authority)
    assert {(t.level, t.agency_id, t.team_id, t.numerator, t.denominator) for t in totals} == {
        (L.AUTHORITY, None, None, 4, 6),
        (L.AGENCY, w.csc.pk, None, 4, 6),
        (L.TEAM, w.csc.pk, w.team.pk, 4, 6),
    }
    # A second refresh replaces them rather than adding to them.
    refresh(w)
    assert (
        MonthlyTotal.objects.filter(measure="assessment_in_time", month=month, level=L.AUTHORITY).get().denominator == 6
    )


def test_the_drill_down_of_a_large_figure_lists_a_page_and_says_plainly_it_does_not_count_what_it_hides(
    client, w, monkeypatch
):
    monkeypatch.setattr(selectors, "EXACT_UP_TO", 3)
    monkeypatch.setattr("performance.views.PAGE_SIZE", 2)
    client.force_login(w.head)
    url = reverse("performance-drilldown", args=["assessment_in_time", f"{last_month():%Y-%m}"])
    html = client.get(url).content.decode()
    assert "6 records were counted in this figure when it was worked out" in html
    assert "does not count those it leaves out" in html
    assert "cannot open, so" not in html
    assert "Page 1" in html and "Page 1 of" not in html and "page=2" in html
    listed = [c for c in w.seen if c.full_name in html]
    assert len(listed) == 2
    second = client.get(url + "?page=2").content.decode()
    assert [c for c in w.seen if c.full_name in second] == [c for c in w.seen if c not in listed]
    assert "page=3" not in second
    for child in w.unseen:
        assert child.full_name not in html and child.full_name not in second
    # The CSV still lists every record the user may open, and none they may not.
    csv_text = client.get(url + "records.csv").content.decode()
    assert all(c.full_name in csv_text for c in w.seen) and not any(c.full_name in csv_text for c in w.unseen)


def test_a_small_figure_is_counted_live_and_says_exactly_how_many_it_hides(client, w):
    client.force_login(w.head)
    url = reverse("performance-drilldown", args=["assessment_in_time", f"{last_month():%Y-%m}"])
    html = client.get(url).content.decode()
    assert "6 records are counted in this figure, as the records stand now." in html
    assert "2 records are about children you cannot open" in html


def test_the_drill_down_reads_the_same_number_of_queries_for_a_short_or_long_list(client, w, monkeypatch):
    client.force_login(w.head)
    url = reverse("performance-drilldown", args=["assessment_in_time", f"{last_month():%Y-%m}"])
    monkeypatch.setattr(selectors, "EXACT_UP_TO", 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    due = end_of(last_month() + timedelta(days=20))
    for _ in range(5):
        child = new_child()
        InvolvementFactory(child=child, agency=w.csc, kind=Involvement.Kind.CIN, team=w.team, allocated_worker=w.worker)
        clock("assessment", child=child, responsible=w.worker, due_at=due, status=S.BREACHED)
    refresh(w)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def cards(response) -> str:
    return response.content.decode().split('id="measures-heading"')[1].split("</main>")[0]


def test_the_dashboard_keeps_its_drawn_charts_until_the_figures_are_worked_out_again(client, w):
    client.force_login(w.head)
    first = cards(client.get(reverse("performance-dashboard")))
    assert first == cards(client.get(reverse("performance-dashboard")))
    assert ">4</td>" in first and ">6</td>" in first
    clock("assessment", child=w.seen[0], responsible=w.worker, due_at=end_of(last_month() + timedelta(days=2)),
          status=S.MET, met_at=end_of(last_month()))  # fmt: skip
    refresh(w)
    after = cards(client.get(reverse("performance-dashboard")))
    assert ">5</td>" in after and ">7</td>" in after
