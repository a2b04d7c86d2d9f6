"""Helpers for pathway pages and API views: open a record through its child's access rule."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import access
from accounts.audit import record_access
from accounts.models import AccessEvent

from .views import open_child


def open_child_record(request, model, pk, *, what, action=AccessEvent.Action.READ, queryset=None):
    """Load a pathway record (assessment, conference...) and decide and log access on its child.

    Returns (record, child, decision, refusal) like `open_child`: when `refusal`
    is set, send it and show nothing of the record.
    """
    record = get_object_or_404(queryset if queryset is not None else model.objects.all(), pk=pk)
    child, decision, refusal = open_child(request, record.child_id, what=what, action=action)
    return record, child, decision, refusal


def api_open_child(user, child, *, what, action=AccessEvent.Action.READ):
    """The API's version: a child the caller may not see answers 404, and the attempt is logged."""
    decision = access.decide(user, child)
    record_access(user=user, child=child, what=what, action=action, decision=decision)
    if not decision.allowed:
        raise Http404
    return decision
