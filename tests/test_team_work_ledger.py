"""Team work's copy of each team's open work (workload.OpenWorkItem) follows the records it copies."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team
from casework.involvements.allocation import allocate_involvement
from casework.models import Assessment, Involvement
from notifications.clocks import cancel_clock, start_clock
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies, worker_in_new_team
from workload.models import OpenWorkItem, TeamWorkTally
from workload.team_work import ledger
from workload.team_work.overview import teams_side_by_side
from workload.team_work.sources import work_sources

pytestmark = pytest.mark.django_db


def _from_records() -> set[tuple]:
    """What the sources answer now, for every team: the ledger must hold exactly this."""
    return {
        (row["w_team"], row["w_kind"], row["w_id"], row["w_child"], row["w_worker"], row["w_due"], row["w_deadline"])
        for query in work_sources(list(Team.objects.select_related("agency")))
        for row in query
    }


def _kept() -> set[tuple]:
    ledger.bring_up_to_date()
    return set(
        OpenWorkItem.objects.values_list(
            "team_id", "kind", "record_id", "child_id", "worker_id", "due_at", "deadline_id"
        )
    )


@pytest.fixture
def team():
    csc, _mash, _cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    colleague = UserFactory(agency=csc, team=team, line_manager=manager)
    child = ChildFactory()
    involvement = InvolvementFactory(child=child, agency=csc, team=team, allocated_worker=worker)
    assessment = Assessment.objects.create(
        child=child,
        referral_received_at=timezone.now(),
        started_on=timezone.localdate(),
        social_worker=worker,
        created_by=worker,
    )
    return {
        "csc": csc,
        "team": team,
        "manager": manager,
        "worker": worker,
        "colleague": colleague,
        "child": child,
        "involvement": involvement,
        "assessment": assessment,
    }


def test_records_saved_through_the_services_are_copied_as_they_are_written(team):
    assert _kept() == _from_records()
    kinds = set(OpenWorkItem.objects.filter(team=team["team"]).values_list("kind", "worker_id"))
    assert kinds == {("involvement", team["worker"].pk), ("assessment", team["worker"].pk)}

    clock = start_clock(
        "assessment", team["assessment"], child=team["child"], responsible=team["worker"], agency=team["csc"]
    )
    assert _kept() == _from_records()
    assert OpenWorkItem.objects.get(kind="assessment").due_at == clock.due_at

    allocate_involvement(
        involvement=team["involvement"], to=team["colleague"], by=team["manager"], reason="Caseload balancing"
    )
    assert _kept() == _from_records()
    moved = OpenWorkItem.objects.filter(team=team["team"]).values_list("worker_id", flat=True)
    assert set(moved) == {team["colleague"].pk}

    cancel_clock("assessment", team["assessment"], reason="Moved away")
    assert _kept() == _from_records()
    assert OpenWorkItem.objects.get(kind="assessment").due_at is None


def test_a_worker_who_moves_team_takes_their_work_with_them(team):
    _worker, new_team, _manager = worker_in_new_team(team["csc"])
    colleague = team["colleague"]
    allocate_involvement(involvement=team["involvement"], to=colleague, by=team["manager"], reason="Cover")
    colleague.team = new_team
    colleague.save()
    assert _kept() == _from_records()
    # The assessment follows its worker; the involvement stays with the team that holds it.
    assert OpenWorkItem.objects.get(kind="assessment").team_id == new_team.pk
    assert OpenWorkItem.objects.get(kind="involvement").team_id == team["team"].pk


def test_an_unallocated_record_is_the_work_of_every_team_holding_the_child(team):
    Assessment.objects.filter(pk=team["assessment"].pk).update(social_worker=None)
    _worker, second_team, _manager = worker_in_new_team(team["csc"])
    InvolvementFactory(child=team["child"], agency=team["csc"], team=second_team)
    # Two open involvements with the same team still make one row.
    InvolvementFactory(child=team["child"], agency=team["csc"], team=second_team)
    ledger.reconcile()
    held = OpenWorkItem.objects.filter(kind="assessment", worker__isnull=True).values_list("team_id", flat=True)
    assert sorted(held) == sorted([team["team"].pk, second_team.pk])
    assert _kept() == _from_records()


def test_a_change_made_round_the_services_is_put_right_by_reconcile(team):
    _kept()
    Involvement.objects.filter(pk=team["involvement"].pk).update(end=timezone.localdate())
    assert OpenWorkItem.objects.filter(kind="involvement").exists()
    result = ledger.reconcile(batch=1)
    assert not OpenWorkItem.objects.filter(kind="involvement").exists()
    assert _kept() == _from_records()
    assert result["rows"] == OpenWorkItem.objects.count()


def test_a_childs_rows_are_written_once_the_change_commits(team, django_capture_on_commit_callbacks):
    ledger.bring_up_to_date()
    child = ChildFactory()
    with django_capture_on_commit_callbacks(execute=True):
        InvolvementFactory(child=child, agency=team["csc"], team=team["team"])
        assert not OpenWorkItem.objects.filter(child=child).exists()
    assert OpenWorkItem.objects.filter(child=child, kind="involvement", allocated=False).count() == 1


def _counts_of_work(queries) -> int:
    return sum(
        1 for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)") and "openworkitem" in q["sql"]
    )


def test_counts_kept_between_requests_follow_a_change_to_the_teams_work(client, team):
    client.force_login(team["manager"])
    url = reverse("team-work-team", args=[team["team"].pk])
    assert client.get(url).context["page"].paginator.count == 2
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).context["page"].paginator.count == 2
    assert _counts_of_work(again) == 0  # nothing changed: kept, not counted again
    InvolvementFactory(child=ChildFactory(), agency=team["csc"], team=team["team"])
    with CaptureQueriesContext(connection) as changed:
        assert client.get(url).context["page"].paginator.count == 3
    assert _counts_of_work(changed) == 1  # what the manager may see, counted again; what they may not, kept


def test_side_by_side_counts_overdue_work_and_follow_changes(team):
    clock = start_clock(
        "assessment", team["assessment"], child=team["child"], responsible=team["worker"], agency=team["csc"]
    )
    assert teams_side_by_side(teams=[team["team"]])[0]["overdue"] == 0
    clock.due_at = timezone.now() - timedelta(hours=1)
    clock.save(update_fields=["due_at"])
    row = teams_side_by_side(teams=[team["team"]])[0]
    assert (row["open"], row["not_allocated"], row["overdue"]) == (2, 0, 1)


def test_each_teams_tally_adds_up_what_its_rows_say_as_work_changes(team):
    def tallied():
        ledger.bring_up_to_date()
        return {
            tally.team_id: (tally.open, tally.not_allocated, tally.awaiting_sign_off)
            for tally in TeamWorkTally.objects.exclude(open=0)
        }

    def counted():
        rows = OpenWorkItem.objects.all()
        return {
            team_id: (
                rows.filter(team_id=team_id).count(),
                rows.filter(team_id=team_id, allocated=False).count(),
                rows.filter(team_id=team_id, kind="assessment", detail="awaiting_sign_off").count(),
            )
            for team_id in rows.values_list("team_id", flat=True).distinct()
        }

    assert tallied() == counted() == {team["team"].pk: (2, 0, 0)}
    InvolvementFactory(child=ChildFactory(), agency=team["csc"], team=team["team"])
    Assessment.objects.filter(pk=team["assessment"].pk).update(status=Assessment.Status.AWAITING_SIGN_OFF)
    ledger.note_changed([team["child"].pk])
    assert tallied() == counted() == {team["team"].pk: (3, 1, 1)}
    _worker, other_team, _manager = worker_in_new_team(team["csc"])
    team["worker"].team = other_team
    team["worker"].save()
    assert tallied() == counted()
    assert tallied()[other_team.pk] == (1, 0, 1)  # the assessment went with its worker
    # A recount from the rows (as reconcile ends) agrees with what the changes added up to.
    before = tallied()
    ledger.reconcile()
    assert tallied() == before
