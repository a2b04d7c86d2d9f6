"""Make a referral, page 1: the child, found among those the user can see or entered new, with
possible matches shown before new details are accepted."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect

from accounts import access
from accounts.audit import record_search
from casework.forms import ChildSearchForm
from casework.models import Child
from casework.selectors import child_search
from casework.services import find_possible_duplicates
from casework.validators import normalise_nhs_number

from ..forms import ChildDetailsForm, MatchForm
from .journey import (
    SESSION_KEY,
    STEP_URL,
    _changing,
    _clear_errors,
    _go_on,
    _referral,
    _render_step,
    _step_errors,
    _step_form,
    _step_url,
    keep_answers,
    may_refer,
)


@login_required
def referral_child(request):
    """Page 1: find the child among those the user can see, or go on to enter new details."""
    may_refer(request.user)
    referral = _referral(request)
    if request.method == "POST":
        if request.POST.get("restart"):
            request.session.pop(SESSION_KEY, None)
            return redirect(STEP_URL["child"])
        child = access.visible_children(request.user).filter(pk=request.POST.get("child_id") or 0).first()
        if child is None:
            messages.error(request, "Choose a child from the search results")
            return redirect(STEP_URL["child"])
        referral["child"] = {"id": child.pk}
        referral.pop("new_child", None)
        _clear_errors(referral, "child")
        _clear_errors(referral, "child_details")
        keep_answers(request, referral)
        return _go_on(request, referral, "child")

    searching = any(request.GET.get(k) for k in ("q", "date_of_birth_day", "date_of_birth_month", "date_of_birth_year"))
    form = ChildSearchForm(request.GET if searching else None)
    results = None
    if searching and form.is_valid():
        results = list(
            child_search(
                fetched_by=request.user, query=form.cleaned_data["q"], date_of_birth=form.cleaned_data["date_of_birth"]
            )[:50]
        )
        record_search(
            user=request.user,
            what="page:referral-child-search",
            query=f"{form.cleaned_data['q']} {form.cleaned_data['date_of_birth'] or ''}".strip(),
            child_ids=[c.pk for c in results],
        )
    chosen = _chosen_child(request.user, referral)
    return _render_step(
        request,
        "referrals/new/child.html",
        {
            "form": form,
            "results": results,
            "chosen": chosen,
            "in_progress": bool(request.session.get(SESSION_KEY)),
            "service_errors": (_step_errors(referral, "child") or {}).get("__all__", []),
        },
    )


def _chosen_child(user, referral):
    child = referral.get("child") or {}
    if child.get("id"):
        return access.visible_children(user).filter(pk=child["id"]).first()
    if child.get("details"):
        return _unsaved_child(child["details"])
    return None


def _unsaved_child(details) -> Child:
    def as_date(value):
        return date.fromisoformat(value) if value else None

    return Child(
        first_name=details["first_name"],
        last_name=details["last_name"],
        date_of_birth=as_date(details.get("date_of_birth")),
        expected_date_of_birth=as_date(details.get("expected_date_of_birth")),
        gender=details.get("gender") or "0",
        nhs_number=details.get("nhs_number") or None,
        address=details.get("address") or "",
        postcode=details.get("postcode") or "",
    )


def _possible_matches(user, details):
    """Children the user can see who may be this child: same NHS number, or same birthday and a similar name."""
    candidate = _unsaved_child(details)
    same = Q(pk__in=[c.pk for c in find_possible_duplicates(candidate)])
    nhs_number = normalise_nhs_number(details.get("nhs_number") or "")
    if nhs_number:
        same |= Q(nhs_number=nhs_number)
    return list(access.visible_children(user).filter(same).order_by("last_name", "first_name", "id"))


@login_required
def referral_child_details(request):
    """Page 1b: a child not found in the search."""
    may_refer(request.user)
    referral = _referral(request)
    current = referral.get("new_child") or (referral.get("child") or {}).get("details")
    if request.method == "POST":
        form = ChildDetailsForm(request.POST)
        if form.is_valid():
            details = form.stored()
            referral["new_child"] = details
            referral.pop("child", None)
            _clear_errors(referral, "child")
            _clear_errors(referral, "child_details")
            if _possible_matches(request.user, details):
                keep_answers(request, referral)
                return redirect(_step_url("matches", change=_changing(request)))
            referral["child"] = {"details": details}
            keep_answers(request, referral)
            return _go_on(request, referral, "child")
    else:
        form = _step_form(
            ChildDetailsForm, ChildDetailsForm.initial_from(current), _step_errors(referral, "child_details")
        )
    return _render_step(request, "referrals/new/child_details.html", {"form": form})


@login_required
def referral_matches(request):
    """Page 1c: before accepting new details, show children already recorded who may be the same child."""
    may_refer(request.user)
    referral = _referral(request)
    details = referral.get("new_child")
    if not details:
        return redirect(STEP_URL["child"])
    matches = _possible_matches(request.user, details)
    if not matches:
        referral["child"] = {"details": details}
        keep_answers(request, referral)
        return _go_on(request, referral, "child")
    form = MatchForm(request.POST if request.method == "POST" else None, matches=matches)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        referral["child"] = {"details": details} if choice == "new" else {"id": int(choice)}
        keep_answers(request, referral)
        return _go_on(request, referral, "child")
    if request.method == "GET":
        record_search(
            user=request.user,
            what="page:referral-possible-matches",
            query=f"{details['first_name']} {details['last_name']} {details.get('date_of_birth') or ''}".strip(),
            child_ids=[c.pk for c in matches],
        )
    return _render_step(
        request, "referrals/new/matches.html", {"form": form, "matches": matches, "details": _unsaved_child(details)}
    )
