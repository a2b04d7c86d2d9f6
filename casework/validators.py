import re

from django.core.exceptions import ValidationError

NHS_NUMBER_RE = re.compile(r"^\d{10}$")
UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def normalise_nhs_number(value: str) -> str:
    """Strip the spaces people type (e.g. '943 476 5919')."""
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    """Modulus-11 check digit, as the NHS Data Dictionary defines it."""
    digits = normalise_nhs_number(value)
    if not NHS_NUMBER_RE.match(digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    if value and not nhs_number_is_valid(value):
        raise ValidationError("Enter a real NHS number: 10 digits, like 943 476 5919", code="invalid_nhs_number")


def validate_upn(value: str) -> None:
    if value and not UPN_RE.match(value.upper()):
        raise ValidationError(
            "Enter a unique pupil number: a letter then 12 characters, like A123456789012",
            code="invalid_upn",
        )
