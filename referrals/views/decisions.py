"""The MASH decision on a contact, its authorisation and the feedback to the referrer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casework.pages import add_service_errors
from notifications.clocks import due_text

from .. import services
from ..forms import DecisionForm, FeedbackForm
from ..models import Decision
from .contact import _post_action
from .shared import _decision_deadline, _log_read, _open_contact, _require_holder


@login_required
def contact_decision(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="page:contact-decision", log=request.method == "GET")
    if refusal:
        return refusal
    _require_holder(request, contact)
    decision = getattr(contact, "decision", None)
    initial = (
        {"outcome": decision.outcome, "rationale": decision.rationale, "primary_need": decision.primary_need}
        if decision
        else {}
    )
    form = DecisionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.record_decision(contact=contact, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if made.authorised_at:
                    messages.success(request, "Decision recorded. It is final.")
                else:
                    messages.success(request, "Decision recorded. A MASH manager needs to authorise it.")
                return redirect("contact-detail", pk=contact.pk)
        _log_read(request, contact, view, "page:contact-decision")
    deadline = _decision_deadline(contact)
    return render(
        request,
        "referrals/decision.html",
        {
            "contact": contact,
            "form": form,
            "decision": decision,
            "deadline_text": due_text(deadline) if deadline else "",
            "checks": list(contact.checks.all()),
        },
    )


@login_required
@require_http_methods(["POST"])
def contact_authorise(request, pk):
    contact, view, refusal = _post_action(request, pk, "contact:authorise")
    if refusal:
        return refusal
    _require_holder(request, contact)
    try:
        services.authorise_decision(contact=contact, by=request.user)
    except Decision.DoesNotExist:
        messages.error(request, "There is no decision to authorise yet")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Decision authorised")
    return redirect("contact-detail", pk=contact.pk)


@login_required
def contact_feedback(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="page:contact-feedback", log=request.method == "GET")
    if refusal:
        return refusal
    _require_holder(request, contact)
    decision = getattr(contact, "decision", None)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.send_feedback(contact=contact, by=request.user, reasons=form.cleaned_data["reasons"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Feedback sent to the referrer")
                return redirect("contact-detail", pk=contact.pk)
        _log_read(request, contact, view, "page:contact-feedback")
    return render(
        request,
        "referrals/feedback.html",
        {
            "contact": contact,
            "form": form,
            "decision": decision if decision and decision.authorised_at else None,
            "words": services.FEEDBACK_WORDS.get(decision.outcome, "") if decision else "",
            "sent": list(contact.feedback.select_related("sent_by")),
        },
    )
