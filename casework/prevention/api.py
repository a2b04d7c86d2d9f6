"""API for prevention and diversion referrals: /api/v1/prevention-referrals/ (seed 000 ¶13–14; PP1–PP6).

Thin: every write calls the same service as the pages. A child the caller may not see answers 404
(and is logged); a caller who sees the child but may not read the prevention section (a CSC worker
where the authority's protocol does not share it, police, MASH...) gets 403, logged as denied, and an
empty list; a caller who may read but not write gets 403; a service refusal is 400 with field errors;
a stale `version` is 409.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import PreventionReferral
from . import selectors, services
from .serializers import (
    CloseSerializer,
    FollowUpSerializer,
    PreventionReferralCreateSerializer,
    PreventionReferralSerializer,
    PreventReferralSerializer,
    ScreenSerializer,
)


class PreventionReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SectionViewSet
):
    """Prevention and diversion referrals of children the caller may see."""

    serializer_class = PreventionReferralSerializer
    section = Section.PREVENTION
    refusal = "Prevention and diversion referrals are not shared with your service"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        query = selectors.referrals_for(self.request.user).order_by("-received_on", "-id")
        return query

    def get_serializer_class(self):
        return {
            "create": PreventionReferralCreateSerializer,
            "screen": ScreenSerializer,
            "follow_ups": FollowUpSerializer,
            "prevent_referral": PreventReferralSerializer,
            "close": CloseSerializer,
        }.get(self.action, PreventionReferralSerializer)

    def record_queryset(self):
        return PreventionReferral.objects.select_related("child", "agency__authority")

    def _fresh(self, referral):
        return Response(PreventionReferralSerializer(PreventionReferral.objects.get(pk=referral.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("child", int, description="Only this child's referrals")])
    def list(self, request, *args, **kwargs):
        return self.logged_list("api:prevention-referrals-list", serializer_class=PreventionReferralSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(PreventionReferralSerializer(self.open_record("api:prevention-referrals-detail")).data)

    @extend_schema(request=PreventionReferralCreateSerializer, responses={201: PreventionReferralSerializer})
    def create(self, request, *args, **kwargs):
        """Record a referral (any agency's arrives through CYJS). Refused outside ages 8–17, for a
        prevention referral the family said no to, and for a diversion or panel referral not from the police."""
        data = self.valid_data(PreventionReferralCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:prevention-referrals-create")
        referral = self.run(services.receive_prevention_referral, child=child, by=request.user, **data)
        return Response(PreventionReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScreenSerializer, responses=PreventionReferralSerializer)
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        """The screening's outcome, once (send `version`). "request_for_support" sends one contact to the front door;
        "cyjs_prevention" needs a `prevention_worker` and opens the CYJS prevention work."""
        referral = self.open_record("api:prevention-referrals-screen", WRITE)
        data = self.valid_data(ScreenSerializer)
        data["expected_version"] = data.pop("version")
        self.run(services.screen_referral, referral=referral, by=request.user, **data)
        return self._fresh(referral)

    @extend_schema(request=FollowUpSerializer, responses=PreventionReferralSerializer)
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        """A 6- or 12-week check-in with the receiving agency (PP6)."""
        referral = self.open_record("api:prevention-referrals-follow-up", WRITE)
        data = self.valid_data(FollowUpSerializer)
        self.run(services.record_follow_up, referral=referral, by=request.user, **data)
        return self._fresh(referral)

    @extend_schema(request=PreventReferralSerializer, responses=PreventionReferralSerializer)
    @action(detail=True, methods=["post"], url_path="prevent-referral")
    def prevent_referral(self, request, pk=None):
        """A Prevent (and Channel) referral was made for a concern about radicalisation (000 ¶4.8, ¶14.6)."""
        referral = self.open_record("api:prevention-referrals-prevent", WRITE)
        data = self.valid_data(PreventReferralSerializer)
        self.run(services.record_prevent_referral, referral=referral, by=request.user, on=data["on"])
        return self._fresh(referral)

    @extend_schema(request=CloseSerializer, responses=PreventionReferralSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the referral (send `version`), and the CYJS prevention work it opened."""
        referral = self.open_record("api:prevention-referrals-close", WRITE)
        data = self.valid_data(CloseSerializer)
        self.run(
            services.close_referral,
            referral=referral,
            by=request.user,
            expected_version=data["version"],
            closed_on=data["closed_on"],
        )
        return self._fresh(referral)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("prevention-referrals", PreventionReferralViewSet, basename="api-prevention-referral")
