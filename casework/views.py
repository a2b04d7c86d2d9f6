"""Pages for finding and reading a child's record. Rules live in services and the access policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.audit import record_access, record_search
from accounts.forms import BreakGlassForm
from accounts.models import AccessEvent, BreakGlassAccess
from accounts.services import start_break_glass
from notifications.selectors import child_deadlines, with_rag

from . import selectors, services
from .chronology.selectors import pathway_summary
from .forms import ChildSearchForm, EditChildForm, NewChildForm
from .involvements.allocation import allocatable_involvements, allocation_history
from .involvements.services import may_close as may_close_involvement
from .involvements.services import may_record_legal_basis
from .justice.sharing import readable_sections
from .models import Child
from .pages import add_service_errors, open_child, refusal_page
from .permissions import may_record_social_care_work, may_write_case_notes


@login_required
def child_search(request):
    if not access.sees_case_content(request.user):
        raise PermissionDenied
    form = ChildSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = list(
            selectors.child_search(
                fetched_by=request.user,
                query=form.cleaned_data["q"],
                date_of_birth=form.cleaned_data["date_of_birth"],
            )[:100]
        )
        record_search(
            user=request.user,
            what="page:child-search",
            query=f"{form.cleaned_data['q']} {form.cleaned_data['date_of_birth'] or ''}".strip(),
            child_ids=[c.pk for c in results],
        )
    return render(request, "children/search.html", {"form": form, "results": results})


@login_required
def child_detail(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:child-record")
    if refusal:
        return refusal
    involvements = list(
        child.involvements.select_related("agency", "allocated_worker", "team").order_by("end", "-start")
    )
    household = selectors.household(child=child, viewer=request.user)
    duplicates = list(child.possible_duplicates.all())
    visible_duplicates = access.visible_children(request.user).filter(pk__in=[d.pk for d in duplicates])
    context = {
        "child": child,
        "decision": decision,
        "involvements": involvements,
        # casework/involvements: the open ones this user may close (allocated worker, or a manager of the agency).
        "closable_involvements": {
            inv.pk for inv in involvements if inv.is_open and may_close_involvement(request.user, inv)
        },
        "legal_basis_involvements": {inv.pk for inv in involvements if may_record_legal_basis(request.user, inv)},
        # Open involvements of a team this user runs: an "Allocate" or "Reassign" link on the row.
        "allocatable_involvements": allocatable_involvements(request.user, involvements),
        "allocations": list(allocation_history(child=child)),
        "household": household,
        "visible_duplicates": list(visible_duplicates),
        "hidden_duplicate_count": len(duplicates) - len(visible_duplicates),
        "deadlines": with_rag(child_deadlines(child=child, viewer=request.user)),
        "pathway": pathway_summary(child=child),
        "may_record_social_care_work": may_record_social_care_work(request.user),
        "reads_youth_justice": bool(readable_sections(request.user)),
        "may_write_case_notes": may_write_case_notes(request.user) and bool(request.user.agency_id),
        "may_view_access_history": access.may_view_access_history(request.user, child),
        "may_grant_access": access.may_grant_access(request.user, child),
        "break_glass": (
            BreakGlassAccess.objects.filter(user=request.user, child=child).order_by("-expires_at").first()
            if decision.purpose == AccessEvent.Purpose.BREAK_GLASS
            else None
        ),
    }
    return render(request, "children/detail.html", context)


@login_required
@require_http_methods(["POST"])
def child_break_glass(request, pk):
    child = get_object_or_404(Child, pk=pk)
    decision = access.decide(request.user, child)
    if decision.allowed:
        return redirect("child-detail", pk=child.pk)
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            start_break_glass(user=request.user, child=child, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            pass  # logged and answered below like any other refused attempt
        else:
            messages.success(request, "You have emergency access to this record. Your manager has been told.")
            return redirect("child-detail", pk=child.pk)
    record_access(
        user=request.user, child=child, what="break-glass:refused", action=AccessEvent.Action.WRITE, decision=decision
    )
    return refusal_page(request, child, decision, form=form)


@login_required
def child_create(request):
    if not request.user.agency_id or not access.may_use_break_glass(request.user):
        raise PermissionDenied
    form = NewChildForm(request.POST or None)
    same_nhs_number = None  # a child this user may see who already has the NHS number entered
    if request.method == "POST" and form.is_valid():
        try:
            child = services.create_child(
                created_by=request.user,
                data=form.service_data(),
                involvement_kind=form.cleaned_data["involvement_kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            same_nhs_number = getattr(error, "existing", None)
        else:
            messages.success(request, "Child added")
            return redirect("child-detail", pk=child.pk)
    return render(
        request, "children/form.html", {"form": form, "title": "Add a child", "same_nhs_number": same_nhs_number}
    )


@login_required
def child_edit(request, pk):
    # The page is logged as a read; a saved change is logged again by the service as a write.
    child, decision, refusal = open_child(request, pk, what="page:child-edit")
    if refusal:
        return refusal
    form = EditChildForm(request.POST or None, instance=child, initial={"version": child.version})
    same_nhs_number = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_child(
                child=child,
                updated_by=request.user,
                decision=decision,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            same_nhs_number = getattr(error, "existing", None)
        except services.ConcurrentEditError as error:
            form.add_error(None, f"{error} Open the record again to see their changes, then make yours.")
        else:
            messages.success(request, "Child's details saved")
            return redirect("child-detail", pk=child.pk)
    return render(
        request,
        "children/form.html",
        {
            "form": form,
            "title": "Change the child's details",
            "child": child,
            "back": reverse("child-detail", args=[child.pk]),
            "same_nhs_number": same_nhs_number,
        },
    )
