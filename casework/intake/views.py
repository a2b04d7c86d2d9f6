"""Pages for recording a child new to the child and youth justice service (police custody, a prevention
referral), and for matches to confirm. Rules live in services.py and matching.py; these only shape the pages.

Only CYJS caseworkers use the intake (403 for anyone else). The details wait in the session between the two
pages; the search for a matching record is logged when its page is shown, and the involvement and the
access it gives by the service.

A match to confirm has one page with two sides: the people who may confirm it see the details beside the
record; the asking service sees only the details it gave and where the match stands. Anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import access
from accounts.audit import record_access, record_search
from accounts.forms import BreakGlassForm

from ..models import IdentityMatchRequest
from ..pages import attempt
from . import matching, services
from .forms import ChildIdentityForm, MatchDecisionForm, MatchForm

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
            form,
            lambda: services.open_for_cyjs(by=request.user, intake=intake, identity=identity, child_id=form.child_id()),
        )
        if result is not None:
            request.session.pop(SESSION_KEY, None)
            child = result.child
            if result.match_request is not None:
                messages.info(request, "The match is waiting for confirmation by someone who works with the child")
                return redirect("identity-match", pk=result.match_request.pk)
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


# --- Matches to confirm ----------------------------------------------------------------------------------------


def _next_page(match):
    """Where the asking service records what brought the child to it."""
    if match.source == IdentityMatchRequest.Source.POLICE_NOTIFICATION:
        return reverse("custody-detail", args=[match.custody_episode_id])
    intake = next(i for i in services.INTAKES.values() if i.source == match.source)
    url = reverse(intake.next_page, args=[match.child_id])
    if intake.code == "prevention" and match.involvement_id:
        url += f"?involvement={match.involvement_id}"
    return url


HEADINGS = {
    ("confirm", "pending"): "Confirm a child's identity: {child}",
    ("confirm", "confirmed"): "Match confirmed: {child}",
    ("confirm", "rejected"): "Match rejected: {child}",
    ("asked", "pending"): "{typed}: waiting for confirmation",
    ("asked", "confirmed"): "{typed}: match confirmed",
    ("asked", "rejected"): "{typed}: not the same child",
}


def _match_page(request, match, side, *, form=None, emergency_form=None):
    user = request.user
    heading = HEADINGS[side, match.status].format(
        child=match.child.full_name if side == "confirm" else "", typed=match.full_name
    )
    return render(
        request,
        "casework/intake/match.html",
        {
            "match": match,
            "side": side,
            "heading": heading,
            "form": form or MatchDecisionForm(),
            "emergency_form": emergency_form or BreakGlassForm(),
            "emergency_hours": user.authority.break_glass_hours if user.authority else 24,
            "next_page": _next_page(match) if match.status == "confirmed" else "",
        },
    )


def _match(request, pk):
    """The match and which side of it this user is on ("confirm" or "asked"); 404 for anyone else, logged."""
    match = get_object_or_404(
        IdentityMatchRequest.objects.select_related("child", "agency", "requested_by", "decided_by"), pk=pk
    )
    user = request.user
    if matching.may_confirm(user, match):
        record_access(
            user=user,
            child=match.child,
            what="page:identity-match",
            decision=access.decide(user, match.child),
            detail=f"match to confirm {match.pk}",
        )
        return match, "confirm"
    if matching.may_follow(user, match):
        record_access(
            user=user,
            child=match.child,
            what="page:identity-match-asked",
            decision=matching.NOT_GIVEN,
            detail=f"match to confirm {match.pk}: the details the service gave and the match's state, nothing of the record",
        )
        return match, "asked"
    record_access(
        user=user,
        child=match.child,
        what="page:identity-match",
        decision=access.decide(user, match.child),
        detail=f"match to confirm {match.pk}: neither confirming nor asking",
    )
    raise Http404


@login_required
def identity_match_list(request):
    """Matches waiting for this user to confirm, and those their side asked for."""
    to_confirm = matching.matches_to_confirm(fetched_by=request.user)
    record_search(
        user=request.user,
        what="page:identity-matches",
        query="waiting to confirm",
        child_ids=[m.child_id for m in to_confirm],
    )
    asked = list(matching.matches_asked(fetched_by=request.user)[:50])
    return render(request, "casework/intake/match_list.html", {"to_confirm": to_confirm, "asked": asked})


@login_required
def identity_match(request, pk):
    match, side = _match(request, pk)
    if request.method == "POST" and side != "confirm":
        raise PermissionDenied
    form = MatchDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decide = matching.confirm_identity_match if data["decision"] == "confirm" else matching.reject_identity_match
        done = attempt(
            form,
            lambda: decide(request=match, by=request.user, reason=data["reason"]),
            stale=" Open the page again to see what they decided.",
        )
        if done is not None:
            said = (
                "Match confirmed: the record is open to"
                if done.status == "confirmed"
                else "Match rejected: nothing was opened to"
            )
            messages.success(request, f"{said} {done.agency.name}")
            return redirect("identity-matches")
    return _match_page(request, match, side, form=form)


@login_required
@require_POST
def identity_match_emergency(request, pk):
    """The asking worker cannot wait for confirmation: break-glass, then on to the page they came for."""
    match, side = _match(request, pk)
    if side != "asked":
        raise Http404
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        grant = attempt(
            form,
            lambda: matching.use_emergency_access(request=match, by=request.user, reason=form.cleaned_data["reason"]),
        )
        if grant is not None:
            messages.success(
                request,
                f"You have emergency access to this record until {timezone.localtime(grant.expires_at):%-d %B %Y, %H:%M}. "
                "Your manager has been told. The match is still waiting for confirmation",
            )
            return redirect(_next_page(match))
    return _match_page(request, match, side, emergency_form=form)


@login_required
@require_POST
def identity_match_new_record(request, pk):
    """After a rejected match: record the child as new, from the details the worker gave."""
    match, side = _match(request, pk)
    if side != "asked":
        raise Http404
    try:
        result = services.record_new_child_instead(request=match, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("identity-match", pk=match.pk)
    messages.success(
        request, f"{result.child.full_name}'s record was made and opened to your service, allocated to you"
    )
    intake = next(i for i in services.INTAKES.values() if i.source == match.source)
    url = reverse(intake.next_page, args=[result.child.pk])
    if intake.code == "prevention":
        url += f"?involvement={result.involvement.pk}"
    return redirect(url)
