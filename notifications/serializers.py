from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .clocks import date_label
from .models import Deadline, TimescaleRule


class TimescaleRuleSerializer(serializers.ModelSerializer):
    reference_note = serializers.SerializerMethodField(
        help_text="For a rule no workflow here starts: says so; otherwise empty"
    )

    def get_reference_note(self, rule) -> str:
        return f"{rule.REFERENCE_ONLY_TEXT}. {rule.reference_reason}".strip() if rule.reference_only else ""

    class Meta:
        model = TimescaleRule
        fields = [
            "code",
            "title",
            "kind",
            "amount",
            "unit",
            "direction",
            "source",
            "version",
            "anchor_event",
            "stop_event",
            "reference_only",
            "reference_note",
        ]


class DeadlineSerializer(serializers.ModelSerializer):
    """A deadline, or a waiting period (`kind` "waiting_period": an earliest date, e.g. 000 ¶20.5):
    its `due` is the last day of the period, its `rag` "waiting" while it runs (never "red") and
    its `status_label` "Waiting period" / "Ended"."""

    rule = serializers.CharField(source="rule_code")
    title = serializers.CharField(source="rule.title")
    kind = serializers.CharField(
        source="rule.kind", help_text="deadline, or waiting_period (an earliest date: never overdue)"
    )
    due = serializers.SerializerMethodField()
    date_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(read_only=True)
    rag = serializers.CharField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "rule",
            "rule_version",
            "title",
            "kind",
            "due",
            "due_at",
            "date_label",
            "status",
            "status_label",
            "rag",
            "explanation",
            "started_at",
            "met_at",
            "lateness_reason",
        ]

    @extend_schema_field(
        serializers.CharField(help_text="ISO date for day and month rules, ISO datetime for hour rules")
    )
    def get_due(self, deadline) -> str:
        return deadline.due_date.isoformat() if deadline.due_date else timezone.localtime(deadline.due_at).isoformat()

    def get_date_label(self, deadline) -> str:
        """ "Tue 22 Dec 2026", or for a waiting period "Stays open until Sun 28 Feb 2027"."""
        return date_label(deadline)
