"""API shapes for the police's notice of a child in custody. Rules are in services.py."""

from django.utils import timezone
from rest_framework import serializers

from .. import limits
from ..custody.serializers import CustodyEpisodeFieldsSerializer


class ChildIdentitySerializer(limits.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    postcode = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)

    def validate_date_of_birth(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The date of birth must be today or in the past")
        return value


class CustodyNotificationSerializer(CustodyEpisodeFieldsSerializer):
    """The child by identity (no id: the police do not see the child's record) and the custody episode."""

    child = ChildIdentitySerializer()
    custody_suite = serializers.CharField(max_length=200)


class CustodyNotificationReceiptSerializer(limits.Serializer):
    """What the police get back: a reference and when it was received, nothing of the child's record."""

    reference = serializers.IntegerField(source="pk")
    received_at = serializers.DateTimeField(source="created_at")
    told = serializers.SerializerMethodField()

    def get_told(self, episode) -> str:
        return episode.agency.name


class IdentityMatchSerializer(serializers.Serializer):
    """A match to confirm, for someone who already works with the child: the details given beside whose they are."""

    id = serializers.IntegerField(read_only=True)
    child = serializers.IntegerField(source="child_id", read_only=True)
    asked_by_agency = serializers.CharField(source="agency.name", read_only=True)
    source = serializers.CharField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True)
    address = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True)


class IdentityMatchDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
