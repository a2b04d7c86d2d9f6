"""API for the police to tell the child and youth justice service of a child in custody, by the child's
identity: POST /api/v1/custody-notifications/ (seed 000 ¶10.1, ¶11; P16).

Only users of a police agency (an officer or the force's system account) may send one (403 otherwise).
Bad input is 400 with field errors (the child's under `child`). The answer is 201 with a reference, or
200 with the same reference when the same arrest was sent before; it never says whether the child was
already recorded.

Matches to confirm (casework.intake.matching) for someone who already works with the child:
GET /api/v1/identity-matches/ (waiting for the caller), GET /api/v1/identity-matches/{id}/, and
POST .../{id}/confirm/ and .../{id}/reject/ (body: `reason`, needed to reject). A match the caller may not
confirm is 404; a decided one is 409; a rejection without a reason is 400.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import access
from accounts.audit import record_access, record_search

from ..api_common import READ, WRITE, PathwayViewSet, ServiceFailed, service_errors
from ..models import IdentityMatchRequest
from . import matching, services
from .serializers import (
    CustodyNotificationReceiptSerializer,
    CustodyNotificationSerializer,
    IdentityMatchDecisionSerializer,
    IdentityMatchSerializer,
)


class CustodyNotificationViewSet(PathwayViewSet):
    serializer_class = CustodyNotificationSerializer
    http_method_names = ["post", "options"]

    @extend_schema(
        request=CustodyNotificationSerializer,
        responses={201: CustodyNotificationReceiptSerializer, 200: CustodyNotificationReceiptSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Tell CYJS a child is in police custody. CYJS's team managers are told in the app."""
        if not services.may_notify_custody(request.user):
            raise PermissionDenied("Only the police notify the child and youth justice service of a child in custody")
        data = self.valid_data(CustodyNotificationSerializer)
        try:
            identity = services.clean_identity(**data.pop("child"))
        except ValidationError as error:
            raise ServiceFailed(
                Response({"child": service_errors(error)}, status=status.HTTP_400_BAD_REQUEST)
            ) from error
        episode, created = self.run(services.notify_police_custody, by=request.user, identity=identity, **data)
        return Response(
            CustodyNotificationReceiptSerializer(episode).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class IdentityMatchViewSet(PathwayViewSet):
    serializer_class = IdentityMatchSerializer
    # Only for the schema (the id's type): every answer goes through `_open_match` or `matches_to_confirm`.
    queryset = IdentityMatchRequest.objects.none()
    http_method_names = ["get", "post", "options"]

    def _open_match(self, what, action=READ):
        """The match, if the caller may confirm it (else 404); the attempt is logged on its child."""
        match = get_object_or_404(IdentityMatchRequest.objects.select_related("child", "agency"), pk=self.kwargs["pk"])
        user = self.request.user
        allowed = matching.may_confirm(user, match)
        decision = access.decide(user, match.child)
        if not allowed and decision.allowed:
            decision = access.AccessDecision(False, decision.purpose)
        record_access(
            user=user,
            child=match.child,
            what=what,
            action=action,
            decision=decision,
            detail=f"match to confirm {match.pk}",
        )
        if not allowed:
            raise Http404
        return match

    def list(self, request, *args, **kwargs):
        """Matches waiting for the caller to confirm."""
        page = self.paginate_queryset(matching.matches_to_confirm(fetched_by=request.user))
        record_search(
            user=request.user,
            what="api:identity-matches",
            query="waiting to confirm",
            child_ids=[m.child_id for m in page],
        )
        return self.get_paginated_response(IdentityMatchSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(IdentityMatchSerializer(self._open_match("api:identity-match")).data)

    def _decide(self, service, what):
        match = self._open_match(what, action=WRITE)
        data = self.valid_data(IdentityMatchDecisionSerializer)
        done = self.run(service, request=match, by=self.request.user, reason=data["reason"])
        return Response(IdentityMatchSerializer(done).data)

    @extend_schema(request=IdentityMatchDecisionSerializer, responses=IdentityMatchSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The details are this child: the asking service's involvement is opened, and so the record to it."""
        return self._decide(matching.confirm_identity_match, "api:identity-match:confirm")

    @extend_schema(request=IdentityMatchDecisionSerializer, responses=IdentityMatchSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The details are not this child: nothing is opened. A reason is needed."""
        return self._decide(matching.reject_identity_match, "api:identity-match:reject")

    def conflict_response(self, error):
        return Response({"status": [str(error)]}, status=status.HTTP_409_CONFLICT)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("custody-notifications", CustodyNotificationViewSet, basename="api-custody-notification")
    router.register("identity-matches", IdentityMatchViewSet, basename="api-identity-match")
