"""API shapes for prevention and diversion referrals. Rules are in services.py."""

from rest_framework import serializers

from .. import limits
from ..api_common import ColleagueField, DeadlineBriefSerializer
from ..models import PreventionReferral
from . import selectors, services


class PreventionReferralSerializer(limits.ModelSerializer):
    consultation_only = serializers.SerializerMethodField()
    case_responsibility = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = PreventionReferral
        fields = [
            "id",
            "child",
            "agency",
            "route",
            "source",
            "referrer_name",
            "received_on",
            "reasons",
            "consent_given",
            "radicalisation_concern",
            "prevent_referral_on",
            "panel_on",
            "screened_on",
            "screened_by",
            "outcome",
            "outcome_reasons",
            "prevention_worker",
            "request_for_support",
            "follow_ups",
            "closed_on",
            "consultation_only",
            "case_responsibility",
            "deadlines",
            "created_at",
            "created_by",
            "version",
        ]
        read_only_fields = fields

    def get_consultation_only(self, referral) -> bool:
        return services.consultation_only(referral)

    def get_case_responsibility(self, referral) -> str:
        return services.case_responsibility(referral)

    def get_deadlines(self, referral) -> list[dict]:
        return DeadlineBriefSerializer(selectors.clocks_of(referral), many=True).data


class PreventionReferralCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    route = serializers.ChoiceField(choices=PreventionReferral.Route.choices)
    source = serializers.ChoiceField(choices=PreventionReferral.Source.choices)
    referrer_name = serializers.CharField(max_length=200, allow_blank=True)
    received_on = serializers.DateField()
    reasons = serializers.CharField(allow_blank=True)
    consent_given = serializers.BooleanField(required=False, allow_null=True, default=None)
    radicalisation_concern = serializers.BooleanField(required=False, default=False)


class ScreenSerializer(limits.Serializer):
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=PreventionReferral.Outcome.choices)
    outcome_reasons = serializers.CharField(allow_blank=True)
    prevention_worker = ColleagueField()
    consent_given = serializers.BooleanField(required=False, allow_null=True, default=None)
    panel_on = serializers.DateField(required=False, allow_null=True, default=None)


class FollowUpSerializer(limits.Serializer):
    on = serializers.DateField()
    notes = serializers.CharField(allow_blank=True)


class PreventReferralSerializer(limits.Serializer):
    on = serializers.DateField()


class CloseSerializer(limits.Serializer):
    version = serializers.IntegerField()
    closed_on = serializers.DateField()
