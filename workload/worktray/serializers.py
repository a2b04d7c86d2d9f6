from rest_framework import serializers

from .items import KINDS


class WorkItemSerializer(serializers.Serializer):
    """One thing to do. `child_id` only names a child the caller may open; `url` is the page that does it."""

    kind = serializers.ChoiceField(choices=list(KINDS))
    title = serializers.CharField()
    child_id = serializers.IntegerField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    url = serializers.CharField()
