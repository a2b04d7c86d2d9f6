"""Make a referral: check your answers and send, with the service's refusals taken back to the
page that answers them."""

from datetime import date, datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from config.govuk_forms import GovukDateField
from notifications.clocks import due_text

from .. import selectors, services
from ..forms import LEVELS, ChildDetailsForm, ConsentForm
from ..models import ConcernCategory, Contact
from .journey import (
    ORDER,
    SESSION_KEY,
    STEP_FORMS,
    STEP_URL,
    _first_missing,
    _referral,
    _step_url,
    keep_answers,
    may_refer,
)
from .referral_child import _chosen_child
from .shared import _decision_deadline, _household_for_display, _log_read


# Where each of the service's error fields is answered: (page, field on that page).
def _error_place(field):
    if field == "received_at":
        return "referrer", "received_date"
    if field == "referrer":
        return "referrer", "name"
    if field == "referral_source":
        return "referrer", "referral_source"
    if field in ("concerns", "categories", "referrer_level"):
        return "concerns", field
    if field in ("consent", "consent_reason"):
        return "consent", field
    if field == "child":
        return "child", "__all__"
    if field.startswith("child."):
        name = field.split(".", 1)[1]
        return "child_details", name if name in ChildDetailsForm.base_fields else "__all__"
    return None, "__all__"


def _anchor(step, field):
    if field == "__all__" or step == "child":
        return "main-content"
    form_field = STEP_FORMS[step].base_fields[field]
    if isinstance(form_field, GovukDateField):
        return f"id_{field}_0"
    if getattr(form_field.widget, "input_type", "") in ("radio", "checkbox") and hasattr(form_field, "choices"):
        return f"id_{field}_0"
    return f"id_{field}"


def _contact_details(referral) -> services.ContactDetails:
    answers = referral["referrer"]
    received_at = timezone.make_aware(
        datetime.combine(date.fromisoformat(answers["received_date"]), time.fromisoformat(answers["received_time"]))
    )
    chosen = referral["child"]
    if chosen.get("id"):
        child = {"id": chosen["id"]}
    else:
        d = chosen["details"]
        child = {
            **{k: d.get(k) or "" for k in ("first_name", "last_name", "gender", "nhs_number", "address", "postcode")},
            "date_of_birth": date.fromisoformat(d["date_of_birth"]) if d.get("date_of_birth") else None,
            "expected_date_of_birth": (
                date.fromisoformat(d["expected_date_of_birth"]) if d.get("expected_date_of_birth") else None
            ),
        }
    concerns, consent = referral["concerns"], referral["consent"]
    return services.ContactDetails(
        received_at=received_at,
        referrer={k: answers[k] for k in ("name", "agency", "role", "contact")},
        child=child,
        concerns=concerns["concerns"],
        categories=concerns["categories"],
        referrer_level=int(concerns["referrer_level"]) if str(concerns.get("referrer_level")).isdigit() else None,
        consent=consent["consent"],
        consent_reason=consent["consent_reason"],
        household=referral.get("household") or [],
        referral_source=answers.get("referral_source") or "",
    )


def _grouped_errors(error: ValidationError) -> dict:
    """{page: {field: [messages]}} from a service's ValidationError."""
    grouped: dict[str, dict[str, list[str]]] = {}
    items = error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
    for field, messages_ in items:
        step, name = _error_place(field)
        grouped.setdefault(step or "check", {}).setdefault(name, []).extend(messages_)
    return grouped


def _error_links(grouped) -> list:
    links: list[dict[str, str]] = []
    for step in ["check", "child", "child_details", *ORDER[1:]]:
        for field, messages_ in (grouped.get(step) or {}).items():
            href = "#main-content" if step == "check" else _step_url(step, change=True, anchor=_anchor(step, field))
            links.extend({"message": m, "href": href} for m in messages_)
    return links


@login_required
def referral_check(request):
    """Check your answers, then send: the service receives the contact and starts its clocks."""
    may_refer(request.user)
    referral = _referral(request)
    missing = _first_missing(referral)
    if missing:
        return redirect(STEP_URL[missing])
    if request.method == "POST":
        try:
            contact = services.receive_contact(received_by=request.user, details=_contact_details(referral))
        except ValidationError as error:
            referral["errors"] = _grouped_errors(error)
            keep_answers(request, referral)
        else:
            request.session.pop(SESSION_KEY, None)
            return redirect("referral-sent", pk=contact.pk)
    errors = referral.get("errors") or {}
    concerns, consent = referral["concerns"], referral["consent"]
    context = {
        "referral": referral,
        "child": _chosen_child(request.user, referral),
        "child_is_new": not (referral["child"] or {}).get("id"),
        "household": _household_for_display(referral.get("household")),
        "concerns": concerns,
        "categories": [ConcernCategory(c).label for c in concerns["categories"] if c in ConcernCategory.values],
        "level": dict(LEVELS).get(concerns.get("referrer_level") or "", ""),
        "consent_label": dict(ConsentForm.base_fields["consent"].choices).get(consent["consent"], ""),
        "consent": consent,
        "referrer": referral["referrer"],
        "received_at": datetime.combine(
            date.fromisoformat(referral["referrer"]["received_date"]),
            time.fromisoformat(referral["referrer"]["received_time"]),
        ),
        "error_links": _error_links(errors),
        "errors": errors,
    }
    return render(request, "referrals/new/check.html", context)


@login_required
def referral_sent(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("child"), pk=pk, referrer_user=request.user)
    view = selectors.contact_view(request.user, contact)
    _log_read(request, contact, view, "page:referral-sent")
    deadline = _decision_deadline(contact)
    return render(
        request, "referrals/new/sent.html", {"contact": contact, "due": due_text(deadline) if deadline else ""}
    )
