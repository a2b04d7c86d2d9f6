"""Custody care pages: the child's care in youth detention and the forms that record it. Rules live in
services.py; these shape the pages.

Every page read is logged by `open_child` / `open_child_record`: a user who can see the child but may
not read the custody_care section (casework.justice.sharing), or may not record the page's record,
gets 403, logged as denied. Every write is logged by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from casework.text import day_text

from ..justice.sharing import protocol_for
from ..models import LookedAfterReview
from ..pages import STALE_PAGE, attempt, open_child, open_child_record
from . import selectors, services
from .forms import (
    BailPackageReviewForm,
    LookedAfterReviewEditForm,
    LookedAfterReviewForm,
    PlanningMeetingForm,
    VisitForm,
)

VisitKind = services.VisitKind


def _reader(user, child):
    return selectors.may_read(user)


def _review_writer(user, child):
    return selectors.may_read(user) and services.may_record_reviews(user)


def _visit_writer(user, child):
    return selectors.may_read(user) and services.may_record_joint_visits(user)


def _cyjs_writer(user, child):
    return selectors.may_read(user) and services.may_record_youth_justice_care(user)


def _attempt(form, call):
    return attempt(form, call, stale=STALE_PAGE)


def _back(child):
    return redirect("custody-care", pk=child.pk)


@login_required
def custody_care(request, pk):
    """Every period in custody of the child: what CSC owes them, the clocks, reviews, visits, the
    planning meeting and, for a remand, the bail package reviews."""
    child, decision, refusal = open_child(request, pk, what="page:custody-care", allowed_if=_reader)
    if refusal:
        return refusal
    user = request.user
    authority = user.agency.authority if user.agency_id else None
    return render(
        request,
        "casework/custody_care/page.html",
        {
            "child": child,
            "periods": selectors.custody_periods(child),
            "may_record_reviews": services.may_record_reviews(user),
            "may_record_joint_visits": services.may_record_joint_visits(user),
            "may_record_cyjs": services.may_record_youth_justice_care(user),
            "protocol": protocol_for(authority),
        },
    )


def _custody_page(request, pk, key, what, allowed_if):
    child, decision, refusal = open_child(request, pk, what=what, allowed_if=allowed_if)
    if refusal:
        return child, None, refusal
    return child, selectors.custody_of_key(child, key), None


def _custody_kwargs(custody):
    return {"remand": custody} if services.Remand is type(custody) else {"order": custody}


@login_required
def review_new(request, pk, key):
    child, custody, refusal = _custody_page(request, pk, key, "page:looked-after-review-new", _review_writer)
    if refusal:
        return refusal
    form = LookedAfterReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.record_looked_after_review(
                child=child, by=request.user, **_custody_kwargs(custody), **form.service_kwargs()
            ),
        )
        if done:
            messages.success(request, "Looked after review recorded")
            return _back(child)
    return render(
        request,
        "casework/custody_care/form.html",
        {
            "child": child,
            "form": form,
            "title": "Record a looked after review",
            "custody_title": services.custody_title(custody),
            "duties": services.duties_of(custody),
            "clock": _open(custody, services.LAC_REVIEW),
            "button": "Save the review",
            "intro": "Looked after reviews are chaired by an independent reviewing officer.",
        },
    )


@login_required
def review_edit(request, pk):
    review, child, decision, refusal = open_child_record(
        request,
        LookedAfterReview,
        pk,
        what="page:looked-after-review-edit",
        queryset=LookedAfterReview.objects.select_related("child", "chair"),
        allowed_if=_review_writer,
    )
    if refusal:
        return refusal
    initial = {
        "version": review.version,
        "chair_name": review.chair_text,
        "decisions": review.decisions,
        "child_attended": "yes" if review.child_attended else "no",
        "next_review_on": review.next_review_on,
    }
    form = LookedAfterReviewEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if review.chair_id and data.get("chair_name") == review.chair_text:
            data.pop("chair_name")
        done = _attempt(
            form,
            lambda: services.update_looked_after_review(
                review=review, by=request.user, expected_version=form.cleaned_data["version"], data=data
            ),
        )
        if done:
            messages.success(request, "Looked after review saved")
            return _back(child)
    return render(
        request,
        "casework/custody_care/form.html",
        {
            "child": child,
            "form": form,
            "title": f"Change the looked after review of {day_text(review.held_on)}",
            "button": "Save the review",
        },
    )


@login_required
def visit_new(request, pk, key):
    child, custody, refusal = _custody_page(request, pk, key, "page:custody-visit-new", _visit_writer)
    if refusal:
        return refusal
    user = request.user
    kinds = [VisitKind.JOINT] + ([VisitKind.STATUTORY] if services.may_record_reviews(user) else [])
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else (kinds[0] if len(kinds) == 1 else None)
    initial = {"visited_on": timezone.localdate(), "kind": kind}
    if services.may_record_reviews(user):
        initial["csc_visitor"] = user.display_name
    elif services.may_record_youth_justice_care(user):
        initial["cyjs_visitor"] = user.display_name
    form = VisitForm(request.POST or None, initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.record_custody_visit(
                child=child, by=user, **_custody_kwargs(custody), **form.service_kwargs()
            ),
        )
        if done:
            messages.success(request, f"{done.get_kind_display()} recorded")
            return _back(child)
    return render(
        request,
        "casework/custody_care/form.html",
        {
            "child": child,
            "form": form,
            "title": "Record a visit in custody",
            "custody_title": services.custody_title(custody),
            "duties": services.duties_of(custody),
            "button": "Save the visit",
            "clock": _open(custody, services.FIRST_VISIT)
            or _open(custody, services.NEXT_VISIT)
            or _open(custody, services.JOINT_VISIT),
        },
    )


@login_required
def bail_review_new(request, pk, key):
    child, custody, refusal = _custody_page(request, pk, key, "page:bail-package-review-new", _cyjs_writer)
    if refusal:
        return refusal
    form = BailPackageReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if not isinstance(custody, services.Remand):
            form.add_error(None, "Only a remand to youth detention accommodation has a bail package review")
        else:
            done = _attempt(
                form,
                lambda: services.record_bail_package_review(remand=custody, by=request.user, **form.service_kwargs()),
            )
            if done:
                messages.success(request, "Bail package review recorded")
                return _back(child)
    return render(
        request,
        "casework/custody_care/form.html",
        {
            "child": child,
            "form": form,
            "title": "Review the bail package",
            "custody_title": services.custody_title(custody),
            "button": "Save the review",
            "intro": "A child remanded to youth detention is kept under review for a community bail package, with children's social care.",
        },
    )


@login_required
def planning_meeting_new(request, pk, key):
    child, custody, refusal = _custody_page(request, pk, key, "page:custody-planning-meeting-new", _cyjs_writer)
    if refusal:
        return refusal
    form = PlanningMeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if isinstance(custody, services.Remand):
            form.add_error(None, "Only a custodial sentence has a custody planning meeting")
        else:
            done = _attempt(
                form, lambda: services.record_planning_meeting(order=custody, by=request.user, **form.cleaned_data)
            )
            if done:
                messages.success(request, "Custody planning meeting recorded")
                return _back(child)
    return render(
        request,
        "casework/custody_care/form.html",
        {
            "child": child,
            "form": form,
            "title": "Record the custody planning meeting",
            "custody_title": services.custody_title(custody),
            "clock": _open(custody, services.PLANNING_MEETING),
            "button": "Save the meeting",
            "intro": "Youth justice convenes a planning meeting after a sentence to custody.",
        },
    )


def _open(custody, code):
    return next((d for d in selectors.clocks_of(custody, (code,)) if d.is_open), None)
