"""Two-factor authentication for local accounts: who must use it, setting it up, checking a code.

Devices are django-otp's: one authenticator app (TOTP) and one set of ten single-use recovery
codes per person. A person signing in with a password and who has a device, or who must use
one, is not signed in until the second step passes (accounts.two_factor_views). People who
sign in with their council account skip this: their identity provider asks for its own.

Codes and secrets are never logged.
"""

from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import MANAGER_ROLES, Role

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def must_use_two_factor(user) -> bool:
    """Managers, auditors and administrators, where their authority asks for it.

    Administrators with no authority (the people who run the service) follow the
    TWO_FACTOR_REQUIRED_FOR_ADMINS setting.
    """
    is_admin = user.is_superuser or user.role == Role.ADMINISTRATOR
    if not (is_admin or user.role == Role.AUDITOR or user.role in MANAGER_ROLES):
        return False
    authority = user.authority
    if authority is None:
        return is_admin and settings.TWO_FACTOR_REQUIRED_FOR_ADMINS
    return authority.require_two_factor


def has_two_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def needs_second_step(user) -> bool:
    """After the password: does this person have to give a code (or set up an app) first?"""
    return has_two_factor(user) or must_use_two_factor(user)


def app_device_to_confirm(*, user) -> TOTPDevice:
    """The authenticator app being set up: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def app_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_app_device(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a first code; returns new recovery codes, or None if the code is wrong.

    Any earlier app is replaced: one person, one authenticator app.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_recovery_codes(user=user)


@transaction.atomic
def replace_recovery_codes(*, user) -> list[str]:
    """Ten new single-use codes; any earlier ones stop working. Shown once, to the person."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class CodeCheck:
    device: object | None = None  # the device that accepted the code
    throttled: bool = False  # too many wrong codes just now: wait before trying again


@transaction.atomic
def check_code(*, user, code: str) -> CodeCheck:
    """Check a code from the app or a recovery code (which is then used up).

    Each device slows down after wrong codes (django-otp's throttling); a throttled device
    is not asked, so a guess cannot get through while it waits.
    """
    code = "".join(code.split()).lower()
    if not code:
        return CodeCheck()
    # Six digits are a code from the app; anything else can only be a recovery code. Asking
    # only the device that could match keeps a recovery code from counting as a wrong app code.
    kind = TOTPDevice if code.isdigit() else StaticDevice
    throttled = False
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if not isinstance(device, kind):
            continue
        allowed, _detail = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if device.verify_token(code):
            return CodeCheck(device=device)
    return CodeCheck(throttled=throttled)
