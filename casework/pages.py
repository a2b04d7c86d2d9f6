"""What every page about a child does the same way: open the child (or a record on it) through
the access policy, logging the attempt, and show a service's refusal on the page's form."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts import access
from accounts.audit import record_access
from accounts.forms import BreakGlassForm
from accounts.models import AccessEvent

from .models import Child
from .services import ConcurrentEditError

STALE = " Open the record again to see their changes, then make yours."
STALE_PAGE = " Open the page again to see their changes, then make yours."


def add_service_errors(form, error: ValidationError, field_names=None):
    """Show a service's ValidationError on the form, field by field where it can.

    `field_names` maps a service's field to the form's name for it, where they differ.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (field_names or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def open_child(request, pk, *, what, action=AccessEvent.Action.READ, allowed_if=None):
    """Load a child for this request, deciding and logging access exactly once.

    Returns (child, decision, refusal). When refused, `refusal` is the page to
    send: a restricted child looks like a missing one; any other child offers
    break-glass where the user may use it. `allowed_if(user, child)` narrows a
    page to some users (e.g. managers); they are refused with 403, logged as denied.
    """
    child = get_object_or_404(Child, pk=pk)
    decision = access.decide(request.user, child)
    if decision.allowed and allowed_if is not None and not allowed_if(request.user, child):
        record_access(
            user=request.user,
            child=child,
            what=what,
            action=action,
            decision=access.AccessDecision(False, decision.purpose),
        )
        raise PermissionDenied
    record_access(user=request.user, child=child, what=what, action=action, decision=decision)
    if decision.allowed:
        return child, decision, None
    return child, decision, refusal_page(request, child, decision)


def refusal_page(request, child, decision, form=None):
    if child.restricted or not access.sees_case_content(request.user):
        return render(request, "errors/404.html", status=404)
    if not decision.break_glass_offered:
        form = None  # never show the form, even re-displayed with errors, to someone who may not use it
    elif form is None:
        form = BreakGlassForm()
    return render(request, "children/no_access.html", {"child_id": child.pk, "form": form}, status=403)


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
