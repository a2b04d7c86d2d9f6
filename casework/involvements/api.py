"""API for involvements: /api/v1/involvements/ (closing one: seed 000 ¶20.5 for CSC after custody).

Thin: the write calls the same service as the page. A child the caller may not see answers 404
(and is logged); a caller who may not close it gets 403; a service refusal is 400 with field
errors (a CSC involvement held open after custody: `closed_on` names the first day it may close);
a stale `version` is 409.

/api/v1/allocations/ allocates or reassigns an involvement (the team's managers only: 403 for anyone
else, practitioners included; 400 for a worker outside the team or no reason) and lists the
allocation history of the children the caller may see (`?child=<id>` for one child).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access
from accounts.models import User

from ..api_common import WRITE, PathwayViewSet
from ..models import Allocation, Involvement
from . import services
from .allocation import allocate_involvement
from .serializers import (
    AllocateSerializer,
    AllocationSerializer,
    InvolvementCloseSerializer,
    InvolvementDetailSerializer,
    LegalBasisSerializer,
)


class InvolvementViewSet(mixins.RetrieveModelMixin, PathwayViewSet):
    """An agency's involvement with a child the caller may see."""

    serializer_class = InvolvementDetailSerializer

    def get_queryset(self):
        return Involvement.objects.filter(child__in=access.visible_children(self.request.user))

    def get_serializer_class(self):
        return {"close": InvolvementCloseSerializer, "legal_basis": LegalBasisSerializer}.get(
            self.action, InvolvementDetailSerializer
        )

    def record_queryset(self):
        return Involvement.objects.select_related("child", "agency", "allocated_worker", "team")

    def retrieve(self, request, *args, **kwargs):
        return Response(InvolvementDetailSerializer(self.open_record("api:involvements-detail")).data)

    @extend_schema(request=InvolvementCloseSerializer, responses=InvolvementDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the involvement (send `version`, `closed_on`, `reason`; for children's social care, optionally
        `closure_code`: why the episode closed, in the census's code). A CSC involvement cannot close
        while CSC must stay open after a custodial sentence (000 ¶20.5)."""
        involvement = self.open_record("api:involvements-close", WRITE)
        data = self.valid_data(InvolvementCloseSerializer)
        self.run(
            services.close_involvement,
            involvement=involvement,
            by=request.user,
            closed_on=data["closed_on"],
            reason=data["reason"],
            expected_version=data["version"],
            closure_code=data["closure_code"],
        )
        return Response(InvolvementDetailSerializer(self.record_queryset().get(pk=involvement.pk)).data)

    @extend_schema(request=LegalBasisSerializer, responses=InvolvementDetailSerializer)
    @action(detail=True, methods=["post"], url_path="legal-basis")
    def legal_basis(self, request, pk=None):
        """Record why the child is looked after (send `version`, `legal_basis`: s20, interim or full care order).
        An open looked-after involvement only; the remand bases are set by the court remand."""
        involvement = self.open_record("api:involvements-legal-basis", WRITE)
        data = self.valid_data(LegalBasisSerializer)
        self.run(
            services.record_legal_basis,
            involvement=involvement,
            by=request.user,
            legal_basis=data["legal_basis"],
            expected_version=data["version"],
        )
        return Response(InvolvementDetailSerializer(self.record_queryset().get(pk=involvement.pk)).data)


class AllocationViewSet(mixins.ListModelMixin, PathwayViewSet):
    """Allocations and reassignments of involvements, newest first."""

    serializer_class = AllocationSerializer

    def get_queryset(self):
        return Allocation.objects.filter(child__in=access.visible_children(self.request.user)).select_related(
            "team", "from_worker", "to_worker", "allocated_by"
        )

    def get_serializer_class(self):
        return AllocateSerializer if self.action == "create" else AllocationSerializer

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:allocations-list", serializer_class=AllocationSerializer)

    @extend_schema(request=AllocateSerializer, responses={201: AllocationSerializer})
    def create(self, request, *args, **kwargs):
        """Give an open involvement, and the open work under it, to a member of its team, with a reason.
        The new and the previous worker are told; their running clocks move with the work."""
        data = self.valid_data(AllocateSerializer)
        involvement = get_object_or_404(Involvement.objects.select_related("child", "team"), pk=data["involvement"])
        self.open_child_for_write(involvement.child_id, "api:allocations-create")
        result = self.run(
            allocate_involvement,
            involvement=involvement,
            to=User.objects.filter(pk=data["to"]).first(),
            by=request.user,
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        allocation = self.get_queryset().get(pk=result.allocation.pk)
        return Response(AllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("involvements", InvolvementViewSet, basename="api-involvement")
    router.register("allocations", AllocationViewSet, basename="api-allocation")
