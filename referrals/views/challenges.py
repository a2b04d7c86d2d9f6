"""A referrer's challenge to a decision and its way up the escalation ladder."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casework.pages import add_service_errors

from .. import services
from ..forms import ChallengeForm, DisagreementResponseForm, ResolveForm
from ..models import Disagreement
from .contact import _post_action, _render_detail
from .shared import _log_read, _open_contact


@login_required
def contact_challenge(request, pk):
    contact, view, refusal = _open_contact(
        request, pk, what="page:contact-challenge", full=False, log=request.method == "GET"
    )
    if refusal:
        return refusal
    if contact.referrer_user_id != request.user.pk:
        raise PermissionDenied
    decision = getattr(contact, "decision", None)
    form = ChallengeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.raise_disagreement(contact=contact, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your challenge has been sent. The MASH worker will respond.")
                return redirect("contact-detail", pk=contact.pk)
        _log_read(request, contact, view, "page:contact-challenge")
    return render(
        request,
        "referrals/challenge.html",
        {"contact": contact, "form": form, "decision": decision if decision and decision.authorised_at else None},
    )


def _disagreement(request, pk, d_pk, what):
    contact, view, refusal = _post_action(request, pk, what, full=False)
    if refusal:
        return None, None, None, refusal
    return contact, view, get_object_or_404(Disagreement, pk=d_pk, contact=contact), None


@login_required
@require_http_methods(["POST"])
def disagreement_respond(request, pk, d_pk):
    contact, view, disagreement, refusal = _disagreement(request, pk, d_pk, "contact:disagreement-response")
    if refusal:
        return refusal
    form = DisagreementResponseForm(request.POST, prefix=f"respond-{disagreement.pk}")
    if form.is_valid():
        try:
            services.respond_to_disagreement(
                disagreement=disagreement, by=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Response saved. The referrer has been told.")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#challenges")
    return _render_detail(request, contact, view, bound={("respond", disagreement.pk): form}, failed=form)


@login_required
@require_http_methods(["POST"])
def disagreement_escalate(request, pk, d_pk):
    contact, view, disagreement, refusal = _disagreement(request, pk, d_pk, "contact:disagreement-escalate")
    if refusal:
        return refusal
    try:
        disagreement = services.escalate_disagreement(disagreement=disagreement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Challenge escalated to the {disagreement.get_stage_display().lower()}")
    return redirect(reverse("contact-detail", args=[contact.pk]) + "#challenges")


@login_required
@require_http_methods(["POST"])
def disagreement_resolve(request, pk, d_pk):
    contact, view, disagreement, refusal = _disagreement(request, pk, d_pk, "contact:disagreement-resolve")
    if refusal:
        return refusal
    form = ResolveForm(request.POST, prefix=f"resolve-{disagreement.pk}")
    if form.is_valid():
        try:
            services.resolve_disagreement(
                disagreement=disagreement, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Challenge marked as resolved")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#challenges")
    return _render_detail(request, contact, view, bound={("resolve", disagreement.pk): form}, failed=form)
