"""API shapes for conferences, plans and core group meetings. Rules are in services.py."""

from rest_framework import serializers

from .. import limits
from ..api_common import ColleagueField, DeadlineBriefSerializer
from ..models import (
    AbuseCategory,
    AgreedAction,
    Capacity,
    ChildProtectionConference,
    ChildProtectionPlan,
    CoreGroupMeeting,
    Participant,
    Section47Enquiry,
)
from . import selectors


class ParticipantSerializer(limits.ModelSerializer):
    class Meta:
        model = Participant
        fields = [
            "id",
            "name",
            "organisation",
            "capacity",
            "role",
            "user",
            "invited",
            "attended",
            "sent_apologies",
            "report_received",
            "report_shared_with_parents",
            "written_views",
        ]


class PersonInSerializer(limits.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    user = ColleagueField(default=None)


class ConferenceSerializer(limits.ModelSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    resulting_plan = serializers.SerializerMethodField()

    class Meta:
        model = ChildProtectionConference
        fields = [
            "id",
            "child",
            "kind",
            "status",
            "enquiry",
            "plan",
            "transfer_notified_on",
            "transferring_authority",
            "scheduled_for",
            "held_at",
            "chair",
            "reports_shared_with_parents",
            "parents_told_about_advocacy",
            "plan_needed",
            "category",
            "lead_social_worker",
            "decision_reasons",
            "outline_plan",
            "court_proceedings_considered",
            "participants",
            "resulting_plan",
            "version",
        ]

    def get_resulting_plan(self, conference) -> int | None:
        plan = getattr(conference, "resulting_plan", None) if conference.kind != "review" else None
        return plan.pk if plan else None


class ConferenceCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=[ChildProtectionConference.Kind.INITIAL, ChildProtectionConference.Kind.REVIEW]
    )
    scheduled_for = serializers.DateTimeField()
    chair = ColleagueField(default=None)
    enquiry = serializers.PrimaryKeyRelatedField(
        queryset=Section47Enquiry.objects.all(), required=False, allow_null=True, default=None
    )
    plan = serializers.PrimaryKeyRelatedField(
        queryset=ChildProtectionPlan.objects.all(), required=False, allow_null=True, default=None
    )
    invitees = PersonInSerializer(many=True, required=False, default=list)


class AttendanceSerializer(limits.Serializer):
    participant_id = serializers.IntegerField()
    attended = serializers.BooleanField(allow_null=True, required=False, default=None)
    sent_apologies = serializers.BooleanField(required=False, default=False)
    report_received = serializers.BooleanField(required=False, default=False)
    report_shared_with_parents = serializers.BooleanField(allow_null=True, required=False, default=None)


class ConferenceRecordSerializer(limits.Serializer):
    version = serializers.IntegerField()
    held_at = serializers.DateTimeField()
    chair = ColleagueField(required=True, allow_null=False)
    attendance = AttendanceSerializer(many=True, required=False, default=list)
    reports_shared_with_parents = serializers.BooleanField()
    parents_told_about_advocacy = serializers.BooleanField()
    plan_needed = serializers.BooleanField()
    category = serializers.ChoiceField(choices=AbuseCategory.choices, required=False, allow_blank=True, default="")
    lead_social_worker = ColleagueField(default=None)
    core_group = PersonInSerializer(many=True, required=False, default=list)
    decision_reasons = serializers.CharField(required=False, allow_blank=True, default="")
    outline_plan = serializers.CharField(required=False, allow_blank=True, default="")
    court_proceedings_considered = serializers.CharField(required=False, allow_blank=True, default="")
    lateness_reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanSerializer(limits.ModelSerializer):
    core_group = ParticipantSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = ChildProtectionPlan
        fields = [
            "id",
            "child",
            "initial_conference",
            "status",
            "started_on",
            "category",
            "lead_social_worker",
            "detail",
            "child_agrees",
            "ended_on",
            "end_reason",
            "end_notes",
            "receiving_authority",
            "receiving_authority_notified_on",
            "receiving_conference_on",
            "ending_notified",
            "core_group",
            "deadlines",
            "version",
        ]

    def get_deadlines(self, plan) -> list[dict]:
        return DeadlineBriefSerializer(selectors.clocks_of(plan), many=True).data


class PlanUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    detail = serializers.CharField(required=False, allow_blank=True)
    child_agrees = serializers.BooleanField(required=False, allow_null=True)
    lead_social_worker = ColleagueField()


class PlanEndSerializer(limits.Serializer):
    version = serializers.IntegerField()
    ended_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=ChildProtectionPlan.EndReason.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    receiving_authority = serializers.CharField(required=False, allow_blank=True, default="")
    receiving_authority_notified_on = serializers.DateField(required=False, allow_null=True, default=None)
    receiving_conference_on = serializers.DateField(required=False, allow_null=True, default=None)


class ActionSerializer(limits.ModelSerializer):
    class Meta:
        model = AgreedAction
        fields = ["id", "description", "owner_name", "due_on", "completed_on"]


class CoreGroupMeetingSerializer(limits.ModelSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = CoreGroupMeeting
        fields = ["id", "plan", "held_on", "progress", "decisions", "participants", "actions"]


class CoreGroupAttendanceSerializer(limits.Serializer):
    participant_id = serializers.IntegerField()
    attended = serializers.BooleanField()
    written_views = serializers.CharField(required=False, allow_blank=True, default="")


class ActionInSerializer(limits.Serializer):
    description = serializers.CharField()
    owner_name = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class CoreGroupCreateSerializer(limits.Serializer):
    held_on = serializers.DateField()
    attendance = CoreGroupAttendanceSerializer(many=True, required=False, default=list)
    progress = serializers.CharField(required=False, allow_blank=True, default="")
    decisions = serializers.CharField(allow_blank=True)
    actions = ActionInSerializer(many=True, required=False, default=list)
