"""Make a referral, pages 2 to 5: household, concerns, consent and the referrer's details."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone

from casework import limits

from ..forms import HouseholdMemberForm
from .journey import (
    STEP_FORMS,
    _clear_errors,
    _go_on,
    _referral,
    _render_step,
    _step_errors,
    _step_form,
    keep_answers,
    may_refer,
)
from .shared import _household_for_display


def _member_entered(post) -> bool:
    keys = ("name", "relationship", "date_of_birth_day", "date_of_birth_month", "date_of_birth_year", "is_child")
    return any((post.get(k) or "").strip() for k in keys)


@login_required
def referral_household(request):
    """Page 2: other children and adults in the household, added one at a time (optional)."""
    may_refer(request.user)
    referral = _referral(request)
    household = referral.setdefault("household", [])
    form = HouseholdMemberForm()
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                household.pop(int(request.POST["remove"]))
            except (ValueError, IndexError):
                pass
            keep_answers(request, referral)
            return redirect(request.get_full_path())
        action = request.POST.get("action")
        if action == "add" or _member_entered(request.POST):
            form = HouseholdMemberForm(request.POST)
            if form.is_valid() and len(household) >= limits.MAX_ITEMS:
                form.add_error("name", f"A referral can name at most {limits.MAX_ITEMS} people in the household")
            elif form.is_valid():
                household.append(form.stored())
                referral["household_seen"] = True
                keep_answers(request, referral)
                if action == "add":
                    messages.success(request, f"{form.cleaned_data['name']} added")
                    return redirect(request.get_full_path())
                return _go_on(request, referral, "household")
        else:
            referral["household_seen"] = True
            keep_answers(request, referral)
            return _go_on(request, referral, "household")
    return _render_step(
        request, "referrals/new/household.html", {"form": form, "household": _household_for_display(household)}
    )


def _form_step(request, step, template, *, default=None, extra=None):
    """A page of the referral that is one form saved whole into the session."""
    may_refer(request.user)
    referral = _referral(request)
    form_class = STEP_FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            referral[step] = form.stored()
            _clear_errors(referral, step)
            keep_answers(request, referral)
            return _go_on(request, referral, step)
    else:
        form = _step_form(form_class, referral.get(step) or default, _step_errors(referral, step))
    return _render_step(request, template, {"form": form, **(extra or {})})


@login_required
def referral_concerns(request):
    return _form_step(request, "concerns", "referrals/new/concerns.html")


@login_required
def referral_consent(request):
    return _form_step(request, "consent", "referrals/new/consent.html")


@login_required
def referral_referrer(request):
    user = request.user
    now = timezone.localtime()
    default = {
        "name": user.display_name,
        "agency": user.agency.name if user.agency_id else "",
        "role": user.job_title or user.get_role_display(),
        "contact": user.email,
        "received_date": now.date().isoformat(),
        "received_time": now.strftime("%H:%M"),
    }
    return _form_step(request, "referrer", "referrals/new/referrer.html", default=default)
