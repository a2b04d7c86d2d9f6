"""The involvement pages: close it (seed 000 ¶20.5 for CSC after custody), record a looked-after
legal basis, allocate or reassign it. Rules live in services.py and allocation.py.

The page read is logged by `open_child` (someone who may not close it gets 403, logged as
denied); the write by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.line_management import team_members
from casework.text import day_text

from ..models import Involvement
from ..pages import attempt, open_child
from . import services
from .allocation import allocate_involvement, may_allocate
from .forms import AllocateForm, CloseInvolvementForm, LegalBasisForm

STALE = " Open the child's record again to see their changes."
ALLOCATION_STALE = " This page now shows who has the work: check your choice and allocate again."


def _open_involvement(request, pk, *, what, may):
    """The involvement and its child, or the refusal page: someone who sees the child but for whom
    `may(user, involvement)` is false gets 403, logged as denied."""
    involvement = get_object_or_404(Involvement.objects.select_related("agency", "allocated_worker", "team"), pk=pk)
    child, _decision, refusal = open_child(
        request, involvement.child_id, what=what, allowed_if=lambda user, child: may(user, involvement)
    )
    return involvement, child, refusal


@login_required
def involvement_close(request, pk):
    involvement, child, refusal = _open_involvement(request, pk, what="page:involvement-close", may=services.may_close)
    if refusal:
        return refusal
    back = redirect(reverse("child-detail", args=[child.pk]) + "#involvements")
    if involvement.end is not None:
        messages.info(request, f"This involvement closed on {day_text(involvement.end)}")
        return back
    form = CloseInvolvementForm(
        request.POST or None,
        initial={"version": involvement.version, "closed_on": timezone.localdate()},
        records_closure_code=services.records_closure_code(involvement),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: services.close_involvement(
                involvement,
                by=request.user,
                closed_on=data["closed_on"],
                reason=data["reason"],
                expected_version=data["version"],
                closure_code=data.get("closure_code", ""),
            ),
            stale=STALE,
        )
        if done:
            messages.success(request, f"{involvement.get_kind_display()} closed")
            return back
    hold = services.csc_hold(involvement)
    return render(
        request,
        "casework/involvements/close.html",
        {
            "involvement": involvement,
            "child": child,
            "form": form,
            "title": "Close this involvement",
            "hold": hold,
            "hold_message": services.hold_message(hold) if hold else "",
            "hold_running": bool(hold and hold.is_open),
        },
    )


@login_required
def involvement_legal_basis(request, pk):
    """Record why a child is looked after (s20, interim or full care order)."""
    involvement, child, refusal = _open_involvement(
        request, pk, what="page:involvement-legal-basis", may=services.may_record_legal_basis
    )
    if refusal:
        return refusal
    form = LegalBasisForm(
        request.POST or None, initial={"version": involvement.version, "legal_basis": involvement.legal_basis or None}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: services.record_legal_basis(
                involvement, by=request.user, legal_basis=data["legal_basis"], expected_version=data["version"]
            ),
            stale=STALE,
        )
        if done:
            messages.success(request, f"Legal basis recorded: {done.get_legal_basis_display()}")
            return redirect(reverse("child-detail", args=[child.pk]) + "#involvements")
    return render(
        request,
        "casework/involvements/legal_basis.html",
        {"involvement": involvement, "child": child, "form": form, "title": "Record why the child is looked after"},
    )


@login_required
def involvement_allocate(request, pk):
    """Give an open involvement, and the open work under it, to a member of its team (the team's managers only)."""
    involvement, child, refusal = _open_involvement(request, pk, what="page:involvement-allocate", may=may_allocate)
    if refusal:
        return refusal
    back = reverse("child-detail", args=[child.pk]) + "#involvements"
    previous = involvement.allocated_worker
    form = AllocateForm(
        request.POST or None,
        initial={"version": involvement.version},
        members=team_members(involvement.team),
        current_worker=previous,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: allocate_involvement(
                involvement=involvement,
                to=data["to"],
                by=request.user,
                reason=data["reason"],
                expected_version=data["version"],
            ),
            stale=ALLOCATION_STALE,
        )
        if done:
            what = involvement.get_kind_display().lower()
            messages.success(request, f"{data['to'].display_name} now has the {what} work")
            return redirect(back)
        _show_current_version(form, involvement)
    return render(
        request,
        "casework/involvements/allocate.html",
        {
            "involvement": involvement,
            "child": child,
            "form": form,
            "title": "Reassign this work" if previous else "Allocate this work",
            "back": back,
        },
    )


def _show_current_version(form, involvement):
    """After a refused allocation, show who has the work now and keep what was typed, so sending
    again is a deliberate choice made on the current state, not a lost page."""
    involvement.refresh_from_db(fields=["allocated_worker", "version"])
    if str(form.data.get("version")) != str(involvement.version):
        data = form.data.copy()
        data["version"] = involvement.version
        form.data = data
        form.current_worker = involvement.allocated_worker
