"""The contact page (what the user may see of it) and the screening done on it: rating and
agency checks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from casework.pages import add_service_errors
from notifications.clocks import due_text

from .. import selectors, services
from ..forms import LEVELS, CheckRequestForm, CheckResponseForm, DisagreementResponseForm, RagForm, ResolveForm
from ..models import AgencyCheck, ConcernCategory, Contact, Disagreement, DisagreementResponse
from .shared import WRITE, _decision_deadline, _household_for_display, _log_read, _open_contact, _require_holder


def _history(contact, rag_changes, checks, decision, feedback, disagreements):
    """Everything that happened to the contact, oldest first."""
    events = [(contact.received_at, "Contact received", contact.referrer_name, "")]
    for change in rag_changes:
        to = Contact.Rag(change.to_rag).label
        what = (
            f"Rated {to.lower()}"
            if not change.from_rag
            else f"Rating changed from {Contact.Rag(change.from_rag).label.lower()} to {to.lower()}"
        )
        events.append((change.changed_at, what, change.changed_by.display_name, change.rationale))
    for check in checks:
        events.append(
            (check.requested_at, f"{check.get_kind_display()} check requested", check.requested_by.display_name, "")
        )
        if check.responded_at:
            who = check.responded_by.display_name if check.responded_by else "Answered from the records"
            events.append(
                (
                    check.responded_at,
                    f"{check.get_kind_display()} check answered: {check.get_result_display()}",
                    who,
                    check.response,
                )
            )
    if decision:
        events.append(
            (
                decision.decided_at,
                f"Decision recorded: {decision.get_outcome_display()}",
                decision.decided_by.display_name,
                decision.rationale,
            )
        )
        if decision.authorised_at:
            events.append((decision.authorised_at, "Decision authorised", decision.authorised_by.display_name, ""))
    for item in feedback:
        events.append(
            (item.sent_at, "Feedback sent to the referrer", item.sent_by.display_name, f"{item.outcome} {item.reasons}")
        )
    for disagreement in disagreements:
        events.append(
            (
                disagreement.raised_at,
                "Referrer challenged the decision",
                disagreement.raised_by.display_name,
                disagreement.reason,
            )
        )
        for answer in disagreement.responses.all():
            events.append(
                (
                    answer.responded_at,
                    f"Response at {answer.get_stage_display().lower()} stage",
                    answer.responded_by.display_name,
                    answer.response,
                )
            )
        if disagreement.resolved_at:
            events.append((disagreement.resolved_at, "Challenge resolved", "", disagreement.resolution))
    events.sort(key=lambda e: e[0])
    nbsp = "\u00a0"  # keep "23 Nov 2026" on one line in a narrow column
    return [
        {
            "when": when,
            "day": nbsp.join(f"{timezone.localtime(when):%d %b %Y}".lstrip("0").split()),
            "what": what,
            "who": who,
            "detail": detail,
        }
        for when, what, who, detail in events
    ]


STAGES = list(Disagreement.Stage)


def _disagreements(request, contact, bound):
    user = request.user
    rows = list(
        contact.disagreements.select_related("raised_by")
        .prefetch_related(Prefetch("responses", queryset=DisagreementResponse.objects.select_related("responded_by")))
        .order_by("raised_at")
    )
    for d in rows:
        is_open = d.status == Disagreement.Status.OPEN
        holds_stage = user.role in services.STAGE_ROLES[d.stage] and user.agency_id == contact.agency_id
        d.can_respond = is_open and holds_stage
        d.can_escalate = is_open and d.raised_by_id == user.pk and d.stage < Disagreement.Stage.HEAD_OF_SERVICE
        d.can_resolve = is_open and (d.raised_by_id == user.pk or user.role in services.STAGE_ROLES[d.stage])
        d.respond_form = bound.get(("respond", d.pk)) or DisagreementResponseForm(prefix=f"respond-{d.pk}")
        d.resolve_form = bound.get(("resolve", d.pk)) or ResolveForm(prefix=f"resolve-{d.pk}")
        answers = list(d.responses.all())
        d.ladder = [
            {
                "number": stage.value,
                "label": stage.label,
                "state": "done"
                if stage < d.stage or (stage == d.stage and not is_open)
                else "current"
                if stage == d.stage
                else "later",
                "responses": [a for a in answers if a.stage == stage],
            }
            for stage in STAGES
        ]
    return rows


def _render_detail(request, contact, view, *, bound=None, failed=None):
    """The contact page, logged as one read. `bound` holds a form posted with errors, shown in place."""
    bound = bound or {}
    _log_read(request, contact, view, "page:contact")
    user = request.user
    decision = getattr(contact, "decision", None)
    feedback = list(contact.feedback.select_related("sent_by"))
    disagreements = _disagreements(request, contact, bound)
    is_referrer = contact.referrer_user_id == user.pk
    context = {
        "contact": contact,
        "view": view,
        "form": failed,  # the form posted with errors: the page title and error summary use it
        "decision": decision,
        "authorised": decision if decision and decision.authorised_at else None,
        "feedback": feedback,
        "disagreements": disagreements,
        "may_challenge": is_referrer
        and not contact.is_open
        and not any(d.status == Disagreement.Status.OPEN for d in disagreements),
    }
    if view.level != selectors.FULL:
        return render(request, "referrals/contact_referrer.html", context)

    rag_changes = list(contact.rag_changes.select_related("changed_by"))
    checks = list(contact.checks.select_related("requested_by", "responded_by"))
    for check in checks:
        check.form = bound.get(("check", check.pk)) or CheckResponseForm(prefix=f"check-{check.pk}")
    deadline = _decision_deadline(contact)
    holds = services.holds_contact(user, contact)
    household = _household_for_display(contact.household)
    context.update(
        {
            "holds": holds,
            "child_visible": access.decide(user, contact.child).allowed,
            "deadline": deadline,
            "deadline_text": due_text(deadline) if deadline else "",
            "deadline_overdue": bool(deadline and deadline.is_open and deadline.due_at <= timezone.now()),
            "categories": [ConcernCategory(c).label for c in contact.categories if c in ConcernCategory.values],
            "level": dict(LEVELS).get(str(contact.referrer_level or ""), ""),
            "household": household,
            "rag_form": bound.get("rag") or RagForm(prefix="rag", initial={"rag": contact.rag}),
            "check_form": bound.get("check") or CheckRequestForm(prefix="check", asked=[c.kind for c in checks]),
            "checks": checks,
            "all_checks_asked": len(checks) >= len(AgencyCheck.Kind.values),
            "may_authorise": holds and user.is_manager and decision and not decision.authorised_at,
            "history": _history(contact, rag_changes, checks, decision, feedback, disagreements),
        }
    )
    return render(request, "referrals/contact_detail.html", context)


@login_required
def contact_detail(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="page:contact", full=False, log=False)
    if refusal:
        return refusal
    return _render_detail(request, contact, view)


def _post_action(request, pk, what, *, full=True):
    contact, view, refusal = _open_contact(request, pk, what=what, full=full, action=WRITE, log=False)
    return contact, view, refusal


@login_required
@require_http_methods(["POST"])
def contact_rag(request, pk):
    contact, view, refusal = _post_action(request, pk, "contact:rag")
    if refusal:
        return refusal
    _require_holder(request, contact)
    form = RagForm(request.POST, prefix="rag")
    if form.is_valid():
        try:
            services.set_rag(
                contact=contact, by=request.user, rag=form.cleaned_data["rag"], rationale=form.cleaned_data["rationale"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Rating saved")
            return redirect("contact-detail", pk=contact.pk)
    return _render_detail(request, contact, view, bound={"rag": form}, failed=form)


@login_required
@require_http_methods(["POST"])
def contact_check_request(request, pk):
    contact, view, refusal = _post_action(request, pk, "contact:check")
    if refusal:
        return refusal
    _require_holder(request, contact)
    form = CheckRequestForm(request.POST, prefix="check", asked=list(contact.checks.values_list("kind", flat=True)))
    if form.is_valid():
        try:
            check = services.request_check(contact=contact, by=request.user, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{check.get_kind_display()} check requested")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#checks")
    return _render_detail(request, contact, view, bound={"check": form}, failed=form)


@login_required
@require_http_methods(["POST"])
def contact_check_respond(request, pk, check_pk):
    contact, view, refusal = _post_action(request, pk, "contact:check-response")
    if refusal:
        return refusal
    check = get_object_or_404(AgencyCheck, pk=check_pk, contact=contact)
    form = CheckResponseForm(request.POST, prefix=f"check-{check.pk}")
    if form.is_valid():
        try:
            services.respond_to_check(check=check, by=request.user, response=form.cleaned_data["response"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{check.get_kind_display()} check response saved")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#checks")
    return _render_detail(request, contact, view, bound={("check", check.pk): form}, failed=form)
