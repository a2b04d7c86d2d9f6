"""API shapes for involvements. Rules are in services.py."""

from rest_framework import serializers

from returns import codes

from .. import limits
from ..models import Allocation
from ..serializers import InvolvementSerializer
from .services import RECORDED_BASES


class InvolvementDetailSerializer(InvolvementSerializer):
    """An involvement as the child's record shows it, with its child, how it closed and its `version`."""

    class Meta(InvolvementSerializer.Meta):
        fields = [*InvolvementSerializer.Meta.fields, "child", "closure_reason", "closure_code", "closed_by", "version"]
        read_only_fields = fields


class InvolvementCloseSerializer(limits.Serializer):
    version = serializers.IntegerField()
    closed_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    closure_code = serializers.ChoiceField(
        choices=codes.closure_reason_choices(),
        required=False,
        allow_blank=True,
        default="",
        help_text="Children's social care only: why the child in need episode closed (DfE reason for closure code)",
    )


class LegalBasisSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    legal_basis = serializers.ChoiceField(choices=[(basis.value, basis.label) for basis in RECORDED_BASES])


class AllocateSerializer(limits.Serializer):
    """POST /api/v1/allocations/: who should have the involvement and why. Send `version`
    (the involvement's, as last read) to be told, with 409, of a change made meanwhile."""

    involvement = serializers.IntegerField()
    to = serializers.IntegerField(help_text="The user id of a member of the involvement's team")
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True)


class AllocationSerializer(serializers.ModelSerializer):
    """One allocation or reassignment, with the names of the people in it."""

    team = serializers.CharField(source="team.name")
    from_worker_name = serializers.CharField(source="from_worker.display_name", default=None)
    to_worker_name = serializers.CharField(source="to_worker.display_name")
    allocated_by_name = serializers.CharField(source="allocated_by.display_name")

    class Meta:
        model = Allocation
        fields = [
            "id",
            "involvement",
            "child",
            "team",
            "from_worker",
            "from_worker_name",
            "to_worker",
            "to_worker_name",
            "allocated_by",
            "allocated_by_name",
            "allocated_at",
            "reason",
        ]
        read_only_fields = fields
