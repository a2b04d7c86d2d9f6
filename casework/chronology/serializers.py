"""API shapes for case notes and the chronology."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import limits
from ..models import AgreedAction, CaseNote


class CaseNoteActionSerializer(limits.ModelSerializer):
    description = serializers.CharField(max_length=2000)
    owner_name = serializers.CharField(max_length=200, help_text="Who will do it")
    due_on = serializers.DateField(required=False, allow_null=True, help_text="By when")

    class Meta:
        model = AgreedAction
        fields = ["description", "owner_name", "due_on", "completed_on"]
        read_only_fields = ["completed_on"]


class CaseNoteSerializer(limits.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    agency_kind = serializers.CharField(source="agency.kind", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)
    actions = CaseNoteActionSerializer(many=True, read_only=True)

    class Meta:
        model = CaseNote
        fields = [
            "id",
            "child",
            "agency",
            "agency_kind",
            "kind",
            "occurred_at",
            "took_part",
            "summary",
            "actions",
            "no_further_action",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class CaseNoteCreateSerializer(limits.Serializer):
    """A new note. Notes are never changed after they are saved."""

    child = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CaseNote.Kind.choices)
    occurred_at = serializers.DateTimeField()
    took_part = serializers.CharField(allow_blank=True, help_text="Who took part")
    summary = serializers.CharField(allow_blank=True)
    actions = CaseNoteActionSerializer(many=True, required=False, default=list)
    no_further_action = serializers.BooleanField(required=False, default=False)


class ChronologyEntrySerializer(limits.Serializer):
    """One line of the chronology."""

    when = serializers.SerializerMethodField(help_text="A date-time, or a date where only the day is known")
    has_time = serializers.BooleanField()
    event_type = serializers.CharField()
    event_type_label = serializers.CharField()
    agency_kind = serializers.CharField()
    agency_name = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text="The record's page in the app")

    @extend_schema_field(OpenApiTypes.STR)
    def get_when(self, entry) -> str:
        return entry.when.isoformat()
