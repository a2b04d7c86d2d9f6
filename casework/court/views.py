"""Court appearance and remand pages. Rules live in services.py; these only shape the pages.

Every page read is logged by `open_child` / `open_child_record`; every write by the service.
Reading needs the section (court, remand) shared with the reader (casework.justice.sharing):
a user who sees the child but not the section gets 403, logged as denied. Writing pages are
CYJS's, except the two CSC steps on a remand (placement planning meeting, CLA notifications).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.models import AccessEvent

from ..justice.sharing import Section, may_read_section, may_write_youth_justice
from ..models import CourtAppearance, Remand
from ..pages import STALE_PAGE, attempt, open_child, open_child_record
from ..permissions import may_record_social_care_work
from . import selectors, services
from .forms import (
    ClaNotificationsForm,
    ConfirmForm,
    CourtAppearanceForm,
    CourtOutcomeForm,
    EndRemandForm,
    JointDiscussionForm,
    PlacementForm,
    PlacementPlanningMeetingForm,
    RemandForm,
    placement_initial,
)

WRITE = AccessEvent.Action.WRITE
FIELD_NAMES = {"hearing_at": "hearing_date", "next_hearing_at": "next_hearing_date", "at": "held_date"}


def _reads_court(user, child):
    return may_read_section(user, Section.COURT)


def _reads_remand(user, child):
    return may_read_section(user, Section.REMAND)


def _writes_court(user, child):
    return may_read_section(user, Section.COURT) and may_write_youth_justice(user)


def _writes_remand(user, child):
    return may_read_section(user, Section.REMAND) and may_write_youth_justice(user)


def _csc_step(user, child):
    return may_read_section(user, Section.REMAND) and (
        may_write_youth_justice(user) or may_record_social_care_work(user)
    )


def _attempt(form, call):
    return attempt(form, call, stale=STALE_PAGE, field_names=FIELD_NAMES)


# --- Court appearances --------------------------------------------------------------------------


def _appearance_query():
    return CourtAppearance.objects.select_related("child", "agency", "created_by")


@login_required
def court_appearance_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:court-appearance-new", allowed_if=_writes_court)
    if refusal:
        return refusal
    form = CourtAppearanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        appearance = _attempt(
            form, lambda: services.record_court_appearance(child=child, by=request.user, **form.service_kwargs())
        )
        if appearance:
            told = []
            if appearance.csc_worker_told_at:
                told.append("the child's social worker was told (the child is looked after)")
            if appearance.csc_told_of_remand_risk_at:
                told.append("children's social care was told of the risk of remand")
            messages.success(request, "Court hearing recorded" + (f": {' and '.join(told)}" if told else ""))
            return redirect("court-appearance-detail", pk=appearance.pk)
    return render(
        request,
        "casework/court/appearance_new.html",
        {"child": child, "form": form, "looked_after": services.looked_after_at_hearing(child, by=request.user)},
    )


@login_required
def court_appearance_detail(request, pk):
    appearance, child, decision, refusal = open_child_record(
        request,
        CourtAppearance,
        pk,
        what="page:court-appearance",
        queryset=_appearance_query(),
        allowed_if=_reads_court,
    )
    if refusal:
        return refusal
    remands = list(appearance.remands.all()) if may_read_section(request.user, Section.REMAND) else []
    return render(
        request,
        "casework/court/appearance_detail.html",
        {
            "appearance": appearance,
            "child": child,
            "remands": remands,
            "may_write": may_write_youth_justice(request.user),
            "hearing_passed": appearance.hearing_at <= timezone.now(),
        },
    )


@login_required
def court_appearance_record(request, pk):
    appearance, child, decision, refusal = open_child_record(
        request,
        CourtAppearance,
        pk,
        what="page:court-appearance-record",
        queryset=_appearance_query(),
        allowed_if=_writes_court,
    )
    if refusal:
        return refusal
    if appearance.outcome and request.method == "GET":
        messages.info(request, "The outcome of this hearing is already recorded")
        return redirect("court-appearance-detail", pk=appearance.pk)
    form = CourtOutcomeForm(
        request.POST or None,
        appearance=appearance,
        initial={"version": appearance.version, "authority_decides_placement": "yes"},
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.record_court_outcome(appearance=appearance, by=request.user, **form.service_kwargs())
        )
        if done:
            remand = appearance.remands.order_by("-id").first()
            if remand:
                messages.success(
                    request, f"Outcome recorded and remand started. {services.looked_after_reason(remand)}"
                )
                return redirect("remand-detail", pk=remand.pk)
            messages.success(request, "Outcome recorded")
            return redirect("court-appearance-detail", pk=appearance.pk)
    return render(
        request,
        "casework/court/appearance_record.html",
        {
            "appearance": appearance,
            "child": child,
            "form": form,
            "hearing_passed": appearance.hearing_at <= timezone.now(),
            "protocol": services.protocol_for(request.user.authority),
        },
    )


# --- Remands --------------------------------------------------------------------------------------


def _remand_query():
    return Remand.objects.select_related("child", "appearance", "created_by__agency")


def _open_remand(request, pk, what, allowed_if):
    return open_child_record(request, Remand, pk, what=what, queryset=_remand_query(), allowed_if=allowed_if)


@login_required
def remand_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:remand-new", allowed_if=_writes_remand)
    if refusal:
        return refusal
    appearance = None
    if request.GET.get("appearance", "").isdigit():
        appearance = get_object_or_404(CourtAppearance, pk=request.GET["appearance"], child=child)
    form = RemandForm(
        request.POST or None, initial={"started_on": timezone.localdate(), "authority_decides_placement": "yes"}
    )
    if request.method == "POST" and form.is_valid():
        remand = _attempt(
            form,
            lambda: services.start_remand(child=child, by=request.user, appearance=appearance, **form.service_kwargs()),
        )
        if remand:
            messages.success(request, f"Remand recorded. {services.looked_after_reason(remand)}")
            return redirect("remand-detail", pk=remand.pk)
    return render(
        request,
        "casework/court/remand_new.html",
        {
            "child": child,
            "form": form,
            "appearance": appearance,
            "protocol": services.protocol_for(request.user.authority),
        },
    )


@login_required
def remand_detail(request, pk):
    remand, child, decision, refusal = _open_remand(request, pk, "page:remand", _reads_remand)
    if refusal:
        return refusal
    clocks = selectors.clocks_of(remand)
    user = request.user
    return render(
        request,
        "casework/court/remand_detail.html",
        {
            "remand": remand,
            "child": child,
            "clocks": clocks,
            "reason": services.looked_after_reason(remand),
            "la_accommodation": remand.kind in services.LA_ACCOMMODATION,
            "notifications_open": any(c.rule_code == "cla_notifications" and c.is_open for c in clocks),
            "notifications_sent": next((c for c in clocks if c.rule_code == "cla_notifications" and c.met_at), None),
            "may_write": may_write_youth_justice(user),
            "may_record_csc_steps": may_write_youth_justice(user) or may_record_social_care_work(user),
            "appearance_readable": may_read_section(user, Section.COURT),
            # The care in youth detention page (000 ¶19; 003 L162–167), where that section is shared with the reader.
            "custody_care_readable": remand.kind == Remand.Kind.YOUTH_DETENTION
            and may_read_section(user, Section.CUSTODY_CARE),
        },
    )


@login_required
def remand_edit(request, pk):
    remand, child, decision, refusal = _open_remand(request, pk, "page:remand-edit", _writes_remand)
    if refusal:
        return refusal
    form = PlacementForm(request.POST or None, initial=placement_initial(remand))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.record_placement(
                remand=remand,
                by=request.user,
                expected_version=data["version"],
                placement=data["placement"],
                task_split=data["task_split"],
            ),
        )
        if done:
            messages.success(request, "Placement saved")
            return redirect("remand-detail", pk=remand.pk)
    return render(request, "casework/court/remand_edit.html", {"remand": remand, "child": child, "form": form})


@login_required
def remand_end(request, pk):
    remand, child, decision, refusal = _open_remand(request, pk, "page:remand-end", _writes_remand)
    if refusal:
        return refusal
    form = EndRemandForm(request.POST or None, initial={"version": remand.version, "ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.end_remand(
                remand=remand, by=request.user, expected_version=data["version"], ended_on=data["ended_on"]
            ),
        )
        if done:
            messages.success(request, "Remand ended")
            return redirect("remand-detail", pk=remand.pk)
    return render(request, "casework/court/remand_end.html", {"remand": remand, "child": child, "form": form})


def _remand_step(
    request, pk, *, what, allowed_if, form_class, call, title, intro, button, done_message, initial=None, clock=None
):
    """A page with one step on a remand: a short form, or just a button."""
    remand, child, decision, refusal = _open_remand(request, pk, what, allowed_if)
    if refusal:
        return refusal
    form = form_class(request.POST if request.method == "POST" else None, initial=initial(remand) if initial else {})
    if request.method == "POST" and form.is_valid():
        done = _attempt(form, lambda: call(remand, form))
        if done:
            messages.success(request, done_message)
            return redirect("remand-detail", pk=remand.pk)
    return render(
        request,
        "casework/court/remand_step.html",
        {
            "remand": remand,
            "child": child,
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "clock": selectors.open_clock(remand, clock) if clock else None,
        },
    )


@login_required
def remand_joint_discussion(request, pk):
    return _remand_step(
        request,
        pk,
        what="page:remand-joint-discussion",
        allowed_if=_writes_remand,
        form_class=JointDiscussionForm,
        call=lambda remand, form: services.record_joint_discussion(remand=remand, by=request.user, at=form.at()),
        title="Record the joint discussion",
        button="Save",
        intro="CYJS and CSC talked, by phone or in person, about the child's immediate needs and risk, to find a placement.",
        done_message="Joint discussion recorded",
        initial=lambda remand: {"held_date": timezone.localdate()},
    )


@login_required
def remand_placement_planning_meeting(request, pk):
    return _remand_step(
        request,
        pk,
        what="page:remand-placement-planning-meeting",
        allowed_if=_csc_step,
        form_class=PlacementPlanningMeetingForm,
        call=lambda remand, form: services.record_placement_planning_meeting(
            remand=remand,
            by=request.user,
            held_on=form.cleaned_data["held_on"],
            task_split=form.cleaned_data["task_split"],
        ),
        title="Record the placement planning meeting",
        button="Save the meeting",
        intro="Chaired by the child's social worker. It reviews the placement, sets the care plan and agrees what CSC and CYJS each do.",
        done_message="Placement planning meeting recorded",
        clock="placement_planning_meeting",
        initial=lambda remand: {"held_on": timezone.localdate(), "task_split": remand.task_split},
    )


@login_required
def remand_cla_notifications(request, pk):
    return _remand_step(
        request,
        pk,
        what="page:remand-cla-notifications",
        allowed_if=_csc_step,
        form_class=ClaNotificationsForm,
        call=lambda remand, form: services.record_cla_notifications_sent(
            remand=remand, by=request.user, on=form.cleaned_data["on"]
        ),
        title="Record that the looked after notifications were sent",
        button="Save",
        intro="The health CLA team, the pupil access team and the IRO service must be told the child is looked after.",
        done_message="Notifications recorded",
        clock="cla_notifications",
        initial=lambda remand: {"on": timezone.localdate()},
    )


@login_required
def remand_leaving_care(request, pk):
    return _remand_step(
        request,
        pk,
        what="page:remand-leaving-care",
        allowed_if=_writes_remand,
        form_class=ConfirmForm,
        call=lambda remand, form: services.record_leaving_care_considered(remand=remand, by=request.user),
        title="Leaving care entitlements considered",
        button="Confirm",
        intro="The child is looked after through this remand, so their leaving care entitlements must be considered.",
        done_message="Leaving care entitlements recorded as considered",
    )


@login_required
def remand_escalate(request, pk):
    return _remand_step(
        request,
        pk,
        what="page:remand-escalate",
        allowed_if=_writes_remand,
        form_class=ConfirmForm,
        call=lambda remand, form: services.flag_accommodation_only_reason(remand=remand, by=request.user),
        title="Escalate: accommodation is the only reason for secure remand",
        button="Tell the senior managers",
        intro=(
            "Accommodation must not be the only reason a child enters or stays on secure remand. "
            "The senior managers of both CYJS and children's social care will be told in the app."
        ),
        done_message="Escalated to the senior managers of CYJS and children's social care",
    )
