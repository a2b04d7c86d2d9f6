import re

from django.core.exceptions import ValidationError

NHS_NUMBER_RE = re.compile(r"^\d{10}$")
UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(rest: str) -> str:
    """The check letter that starts a permanent UPN, from its other 12 characters (all digits).

    The DfE's UPN guide: weight the 2nd to 13th characters 2 to 13, sum, take the remainder
    on division by 23, and look it up in A–Z without I, O and S.
    """
    total = sum(int(digit) * weight for digit, weight in zip(rest, range(2, 14), strict=True))
    return UPN_CHECK_LETTERS[total % 23]


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


def _validate_code_set(value, *, list_name: str, nothing_code: str, noun: str, nothing_words: str) -> None:
    """A set of DfE codes from one list, each once, with the "nothing" code only on its own."""
    from returns.codes import code_list

    code = f"invalid_{list_name}"
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(f"Choose {noun} from the list", code=code)
    unknown = sorted(set(value) - code_list(list_name).values)
    if unknown:
        raise ValidationError(f"Not in the list of {noun}: {', '.join(unknown)}", code=code)
    if len(set(value)) != len(value):
        raise ValidationError(f"Choose each of the {noun} once", code=code)
    if nothing_code in value and len(value) > 1:
        raise ValidationError(f"Choose either {nothing_words} or the {noun}", code=code)


def validate_disabilities(value) -> None:
    """DfE rules 8540, 8790, 8794."""
    _validate_code_set(
        value, list_name="disability", nothing_code="NONE", noun="disabilities", nothing_words="no disability"
    )


def validate_assessment_factors(value) -> None:
    """DfE rules 8869, 8898."""
    _validate_code_set(
        value, list_name="assessment_factor", nothing_code="21", noun="factors", nothing_words="no factors found"
    )
