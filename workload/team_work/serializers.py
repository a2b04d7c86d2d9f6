"""What the Team work API answers: one row of a team's open work."""

from rest_framework import serializers


class WorkRowSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="involvement, contact, assessment, enquiry, cin_plan, cp_plan, order, remand or custody"
    )
    kind_label = serializers.CharField()
    record_id = serializers.IntegerField()
    child_id = serializers.IntegerField(source="child.pk")
    child_name = serializers.CharField(source="child.full_name")
    worker_id = serializers.IntegerField(source="worker.pk", allow_null=True, default=None)
    worker_name = serializers.CharField(source="worker.display_name", allow_null=True, default=None)
    due_at = serializers.DateTimeField(source="deadline.due_at", allow_null=True, default=None)
    overdue = serializers.BooleanField()
    due_soon = serializers.BooleanField()
    state = serializers.CharField()
    awaiting_me = serializers.BooleanField()
    version = serializers.IntegerField()
    link = serializers.CharField()
