"""API for the care of a child in youth detention: /api/v1/looked-after-reviews/, /custody-visits/,
/bail-package-reviews/ and /custody-planning-meetings/ (seed 000 ¶19–20; 003 L162–167).

Thin: every write calls the same service as the pages. A child the caller may not see answers 404
(and is logged); a caller who sees the child but may not read the custody_care section gets 403,
logged as denied, and an empty list; a caller who may read but not write gets 403; a service refusal
is 400 with field errors; a stale `version` is 409. `?child=<id>` narrows a list to one child.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from ..api_common import WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import BailPackageReview, Child, CustodyPlanningMeeting, CustodyVisit, LookedAfterReview
from . import selectors, services
from .serializers import (
    BailPackageReviewCreateSerializer,
    BailPackageReviewSerializer,
    BailPackageReviewUpdateSerializer,
    CustodyPlanningMeetingCreateSerializer,
    CustodyPlanningMeetingSerializer,
    CustodyVisitCreateSerializer,
    CustodyVisitSerializer,
    CustodyVisitUpdateSerializer,
    LookedAfterReviewCreateSerializer,
    LookedAfterReviewSerializer,
    LookedAfterReviewUpdateSerializer,
)


class CustodyCareViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SectionViewSet):
    section = Section.CUSTODY_CARE
    refusal = "The care of children in youth detention is not shared with your service"
    http_method_names = ["get", "post", "patch", "head", "options"]
    model = None
    log_name = ""  # for the access log: api:<name>-list ...
    read_serializer = None
    create_serializer = None
    update_serializer = None
    create_service = None
    update_service = None
    record_arg = ""

    def get_serializer_class(self):
        return {"create": self.create_serializer, "partial_update": self.update_serializer}.get(
            self.action, self.read_serializer
        )

    def record_queryset(self):
        return self.model.objects.select_related("child")

    def list(self, request, *args, **kwargs):
        return self.logged_list(
            f"api:{self.log_name}-list",
            queryset=self.get_queryset().order_by("-id"),
            serializer_class=self.read_serializer,
        )

    def retrieve(self, request, *args, **kwargs):
        return Response(self.read_serializer(self.open_record(f"api:{self.log_name}-detail")).data)

    def _open_for_create(self, child_id):
        """The child a new record is for: 404 if hidden, 403 if the section is not the caller's (logged as a write)."""
        child = get_object_or_404(Child, pk=child_id)
        self.check_section(child, f"api:{self.log_name}-create", WRITE)
        return child

    def child_for_create(self, data):
        """The child the new record is for, taken from `data` (by id here; a subclass may find it
        through the remand or order, which its service takes instead: then None)."""
        return self._open_for_create(data.pop("child"))

    def create_record(self, request):
        """Validate, open the child (404 hidden, 403 not shared), call the part's service: 201."""
        data = self.valid_data(self.create_serializer)
        child = self.child_for_create(data)
        if child is not None:
            data["child"] = child
        record = self.run(type(self).create_service, by=request.user, **data)
        return Response(self.read_serializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        record = self.open_record(f"api:{self.log_name}-update", WRITE)
        data = self.valid_data(self.update_serializer, partial=True)
        if "version" not in data:
            return Response(
                {"version": ["Send the version of the record you are changing"]}, status=status.HTTP_400_BAD_REQUEST
            )
        version = data.pop("version")
        service = type(self).update_service
        self.run(service, **{self.record_arg: record}, by=request.user, expected_version=version, data=data)
        return Response(self.read_serializer(self.model.objects.get(pk=record.pk)).data)


class LookedAfterReviewViewSet(CustodyCareViewSet):
    """Looked after reviews of children in custody (000 ¶19.3; 003 L164). Children's social care records them."""

    model = LookedAfterReview
    log_name = "looked-after-reviews"
    serializer_class = read_serializer = LookedAfterReviewSerializer
    create_serializer = LookedAfterReviewCreateSerializer
    update_serializer = LookedAfterReviewUpdateSerializer
    create_service = staticmethod(services.record_looked_after_review)
    update_service = staticmethod(services.update_looked_after_review)
    record_arg = "review"

    def get_queryset(self):
        return selectors.reviews_for(self.request.user)

    @extend_schema(request=LookedAfterReviewCreateSerializer, responses={201: LookedAfterReviewSerializer})
    def create(self, request, *args, **kwargs):
        """Record a review, of a remand to youth detention (`remand`) or a custodial sentence (`order`).
        The first one stops the 28-day clock."""
        return self.create_record(request)

    @extend_schema(request=LookedAfterReviewUpdateSerializer, responses=LookedAfterReviewSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a review (send `version`)."""
        return super().partial_update(request, *args, **kwargs)


class CustodyVisitViewSet(CustodyCareViewSet):
    """Visits to children in custody: statutory (CSC) or joint (CSC and CYJS) (003 L162–167; 000 ¶20.2)."""

    model = CustodyVisit
    log_name = "custody-visits"
    serializer_class = read_serializer = CustodyVisitSerializer
    create_serializer = CustodyVisitCreateSerializer
    update_serializer = CustodyVisitUpdateSerializer
    create_service = staticmethod(services.record_custody_visit)
    update_service = staticmethod(services.update_custody_visit)
    record_arg = "visit"

    def get_queryset(self):
        return selectors.visits_for(self.request.user)

    @extend_schema(request=CustodyVisitCreateSerializer, responses={201: CustodyVisitSerializer})
    def create(self, request, *args, **kwargs):
        """Record a visit. A statutory visit stops the visit clock and starts the next (6 weeks)."""
        return self.create_record(request)

    @extend_schema(request=CustodyVisitUpdateSerializer, responses=CustodyVisitSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a visit's notes (send `version`)."""
        return super().partial_update(request, *args, **kwargs)


class BailPackageReviewViewSet(CustodyCareViewSet):
    """Reviews of a community bail package for a child remanded to youth detention (000 ¶19.2). CYJS records them."""

    model = BailPackageReview
    log_name = "bail-package-reviews"
    serializer_class = read_serializer = BailPackageReviewSerializer
    create_serializer = BailPackageReviewCreateSerializer
    update_serializer = BailPackageReviewUpdateSerializer
    create_service = staticmethod(services.record_bail_package_review)
    update_service = staticmethod(services.update_bail_package_review)
    record_arg = "review"

    def get_queryset(self):
        return selectors.bail_reviews_for(self.request.user)

    @extend_schema(request=BailPackageReviewCreateSerializer, responses={201: BailPackageReviewSerializer})
    def create(self, request, *args, **kwargs):
        """Record a review of the remand (`remand`)."""
        return self.create_record(request)

    def child_for_create(self, data):
        self._open_for_create(data["remand"].child_id)

    @extend_schema(request=BailPackageReviewUpdateSerializer, responses=BailPackageReviewSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a review's package or next dates (send `version`)."""
        return super().partial_update(request, *args, **kwargs)


class CustodyPlanningMeetingViewSet(CustodyCareViewSet):
    """The custody planning meeting YJS convenes within 10 working days of a sentence to custody, one per
    DTO or section 250 order (003 L162, S-T4, C6). CYJS records it. There is no edit on the page, so none
    here: list, retrieve and create."""

    http_method_names = ["get", "post", "head", "options"]
    model = CustodyPlanningMeeting
    log_name = "custody-planning-meetings"
    serializer_class = read_serializer = CustodyPlanningMeetingSerializer
    create_serializer = CustodyPlanningMeetingCreateSerializer
    create_service = staticmethod(services.record_planning_meeting)

    def get_queryset(self):
        return selectors.planning_meetings_for(self.request.user)

    @extend_schema(request=CustodyPlanningMeetingCreateSerializer, responses={201: CustodyPlanningMeetingSerializer})
    def create(self, request, *args, **kwargs):
        """Record the planning meeting of a custodial sentence (`order`). It stops the `dto_planning_meeting`
        clock where the authority has one (Somerset, 003 L162)."""
        return self.create_record(request)

    def child_for_create(self, data):
        self._open_for_create(data["order"].child_id)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("looked-after-reviews", LookedAfterReviewViewSet, basename="api-looked-after-review")
    router.register("custody-visits", CustodyVisitViewSet, basename="api-custody-visit")
    router.register("bail-package-reviews", BailPackageReviewViewSet, basename="api-bail-package-review")
    router.register("custody-planning-meetings", CustodyPlanningMeetingViewSet, basename="api-custody-planning-meeting")
