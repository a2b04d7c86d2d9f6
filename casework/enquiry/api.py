"""API for strategy discussions and section 47 enquiries.

A child the caller may not see answers 404 (and the attempt is logged); a user who may see
but not write gets 403; a service refusal is 400 with field errors; a stale `version` is 409.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.audit import record_search
from accounts.models import AccessEvent
from referrals.api import service_errors

from ..models import Child, Section47Enquiry, StrategyDiscussion
from ..pages import api_open_child
from ..services import ConcurrentEditError
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

READ, WRITE = AccessEvent.Action.READ, AccessEvent.Action.WRITE
CHILD_FILTER = OpenApiParameter("child", int, description="Only this child's records")


def _conflict(error):
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


def _call(function, **kwargs):
    """Run a service; map its refusals to API answers. Returns (result, error_response)."""
    try:
        return function(**kwargs), None
    except ValidationError as error:
        return None, Response(service_errors(error), status=status.HTTP_400_BAD_REQUEST)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error))
    except ConcurrentEditError as error:
        return None, _conflict(error)


def _child_id(request):
    value = request.query_params.get("child")
    return int(value) if value and value.isdigit() else None


class StrategyDiscussionViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Strategy discussions (Working Together 2013, 001 L1925–1962). Create records one already held."""

    serializer_class = StrategyDiscussionSerializer
    queryset = StrategyDiscussion.objects.none()

    def get_queryset(self):
        return selectors.discussion_list(fetched_by=self.request.user, child_id=_child_id(self.request))

    @extend_schema(parameters=[CHILD_FILTER])
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        record_search(
            user=request.user, what="api:strategy-discussions-list", query=request.query_params.urlencode(),
            child_ids=sorted({row["child"] for row in response.data["results"]}),
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        discussion = get_object_or_404(selectors.discussion_with_details(), pk=kwargs["pk"])
        api_open_child(request.user, discussion.child, what="api:strategy-discussion")
        return Response(StrategyDiscussionSerializer(discussion).data)

    @extend_schema(
        request=StrategyDiscussionCreateSerializer,
        responses={201: StrategyDiscussionCreatedSerializer, 400: OpenApiResponse(description="Field errors"),
                   409: OpenApiResponse(description="The pending discussion changed since `version`")},
    )
    def create(self, request, *args, **kwargs):
        """Record a strategy discussion as held. The answer lists attendance `warnings` (never a refusal)
        and, when the discussion started enquiries, the `section_47_enquiry` id."""
        body = StrategyDiscussionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        child = get_object_or_404(Child, pk=data.pop("child"))
        api_open_child(request.user, child, what="api:strategy-discussion-create", action=WRITE)
        pending_id, version = data.pop("discussion"), data.pop("version")
        pending = None
        if pending_id:
            pending = StrategyDiscussion.objects.filter(pk=pending_id, child=child).first()
            if pending is None:
                return Response({"discussion": ["No such discussion for this child"]}, status=status.HTTP_400_BAD_REQUEST)
        discussion, error = _call(
            services.record_strategy_discussion, child=child, by=request.user, discussion=pending,
            expected_version=version, **data,
        )
        if error:
            return error
        warnings = discussion.warnings
        discussion = selectors.discussion_with_details().get(pk=discussion.pk)
        discussion.warnings = warnings
        return Response(StrategyDiscussionCreatedSerializer(discussion).data, status=status.HTTP_201_CREATED)


class Section47EnquiryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Section 47 enquiries (001 L1970–1997), their outcome and requests for a conference (001 L1992)."""

    serializer_class = Section47EnquirySerializer
    queryset = Section47Enquiry.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.enquiry_list(
            fetched_by=self.request.user, child_id=_child_id(self.request), status=self.request.query_params.get("status")
        )

    def _open(self, what, action=READ):
        enquiry = get_object_or_404(selectors.enquiry_with_details(), pk=self.kwargs["pk"])
        api_open_child(self.request.user, enquiry.child, what=what, action=action)
        return enquiry

    @extend_schema(parameters=[CHILD_FILTER, OpenApiParameter("status", str, enum=Section47Enquiry.Status.values)])
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        record_search(
            user=request.user, what="api:section-47-enquiries-list", query=request.query_params.urlencode(),
            child_ids=sorted({row["child"] for row in response.data["results"]}),
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        return Response(Section47EnquirySerializer(self._open("api:section-47")).data)

    @extend_schema(
        request=EnquiryUpdateSerializer,
        responses={200: Section47EnquirySerializer, 409: OpenApiResponse(description="Stale version")},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change how the enquiries are going while they are open. `version` is required."""
        enquiry = self._open("api:section-47-update", WRITE)
        body = EnquiryUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        updated, error = _call(services.update_enquiry, enquiry=enquiry, by=request.user, expected_version=version, data=data)
        if error:
            return error
        return Response(Section47EnquirySerializer(selectors.enquiry_with_details().get(pk=enquiry.pk)).data)

    @extend_schema(
        request=OutcomeSerializer,
        responses={200: Section47EnquirySerializer, 409: OpenApiResponse(description="Stale version")},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Conclude the enquiries: substantiated (a conference is due) or not (with the next step)."""
        enquiry = self._open("api:section-47-outcome", WRITE)
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        _, error = _call(
            services.record_section_47_outcome, enquiry=enquiry, by=request.user,
            expected_version=data.pop("version"), **data,
        )
        if error:
            return error
        return Response(Section47EnquirySerializer(selectors.enquiry_with_details().get(pk=enquiry.pk)).data)

    @extend_schema(methods=["GET"], responses=ConferenceRequestSerializer(many=True))
    @extend_schema(methods=["POST"], request=ConferenceRequestCreateSerializer, responses={201: ConferenceRequestSerializer})
    @action(detail=True, methods=["get", "post"], url_path="conference-requests")
    def conference_requests(self, request, pk=None):
        """Requests for a conference after concerns were not substantiated (001 L1992)."""
        if request.method == "GET":
            enquiry = self._open("api:conference-requests")
            return Response(ConferenceRequestSerializer(enquiry.conference_requests.all(), many=True).data)
        enquiry = self._open("api:conference-request-create", WRITE)
        body = ConferenceRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made, error = _call(services.request_conference, enquiry=enquiry, by=request.user, **body.validated_data)
        if error:
            return error
        return Response(ConferenceRequestSerializer(made).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
    router.register("strategy-discussions", StrategyDiscussionViewSet, basename="api-strategy-discussion")
    router.register("section-47-enquiries", Section47EnquiryViewSet, basename="api-section-47-enquiry")
