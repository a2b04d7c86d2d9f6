"""The suggested level on the worked cases of levels-of-need notes §7.6, the consent gate and the decision."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ChildFactory, UserFactory
from thresholds import services
from thresholds.models import Framework, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan():
    return services.snapshot(Framework.objects.get(code="LAN", active=True))


@pytest.fixture
def cbc():
    return services.snapshot(Framework.objects.get(code="CBC", active=True))


def test_case_1_strengths_only_is_level_1_no_referral(lan):
    result = services.suggest_level(lan, ["LAN-L1-HEA-01", "LAN-L1-EMO-02", "LAN-L1-LRN-02"])
    assert result.level == 1
    assert result.highest_indicator_level is None
    assert "no referral needed" in result.reasons[0]


def test_case_2_school_absences_is_level_2_early_help_with_consent(lan):
    result = services.suggest_level(lan, ["LAN-L2-LRN-04"])
    assert result.level == 2 and result.urgency == "routine"
    level = Framework.objects.get(code="LAN", active=True).levels.get(number=2)
    assert level.route == Level.Route.EARLY_HELP and level.consent_policy == Level.Consent.REQUIRED


def test_case_3_one_level_3_need_alone_suggests_level_2_with_a_warning(lan):
    result = services.suggest_level(lan, ["LAN-L3-HWI-01"])
    assert result.level == 2
    assert result.highest_indicator_level == 3
    assert "A level 3 need is present: consider level 3" in result.warnings


def test_case_4_two_level_3_needs_suggest_level_3_and_warn_without_early_help(lan):
    result = services.suggest_level(lan, ["LAN-L3-BCS-03", "LAN-L3-BCS-04"])
    assert result.level == 3
    assert any("early help assessment" in w for w in result.warnings)
    with_eha = services.suggest_level(lan, ["LAN-L3-BCS-03", "LAN-L3-BCS-04"], has_early_help_assessment=True)
    assert with_eha.level == 3 and not with_eha.warnings


def test_case_5_bruising_in_a_non_mobile_baby_is_level_4_immediately(lan):
    result = services.suggest_level(lan, ["LAN-L4-HEA-11"])
    assert result.level == 4 and result.urgency == "immediate" and result.sole_trigger
    assert "LAN-L4-HEA-11" in result.reasons[0] and "significant harm on its own" in result.reasons[0]
    # consent not required, but a lawful basis is when it is not given
    assert (
        services.consent_errors(
            level_policy="not_required_inform", consent="", consent_reason="", significant_harm=True
        )
        == {}
    )
    assert "consent_reason" in services.consent_errors(
        level_policy="not_required_inform", consent="not_sought", consent_reason="", significant_harm=True
    )


def test_case_6_missing_three_times_in_90_days(lan, cbc):
    assert services.suggest_level(lan, [], missing_episodes_90d=3).level == 4
    assert services.suggest_level(lan, [], missing_episodes_90d=2).level == 3
    result = services.suggest_level(cbc, [], missing_episodes_90d=3)
    assert result.actions == ["strategy_meeting", "consider_cin"]
    assert result.level == 3


def test_case_7_child_in_need_a_year_prompts_a_review_and_sets_no_level(cbc):
    result = services.suggest_level(cbc, ["CBC-L4-FEF-01"])
    assert result.level == 1
    assert result.highest_indicator_level is None
    assert "review_cp_decision" in result.actions
    assert any("review the child protection decision" in p for p in result.prompts)


def test_case_8_level_3_consent_refused_without_significant_harm_is_blocked(cbc):
    result = services.suggest_level(cbc, ["CBC-L3-PAR-09", "CBC-L3-FEF-01"])
    assert result.level == 3
    errors = services.consent_errors(
        level_policy="required", consent="refused", consent_reason="", significant_harm=False
    )
    assert "advice without naming the family" in errors["consent"]
    # not sought: allowed only with a reason that seeking it would put the child at risk
    assert "consent_reason" in services.consent_errors(
        level_policy="required", consent="not_sought", consent_reason="", significant_harm=False
    )
    assert (
        services.consent_errors(
            level_policy="required",
            consent="not_sought",
            consent_reason="Father would harm the child",
            significant_harm=False,
        )
        == {}
    )
    assert (
        services.consent_errors(level_policy="required", consent="given", consent_reason="", significant_harm=False)
        == {}
    )


def test_case_9_overrides_need_a_rationale_and_below_a_sole_trigger_a_consultation():
    lan = Framework.objects.get(code="LAN", active=True)
    user = UserFactory()
    down = services.record_assessment(
        framework=lan,
        by=user,
        child=ChildFactory(),
        indicator_codes=["LAN-L3-BCS-03", "LAN-L3-BCS-04"],
        has_early_help_assessment=True,
    )
    assert down.suggested_level == 3
    with pytest.raises(ValidationError) as error:
        services.record_decision(assessment=down, by=user, final_level=2, consent="given")
    assert "rationale" in error.value.message_dict
    services.record_decision(
        assessment=down,
        by=user,
        final_level=2,
        rationale="Grandparents give daily support; strong school links",
        consent="given",
    )
    down.refresh_from_db()
    assert down.final_level == 2 and down.suggested_level == 3

    harm = services.record_assessment(framework=lan, by=user, child=ChildFactory(), indicator_codes=["LAN-L4-HEA-11"])
    with pytest.raises(ValidationError) as error:
        services.record_decision(assessment=harm, by=user, final_level=3, rationale="Explained by a medical condition")
    assert "consulted" in error.value.message_dict
    services.record_decision(
        assessment=harm,
        by=user,
        final_level=3,
        rationale="Explained by a medical condition",
        consulted="Duty social worker, by phone",
        consent="given",
    )
    harm.refresh_from_db()
    assert harm.final_level == 3


def test_case_10_unborn_child_with_earlier_removals_is_level_4_and_prompts_pre_birth(cbc):
    result = services.suggest_level(cbc, ["CBC-L4-PAR-10"])
    assert result.level == 4 and "prebirth_assessment" in result.actions


def test_level_4_needs_two_sides_of_the_triangle(lan):
    one_side = services.suggest_level(lan, ["LAN-L4-GBS-01", "LAN-L4-GBS-02"])
    assert one_side.level == 3 and "A level 4 need is present: consider level 4" in one_side.warnings
    two_sides = services.suggest_level(lan, ["LAN-L4-GBS-01", "LAN-L4-HWI-01"])
    assert two_sides.level == 4


def test_the_rules_are_configurable_per_framework(lan):
    lan["rules"] = {**lan["rules"], "policy": "highest_wins"}
    assert services.suggest_level(lan, ["LAN-L3-HWI-01"]).level == 3
    lan["levels"][3] = {**lan["levels"][3], "min_indicators": 1}
    lan["rules"]["policy"] = "cumulative_with_floor"
    assert services.suggest_level(lan, ["LAN-L3-HWI-01"]).level == 3


def test_significant_harm_suspected_goes_straight_to_the_top(cbc):
    result = services.suggest_level(cbc, [], significant_harm_suspected=True)
    assert result.level == 4 and result.urgency == "immediate"


def test_a_decision_at_level_2_without_consent_is_refused():
    cbc = Framework.objects.get(code="CBC", active=True)
    user = UserFactory()
    assessment = services.record_assessment(framework=cbc, by=user, indicator_codes=["CBC-L2-DEV-09"])
    with pytest.raises(ValidationError) as error:
        services.record_decision(assessment=assessment, by=user, final_level=2, consent="refused")
    assert "consent" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.record_assessment(framework=cbc, by=user, indicator_codes=["LAN-L2-LRN-04"])


def test_the_contact_prefill_carries_the_child_the_needs_and_the_level():
    lan = Framework.objects.get(code="LAN", active=True)
    user, child = UserFactory(), ChildFactory()
    assessment = services.record_assessment(
        framework=lan, by=user, child=child, indicator_codes=["LAN-L4-HEA-11", "LAN-L2-LRN-04", "LAN-L1-HEA-01"]
    )
    with pytest.raises(ValidationError):
        services.contact_prefill(assessment)  # not decided yet
    services.record_decision(assessment=assessment, by=user, final_level=4)
    prefill = services.contact_prefill(assessment)
    assert prefill["child"] == {"id": child.pk}
    assert prefill["concerns"]["referrer_level"] == "4"
    text = prefill["concerns"]["concerns"]
    assert "Unexplained injury or bruising in a non-mobile baby (level 4, LAN-L4-HEA-11)" in text
    assert "LAN-L2-LRN-04" in text and "LAN-L1-HEA-01" not in text  # strengths are not concerns


def test_a_decision_is_final_and_kept():
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory
    from thresholds import services
    from thresholds.selectors import active_framework

    user = UserFactory()
    framework = active_framework("LAN")
    codes = list(framework.indicators.filter(level__number=2).values_list("code", flat=True)[:2])
    assessment = services.record_assessment(framework=framework, by=user, indicator_codes=codes)
    services.record_decision(
        assessment=assessment,
        by=user,
        final_level=assessment.suggested_level,
        rationale="As suggested",
        consent="given",
    )
    with pytest.raises(ValidationError, match="complete a new checklist"):
        services.record_decision(assessment=assessment, by=user, final_level=1, rationale="Changed my mind")
    assessment.refresh_from_db()
    assert assessment.final_level == assessment.suggested_level
