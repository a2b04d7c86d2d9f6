"""API shapes for strategy discussions, section 47 enquiries and requests for a conference."""

from rest_framework import serializers

from .. import limits
from ..api_common import ColleagueField
from ..models import AgreedAction, Capacity, ConferenceRequest, Participant, Section47Enquiry, StrategyDiscussion
from . import services


class DiscussionParticipantSerializer(limits.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["name", "organisation", "capacity", "role", "user", "invited", "attended"]


class DiscussionActionSerializer(limits.ModelSerializer):
    class Meta:
        model = AgreedAction
        fields = ["description", "owner_name", "due_on", "completed_on"]


class StrategyDiscussionSerializer(limits.ModelSerializer):
    child = serializers.IntegerField(source="child_id", read_only=True)
    participants = DiscussionParticipantSerializer(many=True, read_only=True)
    actions = DiscussionActionSerializer(many=True, read_only=True)
    section_47_enquiry = serializers.SerializerMethodField()

    class Meta:
        model = StrategyDiscussion
        fields = [
            "id",
            "child",
            "status",
            "held_at",
            "format",
            "about_harmful_sexual_behaviour",
            "disclosed_at",
            "information_shared",
            "risk_level",
            "initiates_section_47",
            "decision_rationale",
            "criminal_investigation",
            "criminal_investigation_notes",
            "legal_action_needed",
            "withheld_from_family",
            "withheld_reason",
            "participants",
            "actions",
            "section_47_enquiry",
            "version",
        ]

    def get_section_47_enquiry(self, discussion) -> int | None:
        enquiry = Section47Enquiry.objects.filter(strategy_discussion=discussion).values_list("pk", flat=True).first()
        return enquiry


class StrategyDiscussionCreatedSerializer(StrategyDiscussionSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(StrategyDiscussionSerializer.Meta):
        fields = StrategyDiscussionSerializer.Meta.fields + ["warnings"]


class DiscussionAttendeeInputSerializer(limits.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    # As for conference invitees: a person who uses this system, so later steps (the conference
    # invitations drawn from this list, the notice when the plan ends) can reach them in the app.
    user = ColleagueField(default=None, help_text="The attendee's user id, when they use this system")


class DiscussionActionInputSerializer(limits.Serializer):
    description = serializers.CharField()
    owner_name = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class StrategyDiscussionCreateSerializer(limits.Serializer):
    """A discussion already held. `discussion` completes one that was arranged (pending)."""

    child = serializers.IntegerField()
    discussion = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A pending discussion to complete; otherwise a new one is recorded",
    )
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The pending discussion's version, when completing one"
    )
    held_at = serializers.DateTimeField()
    initiates_section_47 = serializers.BooleanField()
    attendees = DiscussionAttendeeInputSerializer(many=True)
    format = serializers.ChoiceField(
        choices=StrategyDiscussion.Format.choices, required=False, allow_blank=True, default=""
    )
    information_shared = serializers.CharField(required=False, allow_blank=True, default="")
    risk_level = serializers.ChoiceField(
        choices=StrategyDiscussion.RiskLevel.choices, required=False, allow_blank=True, default=""
    )
    decision_rationale = serializers.CharField(required=False, allow_blank=True, default="")
    criminal_investigation = serializers.BooleanField(required=False, allow_null=True, default=None)
    criminal_investigation_notes = serializers.CharField(required=False, allow_blank=True, default="")
    legal_action_needed = serializers.BooleanField(required=False, allow_null=True, default=None)
    withheld_from_family = serializers.CharField(required=False, allow_blank=True, default="")
    withheld_reason = serializers.CharField(required=False, allow_blank=True, default="")
    actions = DiscussionActionInputSerializer(many=True, required=False, default=list)
    about_harmful_sexual_behaviour = serializers.BooleanField(required=False, default=False)
    disclosed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ConferenceRequestSerializer(limits.ModelSerializer):
    class Meta:
        model = ConferenceRequest
        fields = [
            "id",
            "enquiry",
            "requested_by_name",
            "requested_by_organisation",
            "reason",
            "requested_at",
            "status",
            "response",
            "responded_at",
        ]
        read_only_fields = fields


class ConferenceRequestCreateSerializer(limits.Serializer):
    requested_by_name = serializers.CharField(max_length=200)
    requested_by_organisation = serializers.CharField(max_length=200)
    reason = serializers.CharField()


class Section47EnquirySerializer(limits.ModelSerializer):
    child = serializers.IntegerField(source="child_id", read_only=True)
    strategy_discussion = serializers.IntegerField(source="strategy_discussion_id", read_only=True)
    icpc_due = serializers.SerializerMethodField()
    conference_is_due = serializers.SerializerMethodField()
    conference_requests = ConferenceRequestSerializer(many=True, read_only=True)

    class Meta:
        model = Section47Enquiry
        fields = [
            "id",
            "child",
            "strategy_discussion",
            "status",
            "started_on",
            "lead_social_worker",
            "joint_with_police",
            "child_seen_on",
            "enquiries_summary",
            "outcome",
            "outcome_rationale",
            "next_step",
            "outcome_recorded_at",
            "icpc_due",
            "conference_is_due",
            "conference_requests",
            "version",
        ]
        read_only_fields = fields

    def get_icpc_due(self, enquiry) -> str | None:
        deadline = services.icpc_deadline(enquiry)
        return deadline.due_date.isoformat() if deadline and deadline.due_date and deadline.is_open else None

    def get_conference_is_due(self, enquiry) -> bool:
        return services.conference_is_due(enquiry)


class EnquiryUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    joint_with_police = serializers.BooleanField(required=False)
    child_seen_on = serializers.DateField(required=False, allow_null=True)
    enquiries_summary = serializers.CharField(required=False, allow_blank=True)


class OutcomeSerializer(limits.Serializer):
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Section47Enquiry.Outcome.choices)
    outcome_rationale = serializers.CharField(allow_blank=True)
    next_step = serializers.ChoiceField(
        choices=Section47Enquiry.NextStep.choices, required=False, allow_blank=True, default=""
    )
