"""API shapes for serious incidents. Rules are in services.py."""

from rest_framework import serializers

from .. import limits
from ..models import SeriousIncident


class SeriousIncidentSerializer(limits.ModelSerializer):
    class Meta:
        model = SeriousIncident
        fields = [
            "id",
            "child",
            "agency",
            "occurred_at",
            "aware_at",
            "charged_at",
            "category",
            "summary",
            "known_to",
            "status",
            "completed_by",
            "verified_by",
            "verified_at",
            "quality_assured_by",
            "quality_assured_at",
            "submitted_by",
            "submitted_at",
            "yjb_notifiable",
            "yjb_notified_at",
            "csc_told_at",
            "open_under_mappa",
            "mappa_notified_at",
            "panel_notified_at",
            "immediate_actions",
            "learning",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class SeriousIncidentCreateSerializer(limits.Serializer):
    child = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    aware_at = serializers.DateTimeField()
    charged_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When the child was charged, if known"
    )
    category = serializers.ChoiceField(choices=SeriousIncident.Category.choices)
    summary = serializers.CharField(allow_blank=True)
    immediate_actions = serializers.CharField(required=False, allow_blank=True, default="")
    yjb_notifiable = serializers.BooleanField(required=False, default=False)
    open_under_mappa = serializers.BooleanField(required=False, default=False)


class NotifiedSerializer(limits.Serializer):
    at = serializers.DateTimeField(help_text="When it was sent or told")


class LearningSerializer(limits.Serializer):
    version = serializers.IntegerField()
    immediate_actions = serializers.CharField(allow_blank=True)
    learning = serializers.CharField(allow_blank=True)
