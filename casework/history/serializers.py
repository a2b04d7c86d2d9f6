"""API shape of the change history: the page's words, not the tables' codes."""

from rest_framework import serializers


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="label", help_text="The field's label")
    before = serializers.CharField(help_text="The value before the change, in words")
    after = serializers.CharField(help_text="The value after the change, in words")


class ChangeHistoryEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField(help_text="Who made the change, or which part of the system")
    record = serializers.CharField(help_text="The kind of record changed, in words")
    added = serializers.BooleanField(help_text="True when the record was added, false when it was changed")
    changes = FieldChangeSerializer(many=True, help_text="Each changed field (empty when the record was added)")
