from rest_framework import generics

from .rules import rules_in_force
from .serializers import TimescaleRuleSerializer


class TimescaleRuleList(generics.ListAPIView):
    """Timescale rules in force for the caller's authority (its overrides, else the defaults)."""

    serializer_class = TimescaleRuleSerializer
    pagination_class = None

    def get_queryset(self):
        return rules_in_force(self.request.user.authority)
