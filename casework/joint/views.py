"""Lead agency and joint working disagreement pages. Rules live in services.py; these shape the pages.

Every page read is logged by `open_child` / `open_child_record`: a user who can see the child but may
not read the joint section (casework.justice.sharing) gets 403, logged as denied; so does anyone
services.may_see_disagreements refuses on a disagreement's pages (PE L9763: by default kept off the
child's record, for managers and those answering a step). Every write is logged by the service.
"""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from ..justice.people import names_text
from ..justice.sharing import Section, may_read_section, protocol_for
from ..models import JointWorkingDisagreement, LeadAgencyDecision
from ..pages import STALE_PAGE, attempt, open_child, open_child_record
from . import selectors, services
from .forms import DisagreementForm, LeadAgencyForm, PlanningMeetingForm, ResolutionForm, ResponseForm


def _reader(user, child):
    return may_read_section(user, Section.JOINT)


def _decider(user, child):
    return services.may_decide_lead_agency(user)


def _planner(user, child):
    return services.may_record_planning(user)


def _disagreement_reader(user, child):
    return services.may_see_disagreements(user)


def _disagreement_raiser(user, child):
    return services.may_see_disagreements(user) and services.may_raise_disagreement(user)


def _attempt(form, call):
    return attempt(form, call, stale=STALE_PAGE)


def _decision_query():
    return LeadAgencyDecision.objects.select_related("child", "lead_agency", "decided_by__agency")


# --- Lead agency --------------------------------------------------------------------------------------------------------


@login_required
def lead_agency_new(request, pk):
    """Record who leads, with the guidance on how to decide (somerset-vs-lancashire §1.2 R1–R14, 000 ¶2.3, ¶21.1)."""
    child, decision, refusal = open_child(request, pk, what="page:lead-agency-new", allowed_if=_decider)
    if refusal:
        return refusal
    user = request.user
    found = services.open_joint_involvements(child, user.agency.authority)
    jointly = bool(found[services.CSC]) and bool(found[services.CYJS])
    agency_ids = {inv.agency_id for kind in services.JOINT_KINDS for inv in found[kind]}
    agencies = user.agency.authority.agencies.filter(pk__in=agency_ids).order_by("kind", "name")
    current = services.current_decision(child)
    initial = {"decided_on": timezone.localdate()}
    if current is not None:
        initial["lead_agency"] = current.lead_agency_id
    form = LeadAgencyForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = _attempt(
            form,
            lambda: services.decide_lead_agency(
                child=child,
                by=user,
                lead_agency=data["lead_agency"],
                reasons=data["reasons"],
                decided_on=data["decided_on"],
            ),
        )
        if made:
            note = (
                f" {names_text(made.told.people)} {'was' if len(made.told.people) == 1 else 'were'} told in the app."
                if made.told.people
                else ""
            )
            messages.success(request, f"{made.lead_agency.name} recorded as the lead agency.{note}")
            return redirect("lead-agency-detail", pk=made.pk)
    return render(
        request,
        "casework/joint/lead_agency_new.html",
        {
            "child": child,
            "form": form,
            "jointly": jointly,
            "current": current,
            "title": "Decide the lead agency",
            "household": selectors.household_children(child=child, viewer=user),
            "protocol": protocol_for(user.authority),
        },
    )


@login_required
def lead_agency_detail(request, pk):
    decision, child, access, refusal = open_child_record(
        request, LeadAgencyDecision, pk, what="page:lead-agency", queryset=_decision_query(), allowed_if=_reader
    )
    if refusal:
        return refusal
    user = request.user
    history = selectors.decision_history(child)
    is_current = bool(history) and history[0].pk == decision.pk
    sees_disagreements = services.may_see_disagreements(user)
    return render(
        request,
        "casework/joint/lead_agency_detail.html",
        {
            "decision": decision,
            "child": child,
            "history": history,
            "is_current": is_current,
            "current": history[0] if history else None,
            "clocks": selectors.clocks_of(decision),
            "household": selectors.household_children(child=child, viewer=user),
            "may_decide": services.may_decide_lead_agency(user),
            "may_plan": is_current and decision.planning_meeting_on is None and services.may_record_planning(user),
            "sees_disagreements": sees_disagreements,
            "disagreements_on_record": protocol_for(user.authority).disagreements_on_record,
            "may_raise": sees_disagreements and services.may_raise_disagreement(user),
            "disagreements": list(decision.disagreements.order_by("-raised_at")) if sees_disagreements else [],
        },
    )


@login_required
def lead_agency_planning_meeting(request, pk):
    decision, child, access, refusal = open_child_record(
        request,
        LeadAgencyDecision,
        pk,
        what="page:lead-agency-planning-meeting",
        queryset=_decision_query(),
        allowed_if=_planner,
    )
    if refusal:
        return refusal
    form = PlanningMeetingForm(
        request.POST or None, initial={"version": decision.version, "held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.record_planning_meeting(
                decision=decision,
                by=request.user,
                expected_version=data["version"],
                held_on=data["held_on"],
                task_split=data["task_split"],
                review_on=data.get("review_on"),
            ),
        )
        if done:
            messages.success(request, "Planning meeting recorded")
            return redirect("lead-agency-detail", pk=decision.pk)
    return render(
        request,
        "casework/joint/planning_meeting.html",
        {
            "decision": decision,
            "child": child,
            "form": form,
            "title": "Record the joint planning meeting",
            "clock": selectors.open_clock(decision, services.PLANNING),
        },
    )


# --- Disagreements (PE) -------------------------------------------------------------------------------------------------


@login_required
def joint_disagreement_new(request, pk):
    child, access, refusal = open_child(
        request, pk, what="page:joint-disagreement-new", allowed_if=_disagreement_raiser
    )
    if refusal:
        return refusal
    decisions = LeadAgencyDecision.objects.filter(child=child).select_related("lead_agency")
    chosen = request.GET.get("decision")
    initial = {"decision": chosen} if chosen and chosen.isdigit() else {}
    form = DisagreementForm(request.POST or None, initial=initial, decisions=decisions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = _attempt(
            form,
            lambda: services.raise_disagreement(
                child=child, by=request.user, about=data["about"], decision=data.get("decision")
            ),
        )
        if made:
            note = (
                f" {names_text(made.told)} {'was' if len(made.told) == 1 else 'were'} asked to respond."
                if made.told
                else ""
            )
            messages.success(request, f"Disagreement raised.{note}")
            return redirect("joint-disagreement-detail", pk=made.pk)
    return render(
        request,
        "casework/joint/disagreement_new.html",
        {
            "child": child,
            "form": form,
            "title": "Raise a disagreement with the other agency",
            "steps": services.ladder_for_raiser(request.user),
            "on_record": protocol_for(request.user.authority).disagreements_on_record,
        },
    )


ACTIONS = {
    "respond": (
        ResponseForm,
        lambda d, u, data: services.respond(disagreement=d, by=u, response=data["response"]),
        "Response recorded",
    ),
    "escalate": (None, lambda d, u, data: services.escalate(disagreement=d, by=u), "Escalated to the next stage"),
    "resolve": (
        ResolutionForm,
        lambda d, u, data: services.resolve(disagreement=d, by=u, resolution=data["resolution"]),
        "Resolution recorded",
    ),
}


@login_required
def joint_disagreement_detail(request, pk):
    """The stage, the history and, per user, what they may do next (respond, escalate, resolve)."""
    disagreement, child, access, refusal = open_child_record(
        request,
        JointWorkingDisagreement,
        pk,
        what="page:joint-disagreement",
        queryset=JointWorkingDisagreement.objects.select_related("child", "decision__lead_agency", "raised_by__agency"),
        allowed_if=_disagreement_reader,
    )
    if refusal:
        return refusal
    user = request.user
    forms_ = {"respond": ResponseForm(prefix="respond"), "resolve": ResolutionForm(prefix="resolve")}
    failed = None
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ACTIONS:
        form_class, call, done_text = ACTIONS[action]
        form = form_class(request.POST, prefix=action) if form_class else forms.Form({})
        if form.is_valid():
            if _attempt(form, lambda: call(disagreement, user, form.cleaned_data)):
                messages.success(request, done_text)
                return redirect("joint-disagreement-detail", pk=disagreement.pk)
        if form_class:
            forms_[action] = form
        failed = form
    return render(
        request,
        "casework/joint/disagreement_detail.html",
        {
            "disagreement": disagreement,
            "child": child,
            "form": failed,
            "respond_form": forms_["respond"],
            "resolve_form": forms_["resolve"],
            "can": services.actions_for(user, disagreement),
            "ladder": services.ladder(disagreement),
            "history": [{**h, "at": datetime.fromisoformat(h["when"])} for h in disagreement.history],
            "raising": services.KIND_NAMES[services.raising_kind(disagreement)],
            "on_record": services.protocol_of(disagreement).disagreements_on_record,
            "clocks": selectors.stage_clocks(disagreement),
            "title": "Joint working disagreement",
        },
    )
