"""The performance dashboard, measure page, drill-down, CSV files and API: who sees what, and in how many queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, Role
from casework.models import Involvement
from notifications.models import Deadline
from performance import months
from performance.services import refresh_monthly_figures
from tests.factories import InvolvementFactory, TeamFactory, UserFactory, authority_with_agencies, worker_in_new_team
from tests.performance_builders import clock, end_of, new_child, world

pytestmark = pytest.mark.django_db
S = Deadline.Status


def last_month() -> date:
    return months.add_months(months.first_of(timezone.localdate()), -1)


def refresh(w):
    refresh_monthly_figures(months=months.recent(timezone.localdate(), 13), authority=w.authority)


@pytest.fixture
def w():
    w = world()
    month = last_month()
    w.seen = new_child()
    InvolvementFactory(child=w.seen, agency=w.csc, kind=Involvement.Kind.CIN, team=w.team, allocated_worker=w.worker)
    w.unseen = new_child()
    InvolvementFactory(child=w.unseen, agency=w.cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
    due = end_of(month + timedelta(days=9))
    clock("assessment", child=w.seen, responsible=w.worker, due_at=due, status=S.MET, met_at=due - timedelta(hours=3))
    clock("assessment", child=w.seen, responsible=w.colleague, due_at=due, status=S.BREACHED)
    clock("assessment", child=w.unseen, responsible=w.worker, due_at=due, status=S.MET_LATE, met_at=due + timedelta(1))
    refresh(w)
    return w


def signed_in(client, user):
    client.force_login(user)
    return client


def test_practitioners_may_not_see_performance(client, w):
    signed_in(client, w.worker)
    month = f"{last_month():%Y-%m}"
    for url in (
        reverse("performance-dashboard"),
        reverse("performance-measure", args=["assessment_in_time"]),
        reverse("performance-drilldown", args=["assessment_in_time", month]),
        reverse("api-performance-measures") + "?from=2026-01-01&to=2026-01-31",
    ):
        assert client.get(url).status_code == 403, url


def test_the_dashboard_shows_each_measure_with_its_numerator_denominator_chart_and_table(client, w):
    response = signed_in(client, w.head).get(reverse("performance-dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Performance</h1>' in html
    assert html.count('role="img"') == 17
    assert "Assessments completed within 45 working days" in html
    month = last_month()
    drill = reverse("performance-drilldown", args=["assessment_in_time", f"{month:%Y-%m}"])
    assert drill in html
    assert "Download CSV" in html


def test_the_dashboard_answers_in_the_same_number_of_queries_with_one_or_twelve_months_of_data(client, w):
    signed_in(client, w.head)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("performance-dashboard"))
    child = new_child()
    for back in range(2, 13):
        month = months.add_months(last_month(), -back + 1)
        clock("icpc", child=child, responsible=w.worker, due_at=end_of(month + timedelta(days=3)), status=S.BREACHED)
    refresh(w)
    with CaptureQueriesContext(connection) as twelve:
        client.get(reverse("performance-dashboard"))
    assert len(one) == len(twelve)


def test_another_authoritys_team_and_a_worker_breakdown_of_a_team_not_theirs_are_not_found(client, w):
    _, _, other_cyjs = authority_with_agencies()
    elsewhere = TeamFactory(agency=other_cyjs)
    signed_in(client, w.head)
    assert client.get(reverse("performance-dashboard") + f"?team={elsewhere.pk}").status_code == 404
    api = reverse("api-performance-measures") + f"?from=2026-01-01&to=2026-01-31&team={elsewhere.pk}"
    assert client.get(api).status_code == 404
    not_theirs = TeamFactory(agency=w.cyjs)
    csv_url = reverse("performance-breakdown-csv", args=["assessment_in_time"])
    assert client.get(csv_url + f"?by=worker&team={not_theirs.pk}").status_code == 404
    assert client.get(csv_url + f"?by=worker&team={w.team.pk}").status_code == 200


def test_the_measure_page_breaks_down_by_team_and_by_worker_for_a_team_they_run(client, w):
    signed_in(client, w.manager)
    url = reverse("performance-measure", args=["assessment_in_time"])
    html = client.get(url + f"?team={w.team.pk}").content.decode()
    assert "By team over the period" in html and "By worker in" in html
    assert w.worker.display_name in html and w.colleague.display_name in html
    lines = client.get(reverse("performance-months-csv", args=["assessment_in_time"])).content.decode().splitlines()
    assert lines[0] == "Month,In time,Due,Value (0 to 1)"
    assert f"{last_month():%Y-%m},1,3,0.3333" in lines


def test_the_drill_down_lists_only_children_the_user_may_open_and_says_how_many_it_hides(client, w):
    signed_in(client, w.head)
    url = reverse("performance-drilldown", args=["assessment_in_time", f"{last_month():%Y-%m}"])
    response = client.get(url)
    html = response.content.decode()
    assert w.seen.full_name in html
    assert w.unseen.full_name not in html
    assert "1 record is about children you cannot open" in html
    event = AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH, user=w.head).latest("occurred_at")
    assert str(w.seen.pk) in event.detail and str(w.unseen.pk) not in event.detail.split("returned:")[1]
    csv_text = client.get(url + "records.csv").content.decode()
    assert w.seen.full_name in csv_text and w.unseen.full_name not in csv_text


def test_the_measures_api_answers_every_measure_with_rates_as_fractions_and_counts_without_denominator(client, w):
    signed_in(client, w.head)
    month = last_month()
    first, last = month, months.last_day(month)
    response = client.get(reverse("api-performance-measures") + f"?from={first}&to={last}")
    assert response.status_code == 200
    figures = {f["code"]: f for f in response.json()}
    assert len(figures) == 17
    assert figures["assessment_in_time"] == {
        "code": "assessment_in_time",
        "title": "Assessments completed within 45 working days",
        "numerator": 1,
        "denominator": 3,
        "value": pytest.approx(1 / 3),
        "from": first.isoformat(),
        "to": last.isoformat(),
    }
    assert figures["icpc_in_time"]["value"] is None and figures["icpc_in_time"]["denominator"] == 0
    assert figures["cin_open"]["denominator"] is None
    team = client.get(reverse("api-performance-measures") + f"?from={first}&to={last}&team={w.team.pk}").json()
    assert {f["code"]: f for f in team}["assessment_in_time"]["denominator"] == 3


@pytest.mark.parametrize(
    "query,field",
    [("from=2026-13-01&to=2026-12-31", "from"), ("from=2026-05-01&to=2026-04-30", "to"), ("to=2026-01-31", "from")],
)
def test_the_measures_api_refuses_bad_periods_with_field_errors(client, w, query, field):
    response = signed_in(client, w.head).get(reverse("api-performance-measures") + "?" + query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_manager_of_another_agency_sees_the_authoritys_figures_but_runs_none_of_its_teams(client, w):
    cyjs_head = UserFactory(role=Role.HEAD_OF_SERVICE, agency=w.cyjs)
    worker_in_new_team(w.cyjs)
    signed_in(client, cyjs_head)
    assert client.get(reverse("performance-dashboard") + f"?team={w.team.pk}").status_code == 200
    url = reverse("performance-breakdown-csv", args=["assessment_in_time"]) + f"?by=worker&team={w.team.pk}"
    assert client.get(url).status_code == 404


def test_the_measures_api_answers_in_the_same_number_of_queries_with_one_or_twelve_months_of_data(client, w):
    signed_in(client, w.head)
    url = reverse("api-performance-measures") + f"?from={months.add_months(last_month(), -11)}&to={last_month()}"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    child = new_child()
    for back in range(1, 12):
        month = months.add_months(last_month(), -back)
        clock("icpc", child=child, responsible=w.worker, due_at=end_of(month + timedelta(days=3)), status=S.BREACHED)
    refresh(w)
    with CaptureQueriesContext(connection) as twelve:
        assert client.get(url).json()
    assert len(one) == len(twelve)
