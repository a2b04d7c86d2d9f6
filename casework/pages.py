"""Helpers for pathway pages and API views: open a record through its child's access rule,
and show a service's refusal on the page's form."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import access
from accounts.audit import record_access
from accounts.models import AccessEvent

from .services import ConcurrentEditError
from .views import add_service_errors, open_child

STALE = " Open the record again to see their changes, then make yours."


def open_child_record(request, model, pk, *, what, action=AccessEvent.Action.READ, queryset=None, allowed_if=None):
    """Load a pathway record (assessment, conference...) and decide and log access on its child.

    Returns (record, child, decision, refusal) like `open_child`: when `refusal`
    is set, send it and show nothing of the record. `allowed_if(user, child)` narrows
    the page to some users (e.g. social care writers): others get 403, logged as denied.
    """
    record = get_object_or_404(queryset if queryset is not None else model.objects.all(), pk=pk)
    child, decision, refusal = open_child(request, record.child_id, what=what, action=action, allowed_if=allowed_if)
    return record, child, decision, refusal


def attempt(form, call, *, stale=STALE, field_names=None):
    """Run a service call for a page. On a refusal show it on `form` and return None.

    A ValidationError goes on the form field by field (`field_names` maps service
    fields to the form's); a ConcurrentEditError is a form error followed by `stale`.
    """
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error, field_names=field_names)
    except ConcurrentEditError as error:
        form.add_error(None, f"{error}{stale}")
    return None


def api_open_child(user, child, *, what, action=AccessEvent.Action.READ):
    """The API's version: a child the caller may not see answers 404, and the attempt is logged."""
    decision = access.decide(user, child)
    record_access(user=user, child=child, what=what, action=action, decision=decision)
    if not decision.allowed:
        raise Http404
    return decision
