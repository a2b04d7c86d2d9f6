from rest_framework import serializers

from .models import Child, Involvement, Relationship
from .services import EDITABLE_FIELDS


class InvolvementSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    agency_kind = serializers.CharField(source="agency.kind")
    allocated_worker = serializers.SerializerMethodField()
    team = serializers.CharField(source="team.name", default=None)

    class Meta:
        model = Involvement
        # legal_basis: why a looked-after ("cla") involvement is looked after; "" otherwise or not recorded.
        fields = ["id", "agency", "agency_kind", "kind", "legal_basis", "start", "end", "allocated_worker", "team", "is_lead_agency"]
        read_only_fields = fields

    def get_allocated_worker(self, involvement) -> str | None:
        worker = involvement.allocated_worker
        return worker.display_name if worker else None


class RelationshipSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    child_id = serializers.IntegerField(source="person.child_record_id", default=None)

    class Meta:
        model = Relationship
        fields = ["kind", "name", "lives_with_child", "child_id"]

    def get_name(self, relationship) -> str:
        return str(relationship.person)


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
    household = RelationshipSerializer(source="relationships", many=True, read_only=True)

    class Meta:
        model = Child
        fields = ["id", *EDITABLE_FIELDS, "restricted", "version", "involvements", "household"]
