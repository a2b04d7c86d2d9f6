"""API shapes for court appearances and remands. Rules are in services.py."""

from rest_framework import serializers

from .. import limits
from ..api_common import DeadlineBriefSerializer
from ..models import CourtAppearance, Remand
from . import selectors, services


class CourtAppearanceSerializer(limits.ModelSerializer):
    class Meta:
        model = CourtAppearance
        fields = [
            "id",
            "child",
            "agency",
            "hearing_at",
            "court",
            "purpose",
            "child_looked_after",
            "csc_attendance_expected",
            "csc_worker_told_at",
            "csc_worker_attended",
            "risk_of_remand",
            "bail_supervision_assessed",
            "csc_told_of_remand_risk_at",
            "outcome",
            "next_hearing_at",
            "created_at",
            "created_by",
            "version",
        ]
        read_only_fields = fields


class CourtAppearanceCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    hearing_at = serializers.DateTimeField()
    court = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    risk_of_remand = serializers.BooleanField(required=False, default=False)


class CourtOutcomeSerializer(limits.Serializer):
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=CourtAppearance.Outcome.choices)
    csc_worker_attended = serializers.BooleanField(required=False, allow_null=True, default=None)
    bail_supervision_assessed = serializers.BooleanField(required=False, allow_null=True, default=None)
    next_hearing_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    authority_decides_placement = serializers.BooleanField(
        required=False, default=True, help_text="Bail to reside: does the authority decide where the child lives?"
    )
    establishment = serializers.ChoiceField(
        choices=Remand.Establishment.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Remand to youth detention: the type of establishment",
    )
    establishment_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RemandSerializer(limits.ModelSerializer):
    looked_after_reason = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Remand
        fields = [
            "id",
            "child",
            "appearance",
            "kind",
            "started_on",
            "ended_on",
            "looked_after",
            "looked_after_reason",
            "authority_decides_placement",
            "placement",
            "establishment",
            "establishment_name",
            "joint_discussion_at",
            "task_split",
            "placement_planning_meeting_on",
            "leaving_care_considered",
            "accommodation_only_reason",
            "escalated_at",
            "deadlines",
            "created_at",
            "created_by",
            "version",
        ]
        read_only_fields = fields

    def get_looked_after_reason(self, remand) -> str:
        return services.looked_after_reason(remand)

    def get_deadlines(self, remand) -> list[dict]:
        return DeadlineBriefSerializer(selectors.clocks_of(remand), many=True).data


class RemandCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Remand.Kind.choices)
    started_on = serializers.DateField()
    appearance = serializers.PrimaryKeyRelatedField(
        queryset=CourtAppearance.objects.all(), required=False, allow_null=True, default=None
    )
    authority_decides_placement = serializers.BooleanField(required=False, default=True)
    placement = serializers.ChoiceField(
        choices=Remand.Placement.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="connected_person is a regulation 24 placement",
    )
    establishment = serializers.ChoiceField(
        choices=Remand.Establishment.choices, required=False, allow_blank=True, default=""
    )
    establishment_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RemandUpdateSerializer(limits.Serializer):
    """Any of: where the child lives (with who does what), the joint discussion, leaving care considered."""

    version = serializers.IntegerField()
    placement = serializers.ChoiceField(
        choices=Remand.Placement.choices, required=False, help_text="connected_person is a regulation 24 placement"
    )
    task_split = serializers.CharField(required=False, allow_blank=True)
    joint_discussion_at = serializers.DateTimeField(required=False)
    leaving_care_considered = serializers.BooleanField(required=False, help_text="Send true once considered")


class RemandEndSerializer(limits.Serializer):
    version = serializers.IntegerField()
    ended_on = serializers.DateField()


class PlacementPlanningMeetingSerializer(limits.Serializer):
    held_on = serializers.DateField()
    task_split = serializers.CharField(allow_blank=True, help_text="The roles of CSC and CYJS agreed at the meeting")


class ClaNotificationsSerializer(limits.Serializer):
    on = serializers.DateField(help_text="When the health CLA team, pupil access team and IRO service were all told")
