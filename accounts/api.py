from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from config.api_schema import ERROR


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token. Rate-limited, and locked out by axes."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    # ObtainAuthToken names DRF's own parsers; use the API's (config.api_parsers: deep JSON is a 400).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(responses={
        200: inline_serializer("Token", {"token": serializers.CharField()}),
        429: OpenApiResponse(ERROR, description="Too many attempts: try again later"),
    })
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
