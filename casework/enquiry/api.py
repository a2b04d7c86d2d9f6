"""API for strategy discussions and section 47 enquiries.

A child the caller may not see answers 404 (and the attempt is logged); a user who may see
but not write gets 403; a service refusal is 400 with field errors; a stale `version` is 409.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, PathwayViewSet
from ..models import Section47Enquiry, StrategyDiscussion
from . import selectors, services
from .serializers import (
    ConferenceRequestCreateSerializer,
    ConferenceRequestSerializer,
    EnquiryUpdateSerializer,
    OutcomeSerializer,
    Section47EnquirySerializer,
    StrategyDiscussionCreatedSerializer,
    StrategyDiscussionCreateSerializer,
    StrategyDiscussionSerializer,
)


class StrategyDiscussionViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, PathwayViewSet
):
    """Strategy discussions (Working Together 2013, 001 L1925–1962). Create records one already held."""

    serializer_class = StrategyDiscussionSerializer
    queryset = StrategyDiscussion.objects.none()

    def get_queryset(self):
        return selectors.discussion_list(fetched_by=self.request.user)

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:strategy-discussions-list")

    def record_queryset(self):
        return selectors.discussion_with_details()

    def retrieve(self, request, *args, **kwargs):
        return Response(StrategyDiscussionSerializer(self.open_record("api:strategy-discussion")).data)

    @extend_schema(
        request=StrategyDiscussionCreateSerializer,
        responses={
            201: StrategyDiscussionCreatedSerializer,
            400: OpenApiResponse(description="Field errors"),
            409: OpenApiResponse(description="The pending discussion changed since `version`"),
        },
    )
    def create(self, request, *args, **kwargs):
        """Record a strategy discussion as held. The answer lists attendance `warnings` (never a refusal)
        and, when the discussion started enquiries, the `section_47_enquiry` id."""
        data = self.valid_data(StrategyDiscussionCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:strategy-discussion-create")
        pending_id, version = data.pop("discussion"), data.pop("version")
        pending = None
        if pending_id:
            pending = StrategyDiscussion.objects.filter(pk=pending_id, child=child).first()
            if pending is None:
                return Response(
                    {"discussion": ["No such discussion for this child"]}, status=status.HTTP_400_BAD_REQUEST
                )
        discussion = self.run(
            services.record_strategy_discussion,
            child=child,
            by=request.user,
            discussion=pending,
            expected_version=version,
            **data,
        )
        warnings = discussion.warnings
        discussion = selectors.discussion_with_details().get(pk=discussion.pk)
        discussion.warnings = warnings
        return Response(StrategyDiscussionCreatedSerializer(discussion).data, status=status.HTTP_201_CREATED)


class Section47EnquiryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PathwayViewSet):
    """Section 47 enquiries (001 L1970–1997), their outcome and requests for a conference (001 L1992)."""

    serializer_class = Section47EnquirySerializer
    queryset = Section47Enquiry.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.enquiry_list(fetched_by=self.request.user, status=self.request.query_params.get("status"))

    def record_queryset(self):
        return selectors.enquiry_with_details()

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=Section47Enquiry.Status.values)])
    def list(self, request, *args, **kwargs):
        if "status" in request.query_params and request.query_params["status"] not in Section47Enquiry.Status.values:
            raise serializers.ValidationError(
                {"status": [f"Choose one of: {', '.join(Section47Enquiry.Status.values)}"]}
            )
        return self.logged_list("api:section-47-enquiries-list")

    def retrieve(self, request, *args, **kwargs):
        return Response(Section47EnquirySerializer(self.open_record("api:section-47")).data)

    @extend_schema(
        request=EnquiryUpdateSerializer,
        responses={200: Section47EnquirySerializer, 409: OpenApiResponse(description="Stale version")},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change how the enquiries are going while they are open. `version` is required."""
        enquiry = self.open_record("api:section-47-update", WRITE)
        data = self.valid_data(EnquiryUpdateSerializer)
        version = data.pop("version")
        self.run(services.update_enquiry, enquiry=enquiry, by=request.user, expected_version=version, data=data)
        return Response(Section47EnquirySerializer(selectors.enquiry_with_details().get(pk=enquiry.pk)).data)

    @extend_schema(
        request=OutcomeSerializer,
        responses={200: Section47EnquirySerializer, 409: OpenApiResponse(description="Stale version")},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Conclude the enquiries: substantiated (a conference is due) or not (with the next step)."""
        enquiry = self.open_record("api:section-47-outcome", WRITE)
        data = self.valid_data(OutcomeSerializer)
        self.run(
            services.record_section_47_outcome,
            enquiry=enquiry,
            by=request.user,
            expected_version=data.pop("version"),
            **data,
        )
        return Response(Section47EnquirySerializer(selectors.enquiry_with_details().get(pk=enquiry.pk)).data)

    @extend_schema(methods=["GET"], responses=ConferenceRequestSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ConferenceRequestCreateSerializer, responses={201: ConferenceRequestSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="conference-requests", pagination_class=None)
    def conference_requests(self, request, pk=None):
        """Requests for a conference after concerns were not substantiated (001 L1992)."""
        if request.method == "GET":
            enquiry = self.open_record("api:conference-requests")
            return Response(ConferenceRequestSerializer(enquiry.conference_requests.all(), many=True).data)
        enquiry = self.open_record("api:conference-request-create", WRITE)
        data = self.valid_data(ConferenceRequestCreateSerializer)
        made = self.run(services.request_conference, enquiry=enquiry, by=request.user, **data)
        return Response(ConferenceRequestSerializer(made).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
    router.register("strategy-discussions", StrategyDiscussionViewSet, basename="api-strategy-discussion")
    router.register("section-47-enquiries", Section47EnquiryViewSet, basename="api-section-47-enquiry")
