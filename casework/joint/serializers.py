"""API shapes for lead agency decisions and joint working disagreements. Rules are in services.py."""

from rest_framework import serializers

from accounts.models import Agency

from .. import limits
from ..api_common import DeadlineBriefSerializer
from ..models import JointWorkingDisagreement, LeadAgencyDecision
from . import selectors


class LeadAgencyDecisionSerializer(limits.ModelSerializer):
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = LeadAgencyDecision
        fields = [
            "id",
            "child",
            "lead_agency",
            "reasons",
            "decided_on",
            "decided_by",
            "planning_meeting_on",
            "task_split",
            "review_on",
            "deadlines",
            "version",
        ]
        read_only_fields = fields

    def get_deadlines(self, decision) -> list[dict]:
        return DeadlineBriefSerializer(selectors.clocks_of(decision), many=True).data


class LeadAgencyDecisionCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    lead_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    reasons = serializers.CharField(allow_blank=True)
    decided_on = serializers.DateField()


class PlanningMeetingSerializer(limits.Serializer):
    version = serializers.IntegerField()
    held_on = serializers.DateField()
    task_split = serializers.CharField(allow_blank=True)
    review_on = serializers.DateField(required=False, allow_null=True, default=None)


class HistoryEntrySerializer(limits.Serializer):
    what = serializers.CharField()
    stage = serializers.IntegerField()
    who = serializers.CharField()
    user_id = serializers.IntegerField()
    role = serializers.CharField()
    agency = serializers.CharField()
    agency_kind = serializers.CharField()
    when = serializers.DateTimeField()
    text = serializers.CharField(allow_blank=True)


class LadderStepSerializer(limits.Serializer):
    label = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    side = serializers.CharField(default="other")


class JointDisagreementSerializer(limits.ModelSerializer):
    history = HistoryEntrySerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()
    stage_label = serializers.CharField(read_only=True)
    steps = LadderStepSerializer(source="ladder_steps", many=True, read_only=True)

    class Meta:
        model = JointWorkingDisagreement
        fields = [
            "id",
            "child",
            "decision",
            "raised_by",
            "raised_at",
            "about",
            "stage",
            "stage_label",
            "steps",
            "status",
            "history",
            "resolution",
            "resolved_at",
            "deadlines",
            "version",
        ]
        read_only_fields = fields

    def get_deadlines(self, disagreement) -> list[dict]:
        return DeadlineBriefSerializer(selectors.clocks_of(disagreement), many=True).data


class JointDisagreementCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    about = serializers.CharField(allow_blank=True)
    decision = serializers.PrimaryKeyRelatedField(
        queryset=LeadAgencyDecision.objects.all(), required=False, allow_null=True, default=None
    )


class JointResponseSerializer(limits.Serializer):
    response = serializers.CharField(allow_blank=True)


class JointResolutionSerializer(limits.Serializer):
    resolution = serializers.CharField(allow_blank=True)
