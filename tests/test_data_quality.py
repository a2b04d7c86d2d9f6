"""The census's data quality: the nightly check, the page, the worktray rows and the errors API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AccessEvent, Role
from casework.models import Child, Involvement
from referrals.models import Decision
from returns.data_quality.services import run_check
from returns.models import DataQualityRun
from tests.factories import UserFactory
from tests.test_cin_census import cohort, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken(world, cohort):  # noqa: F811
    """Ben's referral decision has lost its main need; his case is with the CSC worker."""
    ben = Child.objects.get(first_name="Ben")
    Decision.objects.filter(contact__child=ben).update(primary_need="")
    Involvement.objects.filter(child=ben, agency=world.csc).update(
        allocated_worker=world.csc_worker, team=world.csc_team
    )
    return ben


def test_a_check_stores_each_problem_once_with_the_child_and_who_holds_the_case(world, broken):  # noqa: F811
    run = run_check(authority=world.authority)
    assert (run.status, run.year, run.errors) == (DataQualityRun.Status.DONE, "2026-27", 1)
    [issue] = run.issues.filter(kind="error")
    assert (issue.rule, issue.child, issue.team, issue.worker) == ("8610", broken, world.csc_team, world.csc_worker)
    # Put right, the next check finds nothing: the trend shows both.
    Decision.objects.filter(contact__child=broken).update(primary_need="N1")
    assert run_check(authority=world.authority).errors == 0


def test_the_page_names_the_child_with_a_link_to_put_it_right_and_counts_those_the_reader_cannot_open(
    world,  # noqa: F811
    broken,
    client,
):
    run_check(authority=world.authority)
    client.force_login(world.csc_manager)
    page = client.get(reverse("data-quality")).content.decode()
    assert "Record the main need on the referral decision." in page
    assert broken.full_name in page and reverse("child-detail", args=[broken.pk]) in page
    assert "1 error" in page and world.csc_team.name in page

    outsider = UserFactory(role=Role.TEAM_MANAGER, agency=world.cyjs)
    client.force_login(outsider)
    page = client.get(reverse("data-quality")).content.decode()
    assert broken.full_name not in page and "1 more about children whose records you cannot open" in page

    client.force_login(world.csc_worker)
    assert client.get(reverse("data-quality")).status_code == 403


def test_check_now_runs_the_check_for_the_managers_authority(
    world,  # noqa: F811
    broken,
    client,
    django_capture_on_commit_callbacks,
):
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        client.force_login(world.csc_manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("data-quality-check"))
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 302
    run = DataQualityRun.objects.get()
    assert (run.requested_by, run.errors) == (world.csc_manager, 1)


def test_the_worker_holding_the_case_sees_the_error_on_their_worktray(world, broken):  # noqa: F811
    from workload.worktray.selectors import worktray

    run_check(authority=world.authority)
    rows = [row for row in worktray(user=world.csc_worker).items if row.kind == "census_error"]
    assert [(row.child_id, row.title, row.url) for row in rows] == [
        (broken.pk, "Record the main need on the referral decision.", reverse("child-detail", args=[broken.pk]))
    ]
    assert not [row for row in worktray(user=world.csc_manager).items if row.kind == "census_error"]


def test_the_errors_api_answers_what_the_caller_may_open_and_logs_it(world, broken):  # noqa: F811
    client = APIClient()
    client.force_authenticate(world.csc_manager)
    assert client.get("/api/v1/returns/cin-census/errors/?year=2026-27").status_code == 404  # not checked yet
    run_check(authority=world.authority)
    answer = client.get("/api/v1/returns/cin-census/errors/?year=2026-27").json()
    assert {"rule": "8610", "kind": "error", "child": broken.pk} in [
        {k: row[k] for k in ("rule", "kind", "child")} for row in answer
    ]
    assert AccessEvent.objects.filter(
        what="api:returns-cin-census-errors", username=world.csc_manager.username
    ).exists()
    assert client.get("/api/v1/returns/cin-census/errors/?year=27").status_code == 400

    outsider = UserFactory(role=Role.TEAM_MANAGER, agency=world.cyjs)
    client.force_authenticate(outsider)
    assert broken.pk not in [
        row["child"] for row in client.get("/api/v1/returns/cin-census/errors/?year=2026-27").json()
    ]
    client.force_authenticate(world.csc_worker)
    assert client.get("/api/v1/returns/cin-census/errors/?year=2026-27").status_code == 403
