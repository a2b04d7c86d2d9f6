"""Pages for recording a child new to the child and youth justice service (police custody, a prevention
referral). Rules live in services.py; these only shape the pages.

Only CYJS caseworkers use them (403 for anyone else). The details wait in the session between the two
pages; the search for a matching record is logged when its page is shown, and the involvement and the
access it gives by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from ..pages import attempt
from . import services
from .forms import ChildIdentityForm, MatchForm

SESSION_KEY = "cyjs_intake"


def _intake(request, code) -> services.Intake:
    intake = services.INTAKES.get(code)
    if intake is None:
        raise Http404
    if not services.may_use_intake(request.user):
        raise PermissionDenied
    return intake


def _stored(request, intake):
    stored = request.session.get(SESSION_KEY) or {}
    return stored.get("identity") if stored.get("intake") == intake.code else None


def _identity(form, intake):
    """The details checked by the form and the service together, so that every problem shows at once."""
    form.is_valid()
    try:
        identity = services.clean_identity(**form.service_kwargs())
        services.check_intake(intake, identity)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field not in form.errors:
                form.add_error(field if field in form.fields else None, messages)
        return None
    return identity if not form.errors else None


@login_required
def intake_details(request, code):
    """Page 1: who the child is."""
    intake = _intake(request, code)
    stored = _stored(request, intake)
    form = ChildIdentityForm(request.POST or None, initial=stored or {})
    if request.method == "POST":
        identity = _identity(form, intake)
        if identity is not None:
            request.session[SESSION_KEY] = {"intake": intake.code, "identity": identity.as_stored()}
            return redirect("cyjs-intake-record", code=intake.code)
    return render(request, "casework/intake/details.html", {"intake": intake, "form": form})


@login_required
def intake_record(request, code):
    """Page 2: a record that matches, to choose, or a new record; then on to the episode or the referral."""
    intake = _intake(request, code)
    stored = _stored(request, intake)
    if not stored:
        return redirect("cyjs-intake", code=intake.code)
    identity = services.ChildIdentity.from_stored(stored)
    matches = services.find_matches(
        by=request.user, identity=identity, log_as="page:cyjs-intake-matches" if request.method == "GET" else None
    )
    posted = request.POST if request.method == "POST" else None
    if posted is not None and not matches:
        posted = {"choice": "new"}  # no record to choose: the page's one button makes a new one
    form = MatchForm(posted, matches=matches)
    if posted is not None and form.is_valid():
        result = attempt(
            form, lambda: services.open_for_cyjs(by=request.user, intake=intake, identity=identity, child_id=form.child_id())
        )
        if result is not None:
            request.session.pop(SESSION_KEY, None)
            child = result.child
            if result.already_open:
                said = f"{child.full_name} is already open to your service"
            elif result.is_new_child:
                said = f"{child.full_name}'s record was made and opened to your service, allocated to you"
            else:
                said = f"{child.full_name}'s record is now open to your service, allocated to you"
            messages.success(request, said)
            url = reverse(intake.next_page, args=[child.pk])
            if intake.code == "prevention":
                url += f"?involvement={result.involvement.pk}"
            return redirect(url)
    return render(
        request,
        "casework/intake/record.html",
        {"intake": intake, "identity": identity, "matches": matches, "form": form},
    )
