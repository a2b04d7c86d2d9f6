"""API shapes for custody episodes, appropriate adult screenings and PACE requests. Rules are in services.py."""

from rest_framework import serializers

from referrals.models import ConcernCategory

from .. import limits
from ..models import AppropriateAdultScreening, CustodyEpisode, PaceAccommodationRequest
from . import services


class CustodyEpisodeSerializer(limits.ModelSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = CustodyEpisode
        fields = [
            "id",
            "child",
            "agency",
            "arrested_at",
            "custody_suite",
            "offence_summary",
            "seen_by_liaison_and_diversion",
            "appropriate_adult",
            "appropriate_adult_name",
            "police_safeguarding_report",
            "strip_searched",
            "left_custody_at",
            "outcome",
            "created_at",
            "created_by",
            "warnings",
            "version",
        ]

    def get_warnings(self, episode) -> list[str]:
        return services.custody_warnings(episode)


class CustodyEpisodeFieldsSerializer(limits.Serializer):
    """What the police and CYJS say of a custody episode; the child is given by id or, from the police, by identity."""

    arrested_at = serializers.DateTimeField()
    custody_suite = serializers.CharField(max_length=200, allow_blank=True)
    offence_summary = serializers.CharField(required=False, allow_blank=True, default="")
    seen_by_liaison_and_diversion = serializers.BooleanField(required=False, allow_null=True, default=None)
    appropriate_adult = serializers.ChoiceField(
        choices=CustodyEpisode.AppropriateAdult.choices, required=False, allow_blank=True, default=""
    )
    appropriate_adult_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    police_safeguarding_report = serializers.BooleanField(required=False, allow_null=True, default=None)
    strip_searched = serializers.BooleanField(required=False, default=False)


class CustodyEpisodeCreateSerializer(CustodyEpisodeFieldsSerializer):
    child = serializers.IntegerField()


class CustodyEpisodeUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    arrested_at = serializers.DateTimeField(required=False)
    custody_suite = serializers.CharField(max_length=200, required=False, allow_blank=True)
    offence_summary = serializers.CharField(required=False, allow_blank=True)
    seen_by_liaison_and_diversion = serializers.BooleanField(required=False, allow_null=True)
    appropriate_adult = serializers.ChoiceField(
        choices=CustodyEpisode.AppropriateAdult.choices, required=False, allow_blank=True
    )
    appropriate_adult_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    police_safeguarding_report = serializers.BooleanField(required=False, allow_null=True)
    strip_searched = serializers.BooleanField(required=False)
    left_custody_at = serializers.DateTimeField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=CustodyEpisode.Outcome.choices, required=False, allow_blank=True)


class ScreeningSerializer(limits.ModelSerializer):
    class Meta:
        model = AppropriateAdultScreening
        fields = [
            "id",
            "episode",
            "child",
            "form_received_at",
            "concern_flagged_by_aa",
            "known_to_csc",
            "known_to_cyjs",
            "screened_at",
            "screened_by",
            "route",
            "findings",
            "consent",
            "consent_reason",
            "contact",
            "shared_with",
            "version",
        ]


class ScreeningReceiveSerializer(limits.Serializer):
    form_received_at = serializers.DateTimeField()
    concern_flagged_by_aa = serializers.BooleanField()


class ScreeningScreenSerializer(limits.Serializer):
    version = serializers.IntegerField()
    route = serializers.ChoiceField(choices=AppropriateAdultScreening.Route.choices)
    findings = serializers.CharField(allow_blank=True)
    consent = serializers.ChoiceField(
        choices=AppropriateAdultScreening.Consent.choices, required=False, allow_blank=True, default=""
    )
    consent_reason = serializers.CharField(required=False, allow_blank=True, default="")
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernCategory.choices), required=False, default=list
    )


class PaceRequestSerializer(limits.ModelSerializer):
    class Meta:
        model = PaceAccommodationRequest
        fields = [
            "id",
            "episode",
            "child",
            "requested_at",
            "in_office_hours",
            "requested_of",
            "secure_requested",
            "outcome",
            "outcome_at",
            "reason",
            "held_inappropriately",
            "manager_told",
            "escalation_notes",
            "recorded_by",
            "version",
        ]


class PaceRequestCreateSerializer(limits.Serializer):
    requested_at = serializers.DateTimeField()
    secure_requested = serializers.BooleanField(required=False, default=False)


class PaceOutcomeSerializer(limits.Serializer):
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=PaceAccommodationRequest.Outcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PaceEscalationSerializer(limits.Serializer):
    notes = serializers.CharField(allow_blank=True)
