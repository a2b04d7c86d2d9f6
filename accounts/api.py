from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import tokens
from .models import ApiToken


class TokenView(APIView):
    """Exchange a username and password for a new API token, which expires (API_TOKEN_HOURS).

    Each sign-in makes a new token. Rate-limited, and locked out by axes (the password is
    checked through Django's `authenticate`). Partner systems use service tokens instead.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    serializer_class = AuthTokenSerializer

    @extend_schema(
        responses=inline_serializer("Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()})
    )
    def post(self, request, *args, **kwargs):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            issued = tokens.issue_sign_in_token(user=serializer.validated_data["user"])
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response({"token": issued.key, "expiry": issued.token.expiry})


class SignOutView(APIView):
    """End the token this request was made with."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            tokens.revoke_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignOutEverywhereView(APIView):
    """End all the caller's API tokens from signing in (a partner system's service tokens are revoked by an administrator)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        tokens.end_sign_in_tokens(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
