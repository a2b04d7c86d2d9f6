"""Each performance measure against hand-counted records (performance/data/measures.toml says what they count)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum

from casework.models import Involvement
from notifications.models import Deadline
from performance.definitions import all_measures
from performance.models import MonthlyFigure
from performance.services import refresh_monthly_figures
from referrals.models import Decision
from tests.factories import ContactFactory, InvolvementFactory
from tests.performance_builders import at, clock, cp_plan, end_of, new_child, referral, world

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
NOW = at(date(2026, 3, 15))
S = Deadline.Status


def figure(w, code, month, **where):
    """(numerator, denominator) of the authority's figure, summed over its rows."""
    rows = MonthlyFigure.objects.filter(authority=w.authority, measure=code, month=month, **where)
    totals = rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return totals["n"] or 0, totals["d"] or 0


def refresh(w):
    refresh_monthly_figures(months=[JAN, FEB, MAR], authority=w.authority, now=NOW)


@pytest.fixture
def w():
    return world()


def test_every_required_measure_is_defined_with_its_words_and_source():
    required = {
        "contacts_received", "referral_decision_in_time", "re_referral_within_12_months", "mash_screening_in_time",
        "assessment_in_time", "icpc_in_time", "core_group_first_in_time", "cp_review_in_time", "cin_open",
        "cp_plans_open", "cp_plans_2_years_plus", "cp_plan_second_or_later", "cla_open",
        "placement_planning_in_time", "resettlement_planning_in_time", "serious_incident_notification_in_time",
        "aim_assessment_in_time",
    }  # fmt: skip
    measures = all_measures()
    assert required <= set(measures)
    for measure in measures.values():
        assert measure.title and measure.numerator and measure.source_paragraph and measure.breakdown
        assert measure.kind in ("rate", "count")
        if measure.is_rate:
            assert measure.denominator
        if measure.source == "clock":
            assert measure.rules and "cancelled" in measure.denominator.lower()


def test_a_clock_counts_in_the_month_it_is_due_met_on_the_due_day_in_time_cancelled_nowhere(w):
    child = new_child()
    wk, col = w.worker, w.colleague
    # February: met on the due day (in time), a minute late, overdue, cancelled, and one started in January.
    clock("assessment", child=child, responsible=wk, due_at=end_of(date(2026, 2, 10)), status=S.MET,
          met_at=at(date(2026, 2, 10), 17))  # fmt: skip
    late = end_of(date(2026, 2, 11))
    clock("assessment", child=child, responsible=wk, due_at=late, status=S.MET_LATE, met_at=late + timedelta(minutes=1))
    clock("assessment", child=child, responsible=col, due_at=end_of(date(2026, 2, 12)), status=S.BREACHED)
    clock("assessment", child=child, responsible=wk, due_at=end_of(date(2026, 2, 13)), status=S.CANCELLED)
    clock("assessment", child=child, responsible=col, due_at=end_of(date(2026, 2, 20)), status=S.MET,
          met_at=at(date(2026, 2, 19)), started_at=at(date(2026, 1, 20)))  # fmt: skip
    # Reopened: the first clock cancelled (nowhere), the new one counts by its own due date (March, in time).
    clock("assessment", child=child, responsible=wk, due_at=end_of(date(2026, 2, 14)), status=S.CANCELLED)
    clock("assessment", child=child, responsible=wk, due_at=end_of(date(2026, 3, 5)), status=S.MET,
          met_at=at(date(2026, 3, 4)))  # fmt: skip
    # March: open past due (the sweep has not marked it yet) counts, not in time; open and not yet due does not.
    clock("assessment", child=child, responsible=wk, due_at=end_of(date(2026, 3, 10)))
    clock("assessment", child=child, responsible=wk, due_at=end_of(date(2026, 3, 20)))
    # Another authority's clock, and another rule's clock: not counted here.
    other = clock("assessment", child=child, responsible=wk, due_at=end_of(date(2026, 2, 10)), agency=w.other_csc)
    assert other.agency.authority != w.authority
    clock("icpc", child=child, responsible=wk, due_at=end_of(date(2026, 2, 10)), status=S.BREACHED)

    refresh(w)

    assert figure(w, "assessment_in_time", JAN) == (0, 0)
    assert figure(w, "assessment_in_time", FEB) == (2, 4)
    assert figure(w, "assessment_in_time", MAR) == (1, 2)
    assert figure(w, "assessment_in_time", FEB, worker=wk) == (1, 2)
    assert figure(w, "assessment_in_time", FEB, worker=col) == (1, 2)
    assert figure(w, "assessment_in_time", FEB, team=w.team) == (2, 4)
    assert figure(w, "icpc_in_time", FEB) == (0, 1)


@pytest.mark.parametrize(
    "code,rules",
    [
        ("referral_decision_in_time", ["referral_decision"]),
        ("mash_screening_in_time", ["mash_rag_red", "mash_rag_amber", "mash_rag_green"]),
        ("icpc_in_time", ["icpc"]),
        ("core_group_first_in_time", ["core_group_first"]),
        ("cp_review_in_time", ["cp_review_first", "cp_review_next"]),
        ("placement_planning_in_time", ["placement_planning_meeting"]),
        ("resettlement_planning_in_time", ["resettlement_planning"]),
        (
            "serious_incident_notification_in_time",
            ["yjb_serious_incident_notification", "yjb_serious_incident_working_day"],
        ),
        ("aim_assessment_in_time", ["aim_assessment"]),
    ],
)
def test_each_clock_measure_counts_its_own_rules(w, code, rules):
    child = new_child()
    for index, rule in enumerate(rules):
        due = end_of(date(2026, 2, 2 + index))
        clock(rule, child=child, responsible=w.worker, due_at=due, status=S.MET, met_at=due)  # met at the due moment
        clock(rule, child=child, responsible=w.worker, due_at=due, status=S.BREACHED)
        clock(rule, child=child, responsible=w.worker, due_at=due, status=S.CANCELLED)
    clock("lado_informed", child=child, responsible=w.worker, due_at=end_of(date(2026, 2, 2)), status=S.MET,
          met_at=at(date(2026, 2, 2)))  # fmt: skip
    refresh(w)
    assert figure(w, code, FEB) == (len(rules), 2 * len(rules))


def test_contacts_received_counts_by_the_uk_month_received(w):
    for moment in (at(date(2026, 2, 1), 0, 0), at(date(2026, 2, 14)), at(date(2026, 2, 28), 23, 59)):
        ContactFactory(agency=w.mash, received_at=moment, allocated_to=w.worker)
    ContactFactory(agency=w.mash, received_at=at(date(2026, 3, 1), 0, 0))
    ContactFactory(agency=w.other_csc, received_at=at(date(2026, 2, 14)))
    refresh(w)
    assert figure(w, "contacts_received", FEB) == (3, 0)
    assert figure(w, "contacts_received", MAR) == (1, 0)
    assert figure(w, "contacts_received", FEB, worker=w.worker) == (3, 0)


def test_re_referral_needs_an_earlier_referral_decided_in_the_365_days_before(w):
    by = w.manager
    again, long_ago, early_help_before = new_child(), new_child(), new_child()
    referral(child=again, agency=w.mash, decided_at=at(date(2026, 1, 10)), by=by)
    referral(child=again, agency=w.mash, decided_at=at(date(2026, 2, 5)), by=by,
             outcome=Decision.Outcome.STRATEGY_DISCUSSION)  # fmt: skip
    referral(child=long_ago, agency=w.mash, decided_at=at(date(2025, 2, 5), 11), by=by)
    referral(child=long_ago, agency=w.mash, decided_at=at(date(2026, 2, 6)), by=by)
    referral(child=early_help_before, agency=w.mash, decided_at=at(date(2026, 1, 3)), by=by,
             outcome=Decision.Outcome.EARLY_HELP)  # fmt: skip
    referral(child=early_help_before, agency=w.mash, decided_at=at(date(2026, 2, 7)), by=by)
    # Not a referral: signposted in February.
    referral(child=new_child(), agency=w.mash, decided_at=at(date(2026, 2, 8)), by=by,
             outcome=Decision.Outcome.NFA_SIGNPOST)  # fmt: skip
    refresh(w)
    assert figure(w, "re_referral_within_12_months", JAN) == (0, 1)
    assert figure(w, "re_referral_within_12_months", FEB) == (1, 3)


def test_open_involvements_are_counted_as_at_the_months_last_day(w):
    InvolvementFactory(agency=w.csc, kind=Involvement.Kind.CIN, start=date(2026, 1, 5), allocated_worker=w.worker)
    InvolvementFactory(agency=w.csc, kind=Involvement.Kind.CIN, start=date(2026, 1, 5), end=date(2026, 1, 31))
    InvolvementFactory(agency=w.csc, kind=Involvement.Kind.CIN, start=date(2026, 2, 28))
    InvolvementFactory(agency=w.csc, kind=Involvement.Kind.CLA, start=date(2025, 12, 1), end=date(2026, 2, 15))
    InvolvementFactory(agency=w.cyjs, kind=Involvement.Kind.YJ_COURT_ORDER, start=date(2026, 1, 1))
    InvolvementFactory(agency=w.other_csc, kind=Involvement.Kind.CIN, start=date(2026, 1, 1))
    refresh(w)
    assert [figure(w, "cin_open", m) for m in (JAN, FEB, MAR)] == [(1, 0), (2, 0), (2, 0)]
    assert [figure(w, "cla_open", m) for m in (JAN, FEB, MAR)] == [(1, 0), (0, 0), (0, 0)]
    assert figure(w, "cin_open", JAN, worker=w.worker) == (1, 0)


def test_child_protection_plans_open_long_and_repeated(w):
    lead = w.worker
    repeat, first, long_running = new_child(), new_child(), new_child()
    cp_plan(child=repeat, started_on=date(2023, 1, 1), ended_on=date(2023, 6, 1), lead=lead)
    cp_plan(child=repeat, started_on=date(2026, 2, 10), lead=lead)
    cp_plan(child=first, started_on=date(2026, 2, 20), lead=lead)
    cp_plan(child=long_running, started_on=date(2024, 2, 1), lead=lead)
    cp_plan(child=new_child(), started_on=date(2025, 12, 1), ended_on=date(2026, 1, 31), lead=lead)
    refresh(w)
    assert figure(w, "cp_plans_open", JAN) == (1, 0)
    assert figure(w, "cp_plans_open", FEB) == (3, 0)
    # Two years before 31 January 2026 is 31 January 2024: the plan of 1 February 2024 is not yet 2 years old.
    assert figure(w, "cp_plans_2_years_plus", JAN) == (0, 0)
    assert figure(w, "cp_plans_2_years_plus", FEB) == (1, 0)
    assert figure(w, "cp_plan_second_or_later", FEB) == (1, 2)
    assert figure(w, "cp_plan_second_or_later", JAN) == (0, 0)


def test_a_refresh_replaces_the_months_figures_and_the_command_says_what_it_did(w, capsys):
    child = new_child()
    clock("icpc", child=child, responsible=w.worker, due_at=end_of(date(2026, 2, 2)), status=S.BREACHED)
    refresh(w)
    refresh(w)
    assert figure(w, "icpc_in_time", FEB) == (0, 1)
    call_command("refresh_performance", "--months", "2", "--authority", w.authority.la_code)
    out = capsys.readouterr().out
    assert out.startswith("Worked out ") and "1 authority," in out
