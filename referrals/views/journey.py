"""The "Make a referral" journey's answers, kept in the session until the referral is sent, and
the way from one page to the next."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import access
from casework.pages import add_service_errors
from config.govuk_forms import GovukDateField

from ..forms import ChildDetailsForm, ConcernsForm, ConsentForm, ReferrerForm

SESSION_KEY = "referral"
ORDER = ["child", "household", "concerns", "consent", "referrer"]
REQUIRED = ["child", "concerns", "consent", "referrer"]
STEP_URL = {
    "child": "referral-new",
    "child_details": "referral-new-child-details",
    "matches": "referral-new-matches",
    "household": "referral-new-household",
    "concerns": "referral-new-concerns",
    "consent": "referral-new-consent",
    "referrer": "referral-new-referrer",
    "check": "referral-new-check",
}
STEP_FORMS = {
    "child_details": ChildDetailsForm,
    "concerns": ConcernsForm,
    "consent": ConsentForm,
    "referrer": ReferrerForm,
}


def _referral(request) -> dict:
    return request.session.get(SESSION_KEY) or {"household": []}


def keep_answers(request, referral):
    request.session[SESSION_KEY] = referral
    request.session.modified = True


def _changing(request) -> bool:
    return bool(request.GET.get("change"))


def _step_url(step, *, change=False, anchor=""):
    url = reverse(STEP_URL[step])
    if change:
        url += "?change=1"
    return url + (f"#{anchor}" if anchor else "")


def _first_missing(referral):
    return next((step for step in REQUIRED if not referral.get(step)), None)


def _go_on(request, referral, step):
    """After a page is answered: back to the check page when changing an answer, else the next page."""
    missing = _first_missing(referral)
    if _changing(request) and missing is None:
        return redirect(STEP_URL["check"])
    following = ORDER[ORDER.index(step) + 1] if ORDER.index(step) + 1 < len(ORDER) else "check"
    if following == "check" and missing:
        following = missing
    return redirect(STEP_URL[following])


def may_refer(user):
    if not access.sees_case_content(user) or not user.agency_id:
        raise PermissionDenied


def _as_post(form_class, values: dict) -> dict:
    """Stored answers as the page would post them, to show a form again with errors on it."""
    data = {}
    for name, field in form_class.base_fields.items():
        value = values.get(name)
        if isinstance(field, GovukDateField):
            parts = value.split("-") if value else ["", "", ""]
            year, month, day = (str(int(p)) if p else "" for p in parts)
            data.update({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
        elif value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data


def _step_form(form_class, stored, errors=None, **kwargs):
    """The form for a page: its saved answers, and any errors the service found in them."""
    if not errors:
        return form_class(initial=stored or {}, **kwargs)
    form = form_class(data=_as_post(form_class, stored or {}), **kwargs)
    form.is_valid()
    add_service_errors(form, ValidationError(errors))
    return form


def _step_errors(referral, step):
    return (referral.get("errors") or {}).get(step)


def _clear_errors(referral, step):
    (referral.get("errors") or {}).pop(step, None)


def _render_step(request, template, context):
    context.setdefault("changing", _changing(request))
    return render(request, template, context)
