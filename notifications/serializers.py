from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Deadline, TimescaleRule


class TimescaleRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimescaleRule
        fields = ["code", "title", "amount", "unit", "direction", "source", "version", "anchor_event", "stop_event"]


class DeadlineSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule_code")
    title = serializers.CharField(source="rule.title")
    due = serializers.SerializerMethodField()
    rag = serializers.CharField(read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "rule", "rule_version", "title", "due", "due_at", "status", "rag", "explanation", "started_at", "met_at", "lateness_reason"]

    @extend_schema_field(serializers.CharField(help_text="ISO date for day and month rules, ISO datetime for hour rules"))
    def get_due(self, deadline) -> str:
        return deadline.due_date.isoformat() if deadline.due_date else timezone.localtime(deadline.due_at).isoformat()
