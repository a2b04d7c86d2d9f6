from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Child, Involvement, Relationship
from .selectors import household
from .services import EDITABLE_FIELDS


class InvolvementSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    agency_kind = serializers.CharField(source="agency.kind")
    allocated_worker = serializers.SerializerMethodField()
    team = serializers.CharField(source="team.name", default=None)

    class Meta:
        model = Involvement
        # legal_basis: why a looked-after ("cla") involvement is looked after; "" otherwise or not recorded.
        fields = [
            "id",
            "agency",
            "agency_kind",
            "kind",
            "legal_basis",
            "start",
            "end",
            "allocated_worker",
            "team",
            "is_lead_agency",
        ]
        read_only_fields = fields

    def get_allocated_worker(self, involvement) -> str | None:
        worker = involvement.allocated_worker
        return worker.display_name if worker else None


class RelationshipSerializer(serializers.Serializer):
    """One person around the child (casework.selectors.HouseholdMember), as the caller may see them."""

    kind = serializers.ChoiceField(choices=Relationship.Kind.choices)
    name = serializers.SerializerMethodField(help_text="Null for another child whose record you cannot see")
    lives_with_child = serializers.BooleanField()
    child_id = serializers.IntegerField(
        allow_null=True,
        help_text="The other child's record, if they have one you can see; null for adults and for hidden children",
    )
    hidden = serializers.BooleanField(
        help_text="Another child whose record you cannot see: only the relationship and where they live are given",
    )

    def get_name(self, member) -> str | None:
        return None if member.hidden else member.name


class ChildSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = [
            "id",
            "first_name",
            "middle_names",
            "last_name",
            "date_of_birth",
            "expected_date_of_birth",
            "nhs_number",
            "restricted",
        ]


class ChildDetailSerializer(serializers.ModelSerializer):
    involvements = InvolvementSerializer(many=True, read_only=True)
    household = serializers.SerializerMethodField(
        help_text="The people around the child. Another child whose record you cannot see is shown as hidden, without who they are"
    )

    class Meta:
        model = Child
        # The census items are DfE codes (returns/data/dfe_codes.toml); `return_reference` is the
        # child's reference in statutory returns, set when the child is recorded and never changed.
        fields = ["id", *EDITABLE_FIELDS, "return_reference", "restricted", "version", "involvements", "household"]
        read_only_fields = ["return_reference"]

    @extend_schema_field(RelationshipSerializer(many=True))
    def get_household(self, child):
        return RelationshipSerializer(household(child=child, viewer=self.context["request"].user), many=True).data
