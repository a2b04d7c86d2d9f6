"""Pages: the chronology (and its PDF), case notes and significant events. Rules are in services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ..models import CaseNote
from ..pages import attempt, open_child, open_child_record
from ..pdf import pdf_response
from ..permissions import may_write_case_notes
from . import selectors, services
from .forms import CaseNoteForm, ChronologyFilterForm, SignificantEventForm


def _chronology_context(request, child):
    form = ChronologyFilterForm(request.GET or None)
    filters = form.filters()
    entries = selectors.chronology(child=child, viewer=request.user, **filters)
    return {
        "child": child,
        "form": form,
        "entries": entries,
        "filtered": bool(filters["agency_kinds"] or filters["event_types"]),
        "agency_labels": [
            label for value, label in form.fields["agency"].choices if value in (filters["agency_kinds"] or ())
        ],
        "type_labels": [
            label for value, label in form.fields["type"].choices if value in (filters["event_types"] or ())
        ],
        "query": request.GET.urlencode(),
    }


@login_required
def chronology_page(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:chronology")
    if refusal:
        return refusal
    context = _chronology_context(request, child)
    context["may_write"] = may_write_case_notes(request.user)
    return render(request, "casework/chronology/chronology.html", context)


@login_required
def chronology_pdf(request, pk):
    child, decision, refusal = open_child(request, pk, what="pdf:chronology")
    if refusal:
        return refusal
    context = _chronology_context(request, child)
    context.update(printed_at=timezone.localtime(), printed_by=request.user)
    return pdf_response("casework/chronology/chronology_pdf.html", context, filename=f"chronology-{child.pk}.pdf")


def _write_page(request, pk, what):
    """Open the child for a write page: logged as a read when the page is shown (the service logs the write)."""
    child, decision, refusal = open_child(request, pk, what=what)
    if refusal:
        return child, refusal
    if not may_write_case_notes(request.user) or not request.user.agency_id:
        raise PermissionDenied
    return child, None


@login_required
def case_note_new(request, pk):
    child, refusal = _write_page(request, pk, "page:case-note-new")
    if refusal:
        return refusal
    form = CaseNoteForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        # The service's field errors are shown against this page's fields (form.SERVICE_FIELDS).
        note = attempt(
            form,
            lambda: services.record_case_note(child=child, by=request.user, **form.service_kwargs()),
            field_names=form.SERVICE_FIELDS,
        )
        if note is not None:
            messages.success(request, "Case note saved")
            return redirect("case-note-detail", pk=note.pk)
    return render(
        request,
        "casework/chronology/case_note_form.html",
        {"child": child, "form": form, "back": reverse("child-chronology", args=[child.pk])},
    )


@login_required
def case_note_detail(request, pk):
    note, child, decision, refusal = open_child_record(
        request,
        CaseNote,
        pk,
        what="page:case-note",
        queryset=CaseNote.objects.select_related("agency", "recorded_by").prefetch_related("actions"),
    )
    if refusal:
        return refusal
    return render(request, "casework/chronology/case_note_detail.html", {"note": note, "child": child})


@login_required
def significant_event_new(request, pk):
    child, refusal = _write_page(request, pk, "page:significant-event-new")
    if refusal:
        return refusal
    form = SignificantEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = attempt(
            form,
            lambda: services.record_significant_event(child=child, by=request.user, **form.cleaned_data),
            field_names=form.SERVICE_FIELDS,
        )
        if event is not None:
            messages.success(request, "Added to the chronology")
            return redirect("child-chronology", pk=child.pk)
    return render(
        request,
        "casework/chronology/significant_event_form.html",
        {"child": child, "form": form, "back": reverse("child-chronology", args=[child.pk])},
    )
