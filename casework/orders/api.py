"""API for youth justice orders: /api/v1/orders/ (seed 000 ¶15, ¶16, ¶20).

Thin: every write calls the same service as the pages. A child the caller may not see
answers 404 (and is logged); a caller who sees the child but may not read orders (a CSC
worker where the authority's protocol does not share them, police, MASH...) gets 403,
logged as denied, and an empty list; a caller who may read but not write gets 403; a
service refusal is 400 with field errors; a stale `version` is 409.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import YouthJusticeOrder
from . import selectors, services
from .serializers import (
    OrderCreateSerializer,
    OrderEndSerializer,
    OrderSerializer,
    OrderUpdateSerializer,
    ReleaseInformationSerializer,
    ResettlementPlanSerializer,
    VirtualSchoolSerializer,
)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SectionViewSet):
    """Out-of-court outcomes, court orders and custodial sentences of children the caller may see."""

    serializer_class = OrderSerializer
    section = Section.ORDERS
    refusal = "Youth justice orders are not shared with your service"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.orders_for(self.request.user).order_by("-id")

    def get_serializer_class(self):
        return {
            "create": OrderCreateSerializer,
            "partial_update": OrderUpdateSerializer,
            "end": OrderEndSerializer,
            "resettlement_plan": ResettlementPlanSerializer,
            "release_information": ReleaseInformationSerializer,
            "virtual_school": VirtualSchoolSerializer,
        }.get(self.action, OrderSerializer)

    def record_queryset(self):
        return YouthJusticeOrder.objects.select_related("child")

    def _fresh(self, order):
        return Response(OrderSerializer(YouthJusticeOrder.objects.get(pk=order.pk)).data)

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:orders-list", serializer_class=OrderSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(OrderSerializer(self.open_record("api:orders-detail")).data)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        """Record an order. CBO/SRO/SHPO need the police consultation (and MASH's, for a child not
        known to CSC); a DTO or section 250 order needs the expected release date."""
        data = self.valid_data(OrderCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:orders-create")
        order = self.run(services.record_order, child=child, by=request.user, **data)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrderUpdateSerializer, responses=OrderSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change an order (send `version`). A new expected release date moves the resettlement deadline."""
        order = self.open_record("api:orders-update", WRITE)
        data = self.valid_data(OrderUpdateSerializer, partial=True)
        if "version" not in data:
            return Response(
                {"version": ["Send the version of the order you are changing"]}, status=status.HTTP_400_BAD_REQUEST
            )
        version = data.pop("version")
        self.run(services.update_order, order=order, by=request.user, expected_version=version, data=data)
        return self._fresh(order)

    @extend_schema(request=OrderEndSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the order (send `version`). Cancels an open resettlement deadline and closes the CYJS involvement."""
        order = self.open_record("api:orders-end", WRITE)
        data = self.valid_data(OrderEndSerializer)
        self.run(
            services.end_order,
            order=order,
            by=request.user,
            expected_version=data["version"],
            ended_on=data["ended_on"],
        )
        return self._fresh(order)

    @extend_schema(request=ResettlementPlanSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"], url_path="resettlement-plan")
    def resettlement_plan(self, request, pk=None):
        """Resettlement planning is complete, with where the child will live after release (000 ¶20.8)."""
        order = self.open_record("api:orders-resettlement-plan", WRITE)
        data = self.valid_data(ResettlementPlanSerializer)
        self.run(services.record_resettlement_plan, order=order, by=request.user, **data)
        return self._fresh(order)

    @extend_schema(request=ReleaseInformationSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"], url_path="release-information")
    def release_information(self, request, pk=None):
        """What the child has been told about release (send `version`; Somerset, 003 L189–199). When all
        nine items are recorded the 14-days-before-release deadline stops."""
        order = self.open_record("api:orders-release-information", WRITE)
        data = self.valid_data(ReleaseInformationSerializer)
        self.run(
            services.record_release_information,
            order=order,
            by=request.user,
            expected_version=data["version"],
            items=data["items"],
            told_on=data["told_on"],
            told_by=data["told_by"],
        )
        return self._fresh(order)

    @extend_schema(request=VirtualSchoolSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"], url_path="virtual-school")
    def virtual_school(self, request, pk=None):
        """The virtual school was told of the child's detention (000 ¶20.7)."""
        order = self.open_record("api:orders-virtual-school", WRITE)
        data = self.valid_data(VirtualSchoolSerializer)
        self.run(services.record_virtual_school_told, order=order, by=request.user, on=data["on"])
        return self._fresh(order)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("orders", OrderViewSet, basename="api-order")
