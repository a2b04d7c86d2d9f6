from django.contrib.auth import user_login_failed
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from . import two_factor


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
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=request
                )
                raise serializers.ValidationError({"otp": ["Enter a correct security code"]})
        elif two_factor.must_use_two_factor(user):
            raise serializers.ValidationError(
                {"otp": ["Sign in to the website first to set up two-factor authentication"]}
            )
        return attrs


class TokenView(ObtainAuthToken):
    """Exchange a username and password (and a security code, for people who use two-factor
    authentication) for an API token. Rate-limited, and locked out by axes."""

    serializer_class = TokenRequestSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=TokenRequestSerializer, responses=inline_serializer("Token", {"token": serializers.CharField()}))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
