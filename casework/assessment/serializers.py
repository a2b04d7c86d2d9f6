from rest_framework import serializers

from returns import codes

from .. import limits
from ..api_common import ColleagueField
from ..models import AgreedAction, Assessment, Capacity, ChildInNeedMeeting, ChildInNeedPlan, Participant
from .services import assessment_deadline


class AssessmentSerializer(limits.ModelSerializer):
    due_date = serializers.SerializerMethodField()
    due_explanation = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "child",
            "contact",
            "status",
            "referral_received_at",
            "started_on",
            "social_worker",
            "child_seen_on",
            "child_seen_alone",
            "wishes_and_feelings",
            "developmental_needs",
            "parenting_capacity",
            "family_and_environment",
            "strengths",
            "differences_of_view",
            "analysis",
            "outcome",
            "outcome_rationale",
            "lateness_reason",
            "factors",
            "completed_at",
            "completed_by",
            "signed_off_at",
            "signed_off_by",
            "manager_comments",
            "due_date",
            "due_explanation",
            "version",
        ]
        read_only_fields = fields

    def _deadline(self, assessment):
        if not hasattr(assessment, "_deadline"):
            assessment._deadline = assessment_deadline(assessment)
        return assessment._deadline

    def get_due_date(self, assessment) -> str | None:
        deadline = self._deadline(assessment)
        if deadline is None:
            return None
        return (deadline.due_date or deadline.due_at.date()).isoformat()

    def get_due_explanation(self, assessment) -> str | None:
        deadline = self._deadline(assessment)
        return deadline.explanation if deadline else None


class AssessmentCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    referral_received_at = serializers.DateTimeField(required=False)
    social_worker = ColleagueField()


class AssessmentUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    child_seen_on = serializers.DateField(required=False, allow_null=True)
    child_seen_alone = serializers.BooleanField(required=False, allow_null=True)
    wishes_and_feelings = serializers.CharField(required=False, allow_blank=True)
    developmental_needs = serializers.CharField(required=False, allow_blank=True)
    parenting_capacity = serializers.CharField(required=False, allow_blank=True)
    family_and_environment = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    differences_of_view = serializers.CharField(required=False, allow_blank=True)
    analysis = serializers.CharField(required=False, allow_blank=True)
    social_worker = ColleagueField()


class AssessmentCompleteSerializer(limits.Serializer):
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Assessment.Outcome.choices)
    outcome_rationale = serializers.CharField(allow_blank=True)
    lateness_reason = serializers.CharField(required=False, allow_blank=True, default="")
    factors = serializers.ListField(
        child=serializers.ChoiceField(choices=codes.assessment_factor_choices()),
        required=False,
        help_text='What the assessment found (DfE factor codes), each once; "21" (no factors found) only on '
        "its own. Left out: unchanged",
    )


class AssessmentSignOffSerializer(limits.Serializer):
    approve = serializers.BooleanField()
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class CinMeetingParticipantSerializer(limits.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "name", "organisation", "capacity", "role", "user", "invited", "attended"]
        read_only_fields = fields


class CinMeetingActionSerializer(limits.ModelSerializer):
    class Meta:
        model = AgreedAction
        fields = ["id", "description", "owner_name", "due_on", "completed_on"]
        read_only_fields = fields


class CinMeetingSerializer(limits.ModelSerializer):
    participants = CinMeetingParticipantSerializer(many=True, read_only=True)
    actions = CinMeetingActionSerializer(many=True, read_only=True)

    class Meta:
        model = ChildInNeedMeeting
        fields = [
            "id",
            "plan",
            "scheduled_for",
            "held_on",
            "progress",
            "decisions",
            "next_meeting_on",
            "participants",
            "actions",
        ]
        read_only_fields = fields


class CinPlanSerializer(limits.ModelSerializer):
    class Meta:
        model = ChildInNeedPlan
        fields = [
            "id",
            "child",
            "assessment",
            "section_47_enquiry",
            "status",
            "started_on",
            "lead_social_worker",
            "outcomes",
            "services",
            "parents_expected_to",
            "review_every_weeks",
            "ended_on",
            "end_reason",
            "version",
        ]
        read_only_fields = fields


class CinPlanCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    outcomes = serializers.CharField(required=False, allow_blank=True, default="")
    services = serializers.CharField(required=False, allow_blank=True, default="")
    parents_expected_to = serializers.CharField(required=False, allow_blank=True, default="")
    review_every_weeks = serializers.IntegerField(required=False, default=12)
    lead_social_worker = ColleagueField()


class CinPlanUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    outcomes = serializers.CharField(required=False, allow_blank=True)
    services = serializers.CharField(required=False, allow_blank=True)
    parents_expected_to = serializers.CharField(required=False, allow_blank=True)
    review_every_weeks = serializers.IntegerField(required=False)
    lead_social_worker = ColleagueField()


class CinPlanEndSerializer(limits.Serializer):
    version = serializers.IntegerField()
    ended_on = serializers.DateField()
    end_reason = serializers.CharField(allow_blank=True)


class CinMeetingInviteeSerializer(limits.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    user = ColleagueField()


class CinMeetingArrangeSerializer(limits.Serializer):
    scheduled_for = serializers.DateTimeField()
    invitees = CinMeetingInviteeSerializer(many=True, required=False, default=list)
