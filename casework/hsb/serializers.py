"""API shapes for the HSB hub. Rules are in services.py."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import limits
from ..api_common import ColleagueField, DeadlineBriefSerializer
from ..models import HsbConsultation
from . import selectors


class HsbDeadlineSerializer(DeadlineBriefSerializer):
    lateness_reason = serializers.CharField()


class HsbHistoryEntrySerializer(limits.Serializer):
    """One step: who recorded it (user id, and their name looked up now) and when."""

    step = serializers.CharField()
    by = serializers.IntegerField(source="by_id", allow_null=True)
    by_name = serializers.SerializerMethodField()
    at = serializers.DateTimeField()

    def get_by_name(self, entry) -> str | None:
        return entry.by.display_name if entry.by is not None else None


class HsbConsultationSerializer(limits.ModelSerializer):
    deadlines = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = HsbConsultation
        fields = [
            "id",
            "child",
            "requested_by",
            "requested_on",
            "behaviour_last_on",
            "lives_in_authority",
            "police_investigation_ongoing",
            "concerns",
            "status",
            "refusal_reason",
            "consultation_on",
            "hackett",
            "consultation_outcome",
            "pattern_mapping_on",
            "aim_practitioner",
            "first_meeting_with_child_on",
            "aim_completed_on",
            "qa_cyjs_manager",
            "qa_csc_manager",
            "planning_meeting_on",
            "areas_of_work",
            "review_on",
            "closed_on",
            "history",
            "deadlines",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(HsbHistoryEntrySerializer(many=True))
    def get_history(self, consultation) -> list[dict]:
        return HsbHistoryEntrySerializer(selectors.step_recorders(consultation), many=True).data

    def get_deadlines(self, consultation) -> list[dict]:
        return HsbDeadlineSerializer(selectors.clocks_of(consultation), many=True).data


class HsbRequestSerializer(limits.Serializer):
    child = serializers.IntegerField()
    requested_on = serializers.DateField()
    behaviour_last_on = serializers.DateField()
    lives_in_authority = serializers.BooleanField()
    police_investigation_ongoing = serializers.BooleanField(required=False, default=False)
    concerns = serializers.CharField(allow_blank=True)


class HsbVersionSerializer(limits.Serializer):
    """The version of the consultation you are moving on (optional: send it to be told of a clash, 409)."""

    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class HsbHubConsultationSerializer(limits.Serializer):
    version = serializers.IntegerField()
    held_on = serializers.DateField()
    hackett = serializers.ChoiceField(choices=HsbConsultation.Hackett.choices)
    outcome = serializers.CharField(allow_blank=True)


class HsbHeldOnSerializer(HsbVersionSerializer):
    held_on = serializers.DateField()


class HsbAimStartSerializer(HsbVersionSerializer):
    aim_practitioner = ColleagueField(required=True, allow_null=False)
    first_meeting_with_child_on = serializers.DateField()


class HsbAimCompletedSerializer(HsbVersionSerializer):
    completed_on = serializers.DateField()
    lateness_reason = serializers.CharField(required=False, allow_blank=True, default="")


class HsbPlanningSerializer(HsbVersionSerializer):
    held_on = serializers.DateField()
    areas_of_work = serializers.CharField(allow_blank=True)
    review_on = serializers.DateField()


class HsbCloseSerializer(HsbVersionSerializer):
    closed_on = serializers.DateField()
