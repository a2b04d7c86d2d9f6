from django.contrib.auth import user_login_failed
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api_schema import ERROR

from . import tokens, two_factor
from .models import ApiToken


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        label="Security code",
        help_text="For people who use two-factor authentication: the code from their app, or a recovery code.",
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=True,
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        code = attrs.get("otp", "")
        if two_factor.has_two_factor(user):
            if not code:
                raise serializers.ValidationError({"otp": ["Enter the security code from your authenticator app"]})
            if two_factor.check_code(user=user, code=code).device is None:
                # Counted like a wrong password, so guessing codes locks out too.
                request = self.context["request"]
                user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
                raise serializers.ValidationError({"otp": ["Enter a correct security code"]})
        elif two_factor.must_use_two_factor(user):
            raise serializers.ValidationError(
                {"otp": ["Sign in to the website first to set up two-factor authentication"]}
            )
        return attrs


class TokenView(APIView):
    """Exchange a username and password (and a security code, for people who use two-factor
    authentication) for a new API token, which expires (API_TOKEN_HOURS).

    Each sign-in makes a new token. Rate-limited, and locked out by axes (the password is
    checked through Django's `authenticate`). Partner systems use service tokens instead.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}),
            429: OpenApiResponse(ERROR, description="Too many attempts: try again later"),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
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
