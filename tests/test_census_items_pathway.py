"""The census items of the pathway: the factors an assessment found (recorded when the social worker
completes it) and why a children's social care episode closed (recorded when the involvement closes)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from casework.assessment import services as assessment_services
from casework.involvements import services as involvement_services
from casework.models import Assessment, Involvement
from tests.assessment_builders import assessment_world, record, start
from tests.pathway_builders import api_for, client_for, date_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return assessment_world()


@pytest.fixture
def assessment(world):
    return record(start(world), world.csc_worker)


# --- Assessment factors --------------------------------------------------------------------------


def complete_form(assessment, **changes):
    return {
        "version": str(assessment.version),
        "outcome": "cin_plan",
        "outcome_rationale": "The family agree support is needed.",
        **changes,
    }


class TestFactorsPage:
    def test_the_factors_are_saved_and_shown_with_their_labels(self, world, assessment):
        client = client_for(world.csc_worker)
        page = client.get(f"/assessments/{assessment.pk}/complete/").content.decode()
        assert "What did the assessment find? (optional)" in page
        assert 'value="21" data-behaviour="exclusive"' in page
        response = client.post(
            f"/assessments/{assessment.pk}/complete/", complete_form(assessment, factors=["3B", "16A"])
        )
        assert response.status_code == 302, response.context["form"].errors
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.AWAITING_SIGN_OFF
        assert assessment.factors == ["3B", "16A"]
        shown = client.get(f"/assessments/{assessment.pk}/").content.decode()
        assert "Domestic abuse: a parent or carer is subject to it" in shown and "Neglect" in shown
        assert AccessEvent.objects.filter(user=world.csc_worker, what="assessment:complete").count() == 1

    def test_no_factors_found_with_a_factor_is_refused_on_the_field(self, world, assessment):
        response = client_for(world.csc_worker).post(
            f"/assessments/{assessment.pk}/complete/", complete_form(assessment, factors=["21", "3B"])
        )
        assert response.status_code == 200
        assert response.context["form"].errors["factors"] == ["Choose either no factors found or the factors"]
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.IN_PROGRESS and assessment.factors == []

    def test_completing_without_factors_still_works(self, world, assessment):
        response = client_for(world.csc_worker).post(
            f"/assessments/{assessment.pk}/complete/", complete_form(assessment)
        )
        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.AWAITING_SIGN_OFF and assessment.factors == []


class TestFactorsApi:
    def complete(self, world, assessment, **changes):
        return api_for(world.csc_worker).post(
            f"/api/v1/assessments/{assessment.pk}/complete/",
            {"version": assessment.version, "outcome": "cin_plan", "outcome_rationale": "Needs are clear.", **changes},
            format="json",
        )

    def test_round_trip(self, world, assessment):
        response = self.complete(world, assessment, factors=["1B", "24A"])
        assert response.status_code == 200, response.data
        assert response.data["factors"] == ["1B", "24A"]
        read = api_for(world.csc_worker).get(f"/api/v1/assessments/{assessment.pk}/")
        assert read.data["factors"] == ["1B", "24A"]

    def test_a_body_without_factors_still_completes(self, world, assessment):
        response = self.complete(world, assessment)
        assert response.status_code == 200 and response.data["factors"] == []

    @pytest.mark.parametrize("factors", [["99Z"], ["3B", "3B"], ["21", "16A"]])
    def test_bad_factors_are_400_on_the_field(self, world, assessment, factors):
        response = self.complete(world, assessment, factors=factors)
        assert response.status_code == 400 and "factors" in response.data
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.IN_PROGRESS

    def test_the_service_refuses_bad_factors_whoever_calls_it(self, world, assessment):
        with pytest.raises(ValidationError) as refused:
            assessment_services.complete_assessment(
                assessment=assessment,
                by=world.csc_worker,
                expected_version=assessment.version,
                outcome="cin_plan",
                outcome_rationale="Needs are clear.",
                factors=["NOT-A-CODE"],
            )
        assert "factors" in refused.value.message_dict


# --- Why a CSC episode closed ------------------------------------------------------------------


def close_form(involvement, **changes):
    return {
        "version": str(involvement.version),
        **date_parts("closed_on", timezone.localdate()),
        "reason": "The plan's outcomes were met",
        **changes,
    }


class TestClosurePage:
    def test_a_csc_involvement_records_the_reason_and_the_childs_page_shows_it(self, world):
        client = client_for(world.csc_worker)
        page = client.get(f"/involvements/{world.cin.pk}/close/").content.decode()
        assert "Reason for statutory returns (optional)" in page and "Adopted" in page
        response = client.post(f"/involvements/{world.cin.pk}/close/", close_form(world.cin, closure_code="RC7"))
        assert response.status_code == 302
        world.cin.refresh_from_db()
        assert world.cin.end == timezone.localdate() and world.cin.closure_code == "RC7"
        shown = client.get(f"/children/{world.child.pk}/").content.decode()
        assert "Services ended for another reason, including no longer in need" in shown
        event = AccessEvent.objects.get(user=world.csc_worker, what="involvement:close")
        assert "Services ended for another reason" in event.detail

    def test_closing_without_a_reason_code_still_works(self, world):
        response = client_for(world.csc_worker).post(f"/involvements/{world.cin.pk}/close/", close_form(world.cin))
        assert response.status_code == 302
        world.cin.refresh_from_db()
        assert world.cin.end is not None and world.cin.closure_code == ""

    def test_another_agencys_involvement_is_not_asked(self, world):
        response = client_for(world.cyjs_worker).get(f"/involvements/{world.yj.pk}/close/")
        assert "closure_code" not in response.context["form"].fields
        assert "Reason for statutory returns" not in response.content.decode()


class TestClosureApi:
    def close(self, user, involvement, **changes):
        return api_for(user).post(
            f"/api/v1/involvements/{involvement.pk}/close/",
            {
                "version": involvement.version,
                "closed_on": str(timezone.localdate()),
                "reason": "Outcomes met",
                **changes,
            },
            format="json",
        )

    def test_round_trip(self, world):
        response = self.close(world.csc_worker, world.cin, closure_code="RC8")
        assert response.status_code == 200, response.data
        assert response.data["closure_code"] == "RC8"
        assert Involvement.objects.get(pk=world.cin.pk).closure_code == "RC8"

    def test_a_bad_code_is_400_on_the_field(self, world):
        response = self.close(world.csc_worker, world.cin, closure_code="RC99")
        assert response.status_code == 400 and "closure_code" in response.data
        assert Involvement.objects.get(pk=world.cin.pk).end is None

    def test_a_code_for_another_agencys_involvement_is_refused_on_the_field(self, world):
        response = self.close(world.cyjs_worker, world.yj, closure_code="RC7")
        assert response.status_code == 400
        assert "closure_code" in response.data
        assert Involvement.objects.get(pk=world.yj.pk).end is None

    def test_a_body_without_it_still_closes(self, world):
        response = self.close(world.cyjs_worker, world.yj)
        assert response.status_code == 200 and response.data["closure_code"] == ""

    def test_the_service_refuses_it_for_another_agency(self, world):
        with pytest.raises(ValidationError) as refused:
            involvement_services.close_involvement(
                world.yj,
                by=world.cyjs_worker,
                closed_on=timezone.localdate() - timedelta(days=1),
                reason="Order ended",
                closure_code="RC7",
            )
        assert "closure_code" in refused.value.message_dict
