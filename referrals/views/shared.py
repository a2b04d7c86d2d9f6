"""Pieces every front-door page uses: opening a contact through the access policy, logging the read,
and the decision deadline."""

from datetime import date, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import access
from accounts.audit import record_access
from accounts.models import AccessEvent
from casework.pages import refusal_page
from config.uk_time import time_text
from notifications.models import Deadline

from .. import selectors, services
from ..models import Contact

READ, WRITE = AccessEvent.Action.READ, AccessEvent.Action.WRITE
REFUSED = access.AccessDecision(False, access.Purpose.NONE)


def _safe_next(request, fallback):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _decision_deadline(contact):
    return (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Contact),
            subject_id=contact.pk,
            rule_code="referral_decision",
        )
        .order_by("-id")
        .first()
    )


def _due_label(due_at, *, today=None):
    """Short, for a table: a day-rule deadline ends at midnight, so say the day, not 00:00 the day after."""
    if due_at is None:
        return ""
    local = timezone.localtime(due_at)
    today = today or timezone.localdate()
    day = local.date() - timedelta(days=1) if local.time() == time.min else local.date()
    label = f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")
    return label if local.time() == time.min else f"{label}, {time_text(local)}"


def _open_contact(request, pk, *, what, full=True, action=READ, log=True):
    """Load a contact and decide what this user may see of it.

    Returns (contact, view, refusal). A refusal is always logged; an allowed
    read is logged when `log` is true (a POST handler logs only the page it shows).
    """
    contact = get_object_or_404(
        Contact.objects.select_related(
            "child",
            "agency",
            "team",
            "allocated_to",
            "referrer_user",
            "decision__decided_by",
            "decision__authorised_by",
        ),
        pk=pk,
    )
    view = selectors.contact_view(request.user, contact)
    allowed = view.level == selectors.FULL if full else view.level is not None
    if not allowed:
        decision = view.decision if view.level is None and view.decision else REFUSED
        record_access(user=request.user, child=contact.child, what=what, action=action, decision=decision)
        if view.level is None:
            return contact, view, refusal_page(request, contact.child, decision)
        return contact, view, render(request, "errors/404.html", status=404)
    if log:
        _log_read(request, contact, view, what)
    return contact, view, None


def _log_read(request, contact, view, what):
    record_access(user=request.user, child=contact.child, what=what, decision=view.decision)


def _require_holder(request, contact):
    if not services.holds_contact(request.user, contact):
        record_access(user=request.user, child=contact.child, what="contact:refused", action=WRITE, decision=REFUSED)
        raise PermissionDenied


def _as_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _household_for_display(household):
    return [{**m, "date_of_birth": _as_date(m.get("date_of_birth"))} for m in household or [] if isinstance(m, dict)]
