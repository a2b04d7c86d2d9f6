"""The CIN census: episodes worked out from the records, the XML, and the DfE's rules for the year.

A cohort walked through the pathway with the real API must export a file the validation rules
find no error in; a record left incomplete or wrong is reported against the right child.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AccessEvent
from returns.cin_census import episodes as ep
from returns.cin_census.services import census_text, check_census
from returns.cin_census.validation import ERROR
from returns.cin_census.years import CollectionYear
from tests.cin_census_builders import Pathway
from tests.test_pathway_end_to_end import world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

YEAR = CollectionYear.parse("2026-27")


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- The collection year -------------------------------------------------------------------------


def test_a_collection_year_runs_from_april_to_march_and_is_named_by_both_years():
    assert (YEAR.start, YEAR.end, YEAR.census_year, YEAR.ruleset) == (
        d("2026-04-01"),
        d("2027-03-31"),
        "2027",
        "cin2026_27",
    )
    assert CollectionYear.containing(d("2027-03-31")) == YEAR == CollectionYear.containing(d("2026-04-01"))
    for wrong in ("2026-28", "2026", "26-27", ""):
        with pytest.raises(ValidationError):
            CollectionYear.parse(wrong)


# --- Episodes from involvements and referrals -----------------------------------------------------


def test_involvements_with_no_gap_are_one_episode_closed_for_the_reason_of_the_last_to_close():
    history = ep.ChildHistory(
        involvements=(
            ep.InvolvementSpan(d("2026-05-04"), d("2026-06-10"), "RC7"),
            ep.InvolvementSpan(d("2026-06-11"), d("2026-09-01"), "RC8"),  # the next day: the same episode
            ep.InvolvementSpan(d("2026-10-05"), None),
        ),
        referrals=(
            ep.Referral(d("2026-05-01"), "2A", "N1"),
            ep.Referral(d("2026-07-01"), "6", "N4"),  # while open: not a new episode
            ep.Referral(d("2026-10-02"), "3F", "N2"),
        ),
    )
    first, second = ep.all_episodes(history)
    assert (first.referral_on, first.source, first.primary_need, first.closed_on, first.closure_code) == (
        d("2026-05-01"),
        "2A",
        "N1",
        d("2026-09-01"),
        "RC8",
    )
    assert (second.referral_on, second.source, second.closed_on, second.closure_code) == (
        d("2026-10-02"),
        "3F",
        None,
        "",
    )


def test_an_episode_closed_with_nothing_done_is_a_referral_with_no_further_action():
    history = ep.ChildHistory(
        involvements=(
            ep.InvolvementSpan(d("2026-05-04"), d("2026-05-06"), "RC7"),
            ep.InvolvementSpan(d("2026-06-01"), None),
        ),
        referrals=(ep.Referral(d("2026-05-04"), "1A", "N9"), ep.Referral(d("2026-06-01"), "1A", "N1")),
        assessments=(ep.AssessmentDates(d("2026-06-01")),),
    )
    closed, open_one = ep.all_episodes(history)
    assert closed.no_further_action and not open_one.no_further_action
    assert open_one.assessments == [ep.AssessmentDates(d("2026-06-01"))] and closed.assessments == []


def test_without_a_referral_the_episode_starts_when_the_first_involvement_opened_and_says_nothing_of_its_source():
    [episode] = ep.all_episodes(ep.ChildHistory(involvements=(ep.InvolvementSpan(d("2026-05-04"), None),)))
    assert (episode.referral_on, episode.source, episode.primary_need) == (d("2026-05-04"), "", "")


def test_the_year_keeps_what_was_open_in_it_and_leaves_out_what_happened_after_it_ended():
    history = ep.ChildHistory(
        involvements=(
            ep.InvolvementSpan(d("2025-01-06"), d("2025-03-01"), "RC7"),
            ep.InvolvementSpan(d("2026-01-05"), d("2027-05-03"), "RC7"),
        ),
        referrals=(ep.Referral(d("2025-01-06"), "8", "N1"), ep.Referral(d("2026-01-05"), "8", "N1")),
        assessments=(
            ep.AssessmentDates(d("2026-01-05"), d("2026-03-02"), ("1B",)),  # finished before the year
            ep.AssessmentDates(d("2026-03-09"), d("2026-04-20"), ("2B",)),  # finished in it
            ep.AssessmentDates(d("2027-03-01"), d("2027-04-20"), ("3B",)),  # finished after it
        ),
        cp_plans=(
            ep.ProtectionPlan(
                d("2026-05-04"), d("2027-06-01"), "neglect", "physical", 0, (d("2026-08-03"), d("2027-04-05"))
            ),
        ),
    )
    [episode] = ep.episodes_in_year(history, YEAR)  # the 2025 episode closed before the year began
    assert (episode.closed_on, episode.closure_code) == (None, "")  # closed after the year: open in its return
    assert [(a.start, a.authorised, a.factors) for a in episode.assessments] == [
        (d("2026-03-09"), d("2026-04-20"), ("2B",)),
        (d("2027-03-01"), None, ()),
    ]
    [plan] = episode.cp_plans
    assert (plan.end, plan.reviews) == (None, (d("2026-08-03"),))


# --- The whole pathway, exported and validated -----------------------------------------------------


@pytest.fixture
def cohort(db, world):  # noqa: F811
    """Children walked through the pathway in the 2026-27 year, each ending differently."""
    sd = {"sex": "F", "disabilities": ["NONE"]}

    # Referral, assessment, no further action; the case closes after the assessment.
    nfa_after_assessment = Pathway(world, "Ada", "2014-02-03")
    nfa_after_assessment.contact("2026-05-04", outcome="assessment", primary_need="N4")
    nfa_after_assessment.describe_child("2026-05-04", **sd)
    nfa_after_assessment.complete_assessment("2026-06-01", "2026-06-03", outcome="nfa", factors=["1B", "4B"])
    # (signing it off as no further action closes the case: RC8, asked of no one)

    # The whole child protection pathway: assessment, strategy discussion, s47, conference, plan,
    # reviews, the plan ends at a review and the case closes.
    protected = Pathway(world, "Ben", "2015-07-20")
    protected.contact("2026-04-13", outcome="assessment", primary_need="N1", source="6")
    protected.describe_child("2026-04-13", sex="M", disabilities=["LD"])
    protected.complete_assessment("2026-04-20", "2026-04-21", outcome="strategy_discussion", factors=["3A", "16A"])
    enquiry = protected.strategy_discussion("2026-04-22", section_47=True)
    protected.substantiated(enquiry, "2026-05-01")
    protected.conference("2026-05-06", kind="initial", enquiry=enquiry, plan_needed=True, category="neglect")
    plan = protected.plan_id()
    protected.conference("2026-08-05", kind="review", plan=plan, plan_needed=True, category="emotional")
    protected.conference("2027-02-03", kind="review", plan=plan, plan_needed=False)
    protected.close_social_care("2027-02-10", "RC7")

    # A strategy discussion straight from the front door that decides on no enquiries: closed with
    # nothing else done, a referral with no further action.
    no_action = Pathway(world, "Cal", "2012-11-11")
    no_action.contact("2026-09-07", outcome="strategy_discussion", primary_need="N1")
    no_action.describe_child("2026-09-07", sex="M", disabilities=["NONE"])
    no_action.strategy_discussion("2026-09-08", section_47=False)
    no_action.close_social_care("2026-09-09", "RC7")

    # Two episodes: closed after an assessment, referred again later and still open.
    twice = Pathway(world, "Dee", "2019-03-15")
    twice.contact("2026-06-08", outcome="assessment", primary_need="N5", source="3A")
    twice.describe_child("2026-06-08", sex="F", disabilities=["NONE"], upn_unknown_reason="UN2")
    twice.complete_assessment("2026-07-06", "2026-07-07", outcome="early_help", factors=["21"])
    # (signed off as early help: the case closes as RC9)
    twice.contact("2026-11-02", outcome="assessment", primary_need="N3", source="3A")
    twice.complete_assessment("2026-12-01", "2026-12-02", outcome="cin_plan", factors=["4B"])

    # Decided as signposting: a contact, not a referral; not in the census.
    signposted = Pathway(world, "Eve", "2013-01-09")
    signposted.contact("2026-10-05", outcome="nfa_signpost")
    return [nfa_after_assessment, protected, no_action, twice, signposted]


def test_the_cohorts_census_has_every_episode_and_no_error_under_the_years_rules(world, cohort):  # noqa: F811
    text = census_text(world.authority, YEAR)
    assert text.count("<Child>") == 4 and text.count("<CINdetails>") == 5
    assert "<ReferralNFA>true</ReferralNFA>" in text and "<ReasonForClosure>RC8</ReasonForClosure>" in text
    assert "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>" in text
    assert "<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>" in text
    issues = check_census(world.authority, YEAR)
    assert [i for i in issues if i.kind == ERROR] == []


def test_a_missing_primary_need_and_an_assessment_authorised_before_it_started_are_errors_of_that_child(world, cohort):  # noqa: F811
    from casework.models import Assessment, Child
    from referrals.models import Decision

    ben = Child.objects.get(first_name="Ben")
    Decision.objects.filter(contact__child=ben).update(primary_need="")
    assessment = Assessment.objects.get(child=ben)
    Assessment.objects.filter(pk=assessment.pk).update(started_on=d("2026-04-22"))  # after its sign-off
    errors = {(i.rule, i.child_reference) for i in check_census(world.authority, YEAR) if i.kind == ERROR}
    assert ("8610", ben.return_reference) in errors  # primary need missing
    assert ("8608", ben.return_reference) in errors  # assessment started after it was authorised
    assert all(child == ben.return_reference for _, child in errors)


def test_making_the_census_is_written_to_the_access_log_with_the_children_in_it(world, cohort):  # noqa: F811
    census_text(world.authority, YEAR, by=world.csc_manager)
    event = AccessEvent.objects.filter(what="returns:cin_census").latest("pk")
    assert event.username == world.csc_manager.username
    in_file = sorted(p.child_id for p in cohort[:4])
    assert event.detail.endswith(",".join(str(pk) for pk in in_file))


# --- The command and the API ---------------------------------------------------------------------


def test_the_command_writes_the_file_and_reports_what_the_rules_find(world, cohort, tmp_path):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    out, printed = tmp_path / "census.xml", StringIO()
    call_command(
        "export_cin_census",
        "--year",
        "2026-27",
        "--authority",
        world.authority.la_code,
        "--out",
        str(out),
        "--check",
        stdout=printed,
    )
    assert out.read_text().count("<Child>") == 4
    assert "4 children" in printed.getvalue() and "Validation: 0 errors" in printed.getvalue()
    assert "Censuschild" not in printed.getvalue()  # no names on the console
    assert AccessEvent.objects.filter(what="returns:cin_census", username="(command line)").exists()


def test_the_api_streams_the_census_to_the_performance_team_of_the_authority_only(world, cohort):  # noqa: F811
    from rest_framework.test import APIClient

    from accounts.models import Role
    from tests.factories import UserFactory

    analyst = UserFactory(role=Role.PERFORMANCE_ANALYST, agency=world.csc)
    url = f"/api/v1/returns/cin-census/?year=2026-27&authority={world.authority.la_code}"
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert b"".join(response.streaming_content).count(b"<Child>") == 4
    assert AccessEvent.objects.filter(what="returns:cin_census", username=analyst.username).exists()

    assert client.get("/api/v1/returns/cin-census/?year=2026&authority=888").json() == {
        "year": ["Enter a collection year like 2026-27"]
    }
    assert client.get("/api/v1/returns/cin-census/?year=2026-27&authority=999").status_code == 404
    client.force_authenticate(world.csc_worker)
    assert client.get(url).status_code == 403


def test_a_looked_after_child_or_an_episode_open_at_the_years_end_is_not_a_referral_with_no_further_action():
    looked_after = ep.ChildHistory(
        involvements=(ep.InvolvementSpan(d("2026-05-04"), d("2026-08-03"), "RC4", looked_after=True),),
        referrals=(ep.Referral(d("2026-05-04"), "6", "N1"),),
    )
    assert not ep.all_episodes(looked_after)[0].no_further_action
    closed_later = ep.ChildHistory(involvements=(ep.InvolvementSpan(d("2027-03-29"), d("2027-04-02"), "RC7"),))
    assert ep.all_episodes(closed_later)[0].no_further_action
    [in_year] = ep.episodes_in_year(closed_later, YEAR)
    assert (in_year.closed_on, in_year.no_further_action) == (None, False)
