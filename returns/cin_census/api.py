"""GET /api/v1/returns/cin-census/?year=2026-27&authority=888: the census XML, streamed.

For the performance team and senior leaders (accounts.access.may_prepare_returns), for their own
authority only (another authority's code is 404). Each export is written to the access log.
"""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.views import APIView

from accounts.access import may_prepare_returns

from .services import census
from .years import CollectionYear


class CensusQuerySerializer(serializers.Serializer):
    year = serializers.CharField()
    authority = serializers.CharField(max_length=3)

    def validate_year(self, value):
        try:
            return CollectionYear.parse(value)
        except Exception as error:  # ValidationError from parse: its message as the field's
            raise serializers.ValidationError("Enter a collection year like 2026-27") from error


class CinCensusView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, required=True, description="Collection year, e.g. 2026-27"),
            OpenApiParameter("authority", str, required=True, description="The authority's DfE code, e.g. 888"),
        ],
        responses={(200, "application/xml"): OpenApiTypes.STR},
    )
    def get(self, request):
        if not may_prepare_returns(request.user):
            raise PermissionDenied("Only the performance team and senior managers may export statutory returns.")
        query = CensusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        authority = request.user.authority
        if authority is None or authority.la_code != query.validated_data["authority"]:
            raise NotFound("No authority with that code that you may export.")
        year = query.validated_data["year"]
        response = StreamingHttpResponse(census(authority, year, by=request.user), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="cin-census-{authority.la_code}-{year}.xml"'
        return response
