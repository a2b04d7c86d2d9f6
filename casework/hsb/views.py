"""HSB hub pages (seed 000 HSB hub appendix; part B PH0–PH6). Rules live in services.py.

Every page read is logged by `open_child` / `open_child_record`: a user who sees the child but may
not read the hub's section (Section.HSB: a CSC worker where the authority's protocol does not share
it, police, MASH...) gets 403, logged as denied; every write is logged by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from casework.text import day_text

from ..justice.sharing import Section, may_read_section
from ..models import HsbConsultation
from ..pages import attempt, open_child, open_child_record
from . import selectors, services
from .forms import HACKETT_HINTS, STEP_FORMS, AimStartForm, PoliceForm, RequestForm

STALE = " Open the consultation again to see their changes, then make yours."
Status = HsbConsultation.Status

SERVICE_FOR = {
    services.CONSULTATION: services.record_hub_consultation,
    services.PATTERN_MAPPING: services.record_pattern_mapping,
    services.AIM_START: services.start_aim_assessment,
    services.AIM_DONE: services.complete_aim_assessment,
    services.QA: services.record_quality_assurance,
    services.PLANNING: services.record_planning_meeting,
    services.CLOSE: services.close_consultation,
}
WAITING = {
    services.CONSULTATION: "the HSB hub to record the consultation",
    services.PATTERN_MAPPING: "the HSB hub to record the next step",
    services.AIM_START: "the HSB hub to record the next step",
    services.AIM_DONE: "the AIM practitioner to complete the assessment",
    services.QA: "a manager from the other service to record their quality assurance",
    services.PLANNING: "the HSB hub to record the outcome and planning meeting",
    services.CLOSE: "the HSB hub to close the consultation",
}
DONE_MESSAGES = {
    services.CONSULTATION: "Consultation recorded",
    services.PATTERN_MAPPING: "Pattern mapping meeting recorded",
    services.AIM_START: "AIM assessment started",
    services.AIM_DONE: "AIM assessment recorded as complete",
    services.QA: "Quality assurance recorded",
    services.PLANNING: "Outcome and planning meeting recorded",
    services.CLOSE: "Consultation closed",
}


def _reader(user, child):
    return may_read_section(user, Section.HSB)


def _requester(user, child):
    return services.may_request(user)


def _attempt(form, call):
    return attempt(form, call, stale=STALE)


# --- PH1: the request -----------------------------------------------------------------------------------------


@login_required
def consultation_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:hsb-consultation-new", allowed_if=_requester)
    if refusal:
        return refusal
    authority = request.user.authority
    form = RequestForm(request.POST or None, initial={"requested_on": timezone.localdate()}, authority=authority)
    if request.method == "POST" and form.is_valid():
        consultation = _attempt(
            form, lambda: services.request_consultation(child=child, by=request.user, **form.service_kwargs())
        )
        if consultation:
            if consultation.status == Status.REFUSED:
                messages.warning(
                    request,
                    "The hub cannot take this request. The reasons are recorded below and your manager has been told.",
                )
            else:
                messages.success(request, "Request sent to the HSB hub. The hub's managers have been told.")
            return redirect("hsb-consultation-detail", pk=consultation.pk)
    open_cyjs = services.open_cyjs_work(child, authority)
    return render(
        request,
        "casework/hsb/new.html",
        {
            "child": child,
            "form": form,
            "authority": authority,
            "title": "Ask the HSB hub for a consultation",
            "age": child.age,
            "open_to_cyjs": services.open_to_cyjs_reason(open_cyjs) if open_cyjs else "",
        },
    )


# --- The consultation ---------------------------------------------------------------------------------------------


def eligibility_rows(consultation):
    """The criteria as (question, answer, met) rows for the page (PH0)."""
    c = consultation
    age = services.age_on(c.child, c.requested_on)
    recent = c.behaviour_last_on >= c.requested_on - services.RECENT
    authority = c.requested_by.authority.name if c.requested_by.authority else "the authority"
    reasons = c.refusal_reason.splitlines()
    open_to_cyjs = any("open to the child and youth justice service" in r for r in reasons)
    return [
        (
            "Age on the day of the request",
            f"{age}" if age is not None else "Not known",
            age is not None and services.MIN_AGE <= age <= services.MAX_AGE,
        ),
        (f"Lives in {authority}", "Yes" if c.lives_in_authority else "No", c.lives_in_authority),
        ("Most recent behaviour", day_text(c.behaviour_last_on), recent),
        (
            "Not already open to the child and youth justice service",
            "Open to CYJS" if open_to_cyjs else "Not open",
            not open_to_cyjs,
        ),
    ]


def step_rows(consultation, recorded):
    """Each step with its date and who recorded it and when (from the consultation's history;
    `recorded` is selectors.step_recorders). A step without a history entry (recorded before the
    history was kept) shows no recorder."""
    c = consultation
    first = {}
    for entry in recorded:
        first.setdefault(entry.step, entry)
    rows = [("Requested", c.requested_on, first.get(services.REQUEST) or first.get(services.REFUSED))]
    if c.status == Status.REFUSED:
        rows.append(("Not accepted", c.requested_on, first.get(services.REFUSED)))
    rows.append(("Hub consultation", c.consultation_on, first.get(services.CONSULTATION)))
    rows.append(("Pattern mapping", c.pattern_mapping_on, first.get(services.PATTERN_MAPPING)))
    rows.append(
        ("First meeting with the child (AIM starts)", c.first_meeting_with_child_on, first.get(services.AIM_START))
    )
    rows.append(("AIM assessment completed", c.aim_completed_on, first.get(services.AIM_DONE)))
    for entry in (e for e in recorded if e.step == services.QA):
        who = "CYJS" if entry.by_id == c.qa_cyjs_manager_id else "children's social care"
        rows.append((f"Quality assurance by {who}", timezone.localtime(entry.at).date(), entry))
    rows.append(("Outcome and planning meeting", c.planning_meeting_on, first.get(services.PLANNING)))
    rows.append(("Closed", c.closed_on, first.get(services.CLOSE)))
    return rows


@login_required
def consultation_detail(request, pk):
    consultation, child, decision, refusal = open_child_record(
        request,
        HsbConsultation,
        pk,
        what="page:hsb-consultation",
        queryset=selectors.detail_query(),
        allowed_if=_reader,
    )
    if refusal:
        return refusal
    user = request.user
    steps = services.steps_for(consultation, user)
    return render(
        request,
        "casework/hsb/detail.html",
        {
            "consultation": consultation,
            "child": child,
            "eligibility": eligibility_rows(consultation),
            "steps": step_rows(consultation, selectors.step_recorders(consultation)),
            "next_steps": [(step, services.STEP_TITLES[step]) for step in steps],
            "waiting_for": sorted({WAITING[s] for s in services.steps_open(consultation) if s not in steps}),
            "clocks": selectors.clocks_of(consultation),
            "band": services.band_of(consultation.hackett),
            "hackett_hint": HACKETT_HINTS.get(consultation.hackett, ""),
            "aim_blocked": services.aim_blocked_reason(consultation)
            if services.AIM_START in services.steps_open(consultation)
            else None,
            "may_change_police": consultation.status in services.ACTIVE
            and (services.may_do_step(user, services.CONSULTATION) or services.may_request(user)),
            "qa_problem": services.qa_problem(consultation, user)
            if services.QA in services.steps_open(consultation)
            else None,
        },
    )


def _initial(consultation, step):
    today = timezone.localdate()
    initial = {"version": consultation.version}
    if step in (services.CONSULTATION, services.PATTERN_MAPPING, services.PLANNING):
        initial["held_on"] = today
    elif step == services.AIM_START:
        initial["first_meeting_with_child_on"] = today
    elif step == services.AIM_DONE:
        initial["completed_on"] = today
    elif step == services.CLOSE:
        initial["closed_on"] = today
    return initial


@login_required
def consultation_step(request, pk):
    """One page for whichever step comes next (?step= picks one where there is a choice)."""
    record = get_object_or_404(selectors.detail_query(), pk=pk)
    user = request.user
    step = request.GET.get("step") or request.POST.get("step")
    if step not in SERVICE_FOR:
        mine = services.steps_for(record, user)
        step = mine[0] if mine else (services.steps_open(record) or [None])[0]

    def allowed(u, child):
        return may_read_section(u, Section.HSB) and step is not None and services.may_do_step(u, step)

    if step is None:
        # Nothing is left to do: show the consultation (its read is logged there).
        child, decision, refusal = open_child(
            request, record.child_id, what="page:hsb-consultation-step", allowed_if=_reader
        )
        if refusal:
            return refusal
        messages.info(
            request,
            services.out_of_order(record, None)
            if record.status in (Status.REFUSED, Status.CLOSED)
            else "There is nothing to record now",
        )
        return redirect("hsb-consultation-detail", pk=record.pk)
    child, decision, refusal = open_child(
        request, record.child_id, what="page:hsb-consultation-step", allowed_if=allowed
    )
    if refusal:
        return refusal
    if request.method == "GET" and step not in services.steps_open(record):
        messages.info(request, services.out_of_order(record, step))
        return redirect("hsb-consultation-detail", pk=record.pk)
    form_class = STEP_FORMS[step]
    kwargs = {"practitioners": selectors.aim_practitioners(user)} if form_class is AimStartForm else {}
    form = form_class(request.POST or None, initial=_initial(record, step), **kwargs)
    if request.method == "POST" and form.is_valid():
        done = _attempt(form, lambda: SERVICE_FOR[step](consultation=record, by=user, **form.service_kwargs()))
        if done:
            messages.success(request, DONE_MESSAGES[step])
            return redirect("hsb-consultation-detail", pk=record.pk)
    clock = next((d for d in selectors.clocks_of(record) if d.status in ("open", "breached")), None)
    return render(
        request,
        "casework/hsb/step.html",
        {
            "consultation": record,
            "child": child,
            "form": form,
            "step": step,
            "title": services.STEP_TITLES[step],
            "clock": clock,
            "aim_blocked": services.aim_blocked_reason(record) if step == services.AIM_START else None,
            "qa_problem": services.qa_problem(record, user) if step == services.QA else None,
            "role": "CYJS" if services.is_cyjs_manager(user) else "children's social care",
        },
    )


@login_required
def consultation_police(request, pk):
    """Record that a police investigation started or ended (V-H6)."""

    def allowed(u, child):
        return may_read_section(u, Section.HSB) and (
            services.may_do_step(u, services.CONSULTATION) or services.may_request(u)
        )

    record, child, decision, refusal = open_child_record(
        request,
        HsbConsultation,
        pk,
        what="page:hsb-consultation-police",
        queryset=selectors.detail_query(),
        allowed_if=allowed,
    )
    if refusal:
        return refusal
    form = PoliceForm(
        request.POST or None,
        initial={"version": record.version, "ongoing": "yes" if record.police_investigation_ongoing else "no"},
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.update_police_investigation(consultation=record, by=request.user, **form.service_kwargs()),
        )
        if done:
            messages.success(request, "Police investigation updated")
            return redirect("hsb-consultation-detail", pk=record.pk)
    return render(
        request,
        "casework/hsb/police.html",
        {"consultation": record, "child": child, "form": form, "title": "Is there a police investigation?"},
    )


@login_required
def consultation_list(request, pk):
    """The child's HSB hub consultations, newest first."""
    child, decision, refusal = open_child(request, pk, what="page:hsb-consultations", allowed_if=_reader)
    if refusal:
        return refusal
    consultations = (
        HsbConsultation.objects.filter(child=child).select_related("requested_by").order_by("-requested_on", "-id")
    )
    return render(
        request,
        "casework/hsb/list.html",
        {
            "child": child,
            "consultations": consultations,
            "may_request": services.may_request(request.user),
        },
    )
