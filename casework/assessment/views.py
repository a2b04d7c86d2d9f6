"""Pages for the assessment and the child in need plan. Rules live in services; these shape pages.

Each page opens its record through the child's access rule (`open_child`), which logs the read.
Pages that change a record are for social care workers only (403 for others who can see the child).
"""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Agency, User
from notifications.selectors import with_rag

from ..models import Assessment, ChildInNeedMeeting, ChildInNeedPlan
from ..pages import attempt, open_child, open_child_record
from ..permissions import may_record_social_care_work, may_sign_off
from ..who_works_with import allocated_worker
from . import selectors, services
from .forms import (
    ActionFormSet,
    AssessmentCompleteForm,
    AssessmentForm,
    AssessmentStartForm,
    CinMeetingForm,
    CinMeetingRecordForm,
    CinPlanEndForm,
    CinPlanForm,
    InviteeFormSet,
    SignOffForm,
)


def _writer(user, child):
    return may_record_social_care_work(user)


def _manager(user, child):
    return may_sign_off(user)


def _open(request, queryset, pk, *, what, allowed_if=None):
    record, child, decision, refusal = open_child_record(
        request, queryset.model, pk, what=what, queryset=queryset, allowed_if=allowed_if
    )
    return record, child, refusal


def _render(request, template, context, *forms_and_sets):
    """Render a page; the error summary lists the errors of every form on it."""
    error_forms = []
    for item in forms_and_sets:
        error_forms.extend(item.forms if hasattr(item, "forms") else [item])
    context.update(error_forms=error_forms, has_errors=any(f.errors for f in error_forms))
    return render(request, template, context)


def _workers(request):
    return selectors.social_workers(for_user=request.user)


# --- Assessment ---------------------------------------------------------------------------------


def _referral_moment(day, contact):
    if contact is not None and timezone.localtime(contact.received_at).date() == day:
        return contact.received_at
    # A day without a time is taken as 9am, or now if today's 9am has not come yet: a referral made today
    # before 9am is not in the future.
    return min(timezone.make_aware(datetime.combine(day, time(9, 0))), timezone.now())


@login_required
def assessment_start(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:assessment-start", allowed_if=_writer)
    if refusal:
        return refusal
    contact = selectors.latest_contact(child)
    initial = {
        "referral_received_at": timezone.localtime(contact.received_at).date() if contact else timezone.localdate(),
        "social_worker": (allocated_worker(child, Agency.Kind.CSC) or request.user).pk,
    }
    form = AssessmentStartForm(request.POST or None, initial=initial, workers=_workers(request))
    if request.method == "POST" and form.is_valid():
        assessment = attempt(
            form,
            lambda: services.start_assessment(
                child=child,
                by=request.user,
                referral_received_at=_referral_moment(form.cleaned_data["referral_received_at"], contact),
                social_worker=form.cleaned_data["social_worker"],
            ),
        )
        if assessment is not None:
            messages.success(request, "Assessment started")
            return redirect("assessment-detail", pk=assessment.pk)
    return _render(request, "casework/assessment/start.html", {"child": child, "form": form, "contact": contact}, form)


ASSESSMENT_QUERYSET = Assessment.objects.select_related(
    "child", "contact", "social_worker", "completed_by", "signed_off_by"
)


@login_required
def assessment_detail(request, pk):
    assessment, child, refusal = _open(request, ASSESSMENT_QUERYSET, pk, what="page:assessment-detail")
    if refusal:
        return refusal
    deadline = services.assessment_deadline(assessment)
    if deadline:
        with_rag([deadline])
    user = request.user
    writer = may_record_social_care_work(user)
    in_progress = assessment.status == Assessment.Status.IN_PROGRESS
    context = {
        "assessment": assessment,
        "child": child,
        "deadline": deadline,
        "may_edit": writer and in_progress,
        "may_complete": writer and in_progress,
        "may_sign_off": (
            may_sign_off(user)
            and assessment.status == Assessment.Status.AWAITING_SIGN_OFF
            and assessment.completed_by_id != user.pk
        ),
        "cin_plans": list(assessment.cin_plans.all()),
        "strategy_discussions": list(assessment.strategy_discussions.all()),
    }
    return render(request, "casework/assessment/detail.html", context)


def _not_in_progress(request, assessment):
    messages.error(request, "This assessment has been completed, so it cannot be changed")
    return redirect("assessment-detail", pk=assessment.pk)


@login_required
def assessment_edit(request, pk):
    assessment, child, refusal = _open(
        request, ASSESSMENT_QUERYSET, pk, what="page:assessment-edit", allowed_if=_writer
    )
    if refusal:
        return refusal
    if assessment.status != Assessment.Status.IN_PROGRESS:
        return _not_in_progress(request, assessment)
    form = AssessmentForm(
        request.POST or None, initial=AssessmentForm.initial_for(assessment), workers=_workers(request)
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.update_assessment(
                assessment=assessment,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
            ),
        )
        if saved is not None:
            messages.success(request, "Assessment saved")
            return redirect("assessment-detail", pk=assessment.pk)
    return _render(
        request, "casework/assessment/edit.html", {"assessment": assessment, "child": child, "form": form}, form
    )


@login_required
def assessment_complete(request, pk):
    assessment, child, refusal = _open(
        request, ASSESSMENT_QUERYSET, pk, what="page:assessment-complete", allowed_if=_writer
    )
    if refusal:
        return refusal
    if assessment.status != Assessment.Status.IN_PROGRESS:
        return _not_in_progress(request, assessment)
    late = services.is_overdue(assessment)
    initial = {
        "version": assessment.version,
        "outcome": assessment.outcome,
        "outcome_rationale": assessment.outcome_rationale,
        "lateness_reason": assessment.lateness_reason,
        "factors": assessment.factors,
    }
    form = AssessmentCompleteForm(request.POST or None, initial=initial, late=late)
    if request.method == "POST" and form.is_valid():
        completed = attempt(
            form,
            lambda: services.complete_assessment(
                assessment=assessment,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                outcome=form.cleaned_data["outcome"],
                outcome_rationale=form.cleaned_data["outcome_rationale"],
                lateness_reason=form.cleaned_data.get("lateness_reason", ""),
                factors=list(form.cleaned_data["factors"]),
            ),
        )
        if completed is not None:
            messages.success(request, "Assessment completed. A manager needs to sign it off.")
            return redirect("assessment-detail", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "child": child,
        "form": form,
        "deadline": services.assessment_deadline(assessment),
    }
    return _render(request, "casework/assessment/complete.html", context, form)


@login_required
def assessment_sign_off(request, pk):
    assessment, child, refusal = _open(
        request, ASSESSMENT_QUERYSET, pk, what="page:assessment-sign-off", allowed_if=_manager
    )
    if refusal:
        return refusal
    if assessment.status != Assessment.Status.AWAITING_SIGN_OFF:
        messages.error(request, "This assessment is not waiting for sign-off")
        return redirect("assessment-detail", pk=assessment.pk)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["approve"] == "yes"
        signed = attempt(
            form,
            lambda: services.sign_off_assessment(
                assessment=assessment, by=request.user, approve=approve, comments=form.cleaned_data["comments"]
            ),
        )
        if signed is not None:
            messages.success(
                request, "Assessment signed off" if approve else "Assessment returned to the social worker"
            )
            return redirect("assessment-detail", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "child": child,
        "form": form,
        "consequence": services.describe_assessment_outcome(assessment),
        "self_completed": assessment.completed_by_id == request.user.pk,
    }
    return _render(request, "casework/assessment/sign_off.html", context, form)


# --- Child in need plan -------------------------------------------------------------------------

PLAN_QUERYSET = ChildInNeedPlan.objects.select_related("child", "lead_social_worker", "assessment")


@login_required
def cin_plan_start(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:cin-plan-start", allowed_if=_writer)
    if refusal:
        return refusal
    active = ChildInNeedPlan.objects.filter(child=child, status=ChildInNeedPlan.Status.ACTIVE).first()
    if active:
        messages.error(request, "This child already has an active child in need plan")
        return redirect("cin-plan-detail", pk=active.pk)
    worker = allocated_worker(child, Agency.Kind.CSC) or request.user
    form = CinPlanForm(
        request.POST or None,
        initial={"review_every_weeks": 12, "lead_social_worker": worker.pk},
        workers=_workers(request),
        new=True,
    )
    if request.method == "POST" and form.is_valid():
        plan = attempt(form, lambda: services.create_cin_plan(child=child, by=request.user, data=form.service_data()))
        if plan is not None:
            messages.success(request, "Child in need plan started")
            return redirect("cin-plan-detail", pk=plan.pk)
    return _render(request, "casework/assessment/cin_plan_form.html", {"child": child, "form": form, "new": True}, form)


@login_required
def cin_plan_detail(request, pk):
    plan, child, refusal = _open(request, PLAN_QUERYSET, pk, what="page:cin-plan-detail")
    if refusal:
        return refusal
    meetings = list(plan.meetings.prefetch_related("participants", "actions").order_by("-scheduled_for", "-id"))
    actions = [action for meeting in meetings for action in meeting.actions.all()]
    writer = may_record_social_care_work(request.user)
    context = {
        "plan": plan,
        "child": child,
        "meetings": meetings,
        "actions": sorted(actions, key=lambda a: (a.due_on is None, a.due_on, a.pk)),
        "may_write": writer and plan.status == ChildInNeedPlan.Status.ACTIVE,
        "may_record": writer,
    }
    return render(request, "casework/assessment/cin_plan_detail.html", context)


def _plan_ended(request, plan):
    messages.error(request, "This plan has ended, so it cannot be changed")
    return redirect("cin-plan-detail", pk=plan.pk)


@login_required
def cin_plan_edit(request, pk):
    plan, child, refusal = _open(request, PLAN_QUERYSET, pk, what="page:cin-plan-edit", allowed_if=_writer)
    if refusal:
        return refusal
    if plan.status != ChildInNeedPlan.Status.ACTIVE:
        return _plan_ended(request, plan)
    form = CinPlanForm(request.POST or None, initial=CinPlanForm.initial_for(plan), workers=_workers(request))
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.update_cin_plan(
                plan=plan, by=request.user, expected_version=form.cleaned_data["version"], data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, "Plan saved")
            return redirect("cin-plan-detail", pk=plan.pk)
    return _render(
        request, "casework/assessment/cin_plan_form.html", {"child": child, "plan": plan, "form": form}, form
    )


@login_required
def cin_plan_end(request, pk):
    plan, child, refusal = _open(request, PLAN_QUERYSET, pk, what="page:cin-plan-end", allowed_if=_writer)
    if refusal:
        return refusal
    if plan.status != ChildInNeedPlan.Status.ACTIVE:
        return _plan_ended(request, plan)
    form = CinPlanEndForm(request.POST or None, initial={"version": plan.version, "ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        ended = attempt(
            form,
            lambda: services.end_cin_plan(
                plan=plan,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                ended_on=form.cleaned_data["ended_on"],
                end_reason=form.cleaned_data["end_reason"],
            ),
        )
        if ended is not None:
            messages.success(request, "Plan ended")
            return redirect("cin-plan-detail", pk=plan.pk)
    return _render(request, "casework/assessment/cin_plan_end.html", {"child": child, "plan": plan, "form": form}, form)


def _invitee_user(user_id, request):
    if not user_id:
        return None
    return (
        _workers(request).filter(pk=user_id).first()
        or User.objects.filter(
            pk=user_id, agency__authority_id=getattr(request.user.agency, "authority_id", None)
        ).first()
    )


@login_required
def cin_meeting_new(request, pk):
    plan, child, refusal = _open(request, PLAN_QUERYSET, pk, what="page:cin-meeting-new", allowed_if=_writer)
    if refusal:
        return refusal
    if plan.status != ChildInNeedPlan.Status.ACTIVE:
        return _plan_ended(request, plan)
    lead = plan.lead_social_worker
    rows = []
    if lead:
        rows.append(
            {
                "name": lead.display_name,
                "organisation": str(lead.agency or ""),
                "capacity": "social_worker",
                "role": lead.job_title,
                "user_id": lead.pk,
            }
        )
    rows += [{}] * 3
    data = request.POST if request.method == "POST" else None
    form = CinMeetingForm(data)
    invitees = InviteeFormSet(data, initial=rows, prefix="invitee")
    if request.method == "POST" and form.is_valid() and invitees.is_valid():
        people = [
            {**{k: v for k, v in row.items() if k != "user_id"}, "user": _invitee_user(row.get("user_id"), request)}
            for row in invitees.cleaned_data
            if row.get("name")
        ]
        meeting = attempt(
            form,
            lambda: services.arrange_cin_meeting(
                plan=plan, by=request.user, scheduled_for=form.cleaned_data["scheduled_for"], invitees=people
            ),
        )
        if meeting is not None:
            count = meeting.participants.count()
            messages.success(request, f"Meeting arranged. {count} {'person' if count == 1 else 'people'} invited.")
            return redirect("cin-plan-detail", pk=plan.pk)
    context = {
        "child": child,
        "plan": plan,
        "form": form,
        "invitees": invitees,
        "cyjs": services.cyjs_invitees(child, request.user.authority),
    }
    return _render(request, "casework/assessment/cin_meeting_new.html", context, form, invitees)


@login_required
def cin_meeting_record(request, pk):
    meeting, child, refusal = _open(
        request,
        ChildInNeedMeeting.objects.select_related("plan", "child"),
        pk,
        what="page:cin-meeting-record",
        allowed_if=_writer,
    )
    if refusal:
        return refusal
    if meeting.held_on is not None:
        messages.error(request, "This meeting has already been recorded")
        return redirect("cin-plan-detail", pk=meeting.plan_id)
    participants = list(meeting.participants.all())
    scheduled = timezone.localtime(meeting.scheduled_for).date() if meeting.scheduled_for else None
    initial = {
        "held_on": scheduled if scheduled and scheduled <= timezone.localdate() else None,
        "attended": [str(p.pk) for p in participants],
        "next_meeting_on": scheduled + timedelta(weeks=meeting.plan.review_every_weeks) if scheduled else None,
    }
    data = request.POST if request.method == "POST" else None
    form = CinMeetingRecordForm(data, initial=initial, participants=participants)
    actions = ActionFormSet(data, prefix="action")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        chosen = set(form.cleaned_data["attended"])
        recorded = attempt(
            form,
            lambda: services.record_cin_meeting(
                meeting=meeting,
                by=request.user,
                held_on=form.cleaned_data["held_on"],
                attendance={p.pk: str(p.pk) in chosen for p in participants},
                progress=form.cleaned_data["progress"],
                decisions=form.cleaned_data["decisions"],
                actions=[row for row in actions.cleaned_data if row],
                next_meeting_on=form.cleaned_data["next_meeting_on"],
            ),
        )
        if recorded is not None:
            messages.success(request, "Meeting recorded")
            return redirect("cin-plan-detail", pk=meeting.plan_id)
    context = {"child": child, "meeting": meeting, "plan": meeting.plan, "form": form, "actions": actions}
    return _render(request, "casework/assessment/cin_meeting_record.html", context, form, actions)
