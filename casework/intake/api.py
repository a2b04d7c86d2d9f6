"""API for the police to tell the child and youth justice service of a child in custody, by the child's
identity: POST /api/v1/custody-notifications/ (seed 000 ¶10.1, ¶11; P16).

Only users of a police agency (an officer or the force's system account) may send one (403 otherwise).
Bad input is 400 with field errors (the child's under `child`). The answer is 201 with a reference, or
200 with the same reference when the same arrest was sent before; it never says whether the child was
already recorded.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..api_common import PathwayViewSet, ServiceFailed, service_errors
from . import services
from .serializers import CustodyNotificationReceiptSerializer, CustodyNotificationSerializer


class CustodyNotificationViewSet(PathwayViewSet):
    serializer_class = CustodyNotificationSerializer
    http_method_names = ["post", "options"]

    @extend_schema(request=CustodyNotificationSerializer, responses={201: CustodyNotificationReceiptSerializer, 200: CustodyNotificationReceiptSerializer})
    def create(self, request, *args, **kwargs):
        """Tell CYJS a child is in police custody. CYJS's team managers are told in the app."""
        if not services.may_notify_custody(request.user):
            raise PermissionDenied("Only the police notify the child and youth justice service of a child in custody")
        data = self.valid_data(CustodyNotificationSerializer)
        try:
            identity = services.clean_identity(**data.pop("child"))
        except ValidationError as error:
            raise ServiceFailed(Response({"child": service_errors(error)}, status=status.HTTP_400_BAD_REQUEST))
        episode, created = self.run(services.notify_police_custody, by=request.user, identity=identity, **data)
        return Response(
            CustodyNotificationReceiptSerializer(episode).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def register(router):
    """Add this part's API viewset to the /api/v1/ router."""
    router.register("custody-notifications", CustodyNotificationViewSet, basename="api-custody-notification")
