"""API shapes for involvements. Rules are in services.py."""

from rest_framework import serializers

from .. import limits
from ..serializers import InvolvementSerializer
from .services import RECORDED_BASES


class InvolvementDetailSerializer(InvolvementSerializer):
    """An involvement as the child's record shows it, with its child, how it closed and its `version`."""

    class Meta(InvolvementSerializer.Meta):
        fields = [*InvolvementSerializer.Meta.fields, "child", "closure_reason", "closed_by", "version"]
        read_only_fields = fields


class InvolvementCloseSerializer(limits.Serializer):
    version = serializers.IntegerField()
    closed_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class LegalBasisSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    legal_basis = serializers.ChoiceField(choices=[(basis.value, basis.label) for basis in RECORDED_BASES])
