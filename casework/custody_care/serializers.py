"""API shapes for the care of a child in youth detention. Rules are in services.py."""

from rest_framework import serializers

from .. import limits
from ..api_common import ColleagueField
from ..models import (
    BailPackageReview,
    CustodyPlanningMeeting,
    CustodyVisit,
    LookedAfterReview,
    Remand,
    YouthJusticeOrder,
)


class LookedAfterReviewSerializer(limits.ModelSerializer):
    class Meta:
        model = LookedAfterReview
        fields = [
            "id",
            "child",
            "remand",
            "order",
            "held_on",
            "chair",
            "chair_name",
            "child_attended",
            "decisions",
            "next_review_on",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class CustodyFields(limits.Serializer):
    child = serializers.IntegerField()
    remand = serializers.PrimaryKeyRelatedField(
        queryset=Remand.objects.all(), required=False, allow_null=True, default=None
    )
    order = serializers.PrimaryKeyRelatedField(
        queryset=YouthJusticeOrder.objects.all(), required=False, allow_null=True, default=None
    )


class LookedAfterReviewCreateSerializer(CustodyFields):
    held_on = serializers.DateField()
    chair = ColleagueField()
    chair_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    child_attended = serializers.BooleanField()
    decisions = serializers.CharField(allow_blank=True)
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    lateness_reason = serializers.CharField(required=False, allow_blank=True, default="")


class LookedAfterReviewUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    decisions = serializers.CharField(required=False, allow_blank=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)
    child_attended = serializers.BooleanField(required=False)
    chair_name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CustodyVisitSerializer(limits.ModelSerializer):
    class Meta:
        model = CustodyVisit
        fields = [
            "id",
            "child",
            "remand",
            "order",
            "kind",
            "visited_on",
            "csc_visitor",
            "cyjs_visitor",
            "child_seen_alone",
            "notes",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class CustodyVisitCreateSerializer(CustodyFields):
    kind = serializers.ChoiceField(choices=CustodyVisit.Kind.choices)
    visited_on = serializers.DateField()
    csc_visitor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    cyjs_visitor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    child_seen_alone = serializers.BooleanField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lateness_reason = serializers.CharField(required=False, allow_blank=True, default="")


class CustodyVisitUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    notes = serializers.CharField(required=False, allow_blank=True)
    child_seen_alone = serializers.BooleanField(required=False, allow_null=True)


class BailPackageReviewSerializer(limits.ModelSerializer):
    class Meta:
        model = BailPackageReview
        fields = [
            "id",
            "child",
            "remand",
            "reviewed_on",
            "reviewed_by",
            "bail_could_be_offered",
            "package_proposed",
            "csc_consulted",
            "next_hearing_on",
            "next_review_on",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class BailPackageReviewCreateSerializer(limits.Serializer):
    remand = serializers.PrimaryKeyRelatedField(queryset=Remand.objects.select_related("child"))
    reviewed_on = serializers.DateField()
    bail_could_be_offered = serializers.BooleanField()
    package_proposed = serializers.CharField(required=False, allow_blank=True, default="")
    csc_consulted = serializers.BooleanField(required=False, default=False)
    next_hearing_on = serializers.DateField(required=False, allow_null=True, default=None)
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)


class BailPackageReviewUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    package_proposed = serializers.CharField(required=False, allow_blank=True)
    csc_consulted = serializers.BooleanField(required=False)
    next_hearing_on = serializers.DateField(required=False, allow_null=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class CustodyPlanningMeetingSerializer(limits.ModelSerializer):
    class Meta:
        model = CustodyPlanningMeeting
        fields = ["id", "child", "order", "held_on", "attendees", "decisions", "created_by", "created_at", "version"]
        read_only_fields = fields


class CustodyPlanningMeetingCreateSerializer(limits.Serializer):
    """The meeting YJS convenes after a sentence to custody (003 L162): one per DTO or s250 order."""

    order = serializers.PrimaryKeyRelatedField(queryset=YouthJusticeOrder.objects.select_related("child"))
    held_on = serializers.DateField()
    attendees = serializers.CharField(allow_blank=True)
    decisions = serializers.CharField(required=False, allow_blank=True, default="")
    lateness_reason = serializers.CharField(required=False, allow_blank=True, default="")
