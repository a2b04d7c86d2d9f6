"""API shapes for youth justice orders. Rules are in services.py."""

from rest_framework import serializers

from .. import limits
from ..api_common import DeadlineBriefSerializer
from ..models import CourtAppearance, YouthJusticeOrder
from . import selectors


class OrderSerializer(limits.ModelSerializer):
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = YouthJusticeOrder
        fields = [
            "id",
            "child",
            "agency",
            "involvement",
            "appearance",
            "kind",
            "made_on",
            "ends_on",
            "requirements",
            "police_consulted_cyjs_on",
            "mash_consulted_on",
            "expected_release_on",
            "establishment_name",
            "csc_significantly_involved",
            "section_20_ended",
            "section_23za_visits",
            "virtual_school_told_on",
            "resettlement_plan_completed_on",
            "post_release_accommodation",
            "release_information",
            "ended_on",
            "deadlines",
            "version",
        ]
        read_only_fields = fields

    def get_deadlines(self, order) -> list[dict]:
        return DeadlineBriefSerializer(selectors.clocks_of(order), many=True).data


class OrderCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=YouthJusticeOrder.Kind.choices)
    made_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    requirements = serializers.CharField(required=False, allow_blank=True, default="")
    appearance = serializers.PrimaryKeyRelatedField(
        queryset=CourtAppearance.objects.all(), required=False, allow_null=True, default=None
    )
    police_consulted_cyjs_on = serializers.DateField(required=False, allow_null=True, default=None)
    mash_consulted_on = serializers.DateField(required=False, allow_null=True, default=None)
    expected_release_on = serializers.DateField(required=False, allow_null=True, default=None)
    establishment_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    csc_significantly_involved = serializers.BooleanField(required=False, default=False)
    section_23za_visits = serializers.CharField(required=False, allow_blank=True, default="")


class OrderUpdateSerializer(limits.Serializer):
    version = serializers.IntegerField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    requirements = serializers.CharField(required=False, allow_blank=True)
    police_consulted_cyjs_on = serializers.DateField(required=False, allow_null=True)
    mash_consulted_on = serializers.DateField(required=False, allow_null=True)
    expected_release_on = serializers.DateField(required=False, allow_null=True)
    establishment_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    section_23za_visits = serializers.CharField(required=False, allow_blank=True)
    post_release_accommodation = serializers.CharField(max_length=200, required=False, allow_blank=True)


class OrderEndSerializer(limits.Serializer):
    version = serializers.IntegerField()
    ended_on = serializers.DateField()


class ResettlementPlanSerializer(limits.Serializer):
    completed_on = serializers.DateField()
    post_release_accommodation = serializers.CharField(max_length=200, allow_blank=True)


class ReleaseInformationSerializer(limits.Serializer):
    """What the child was told about release (003 L189–199). `items` are codes from
    casework.orders.services.RELEASE_ITEMS; the service refuses any other."""

    version = serializers.IntegerField()
    items = serializers.ListField(child=serializers.CharField(max_length=30), allow_empty=True)
    told_on = serializers.DateField()
    told_by = serializers.CharField(max_length=200, allow_blank=True)


class VirtualSchoolSerializer(limits.Serializer):
    on = serializers.DateField()
