"""Conference and child protection plan pages. Rules live in services.py; these only shape the pages.

Every page read is logged by `open_child` / `open_child_record`; every write by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.models import AccessEvent

from ..models import ChildProtectionConference, ChildProtectionPlan, Section47Enquiry
from ..pages import STALE_PAGE, attempt, open_child, open_child_record
from ..pdf import pdf_response
from ..permissions import may_record_social_care_work
from . import selectors, services
from .forms import ArrangeForm, CoreGroupForm, EndPlanForm, PlanEditForm, RecordForm, TransferInForm, moment

WRITE = AccessEvent.Action.WRITE

# Service field names that a page asks for under another name.
FIELD_NAMES = {"scheduled_for": "scheduled_date", "held_at": "held_date", "reason": "reason"}


def _writer(user, child):
    return may_record_social_care_work(user)


def _attempt(form, call):
    """Run a service call; on a refusal show its message on the form and return None."""
    return attempt(form, call, stale=STALE_PAGE, field_names=FIELD_NAMES)


def _clock(subject, code):
    return next(iter(selectors.clocks_of(subject, (code,))), None) if subject is not None else None


# --- Conferences ----------------------------------------------------------------------------------


@login_required
def conference_new(request, pk):
    """Arrange an initial conference (?enquiry=<id>) or a review (?plan=<id>)."""
    child, decision, refusal = open_child(request, pk, what="page:conference-new", allowed_if=_writer)
    if refusal:
        return refusal
    enquiry = plan = None
    if request.GET.get("enquiry"):
        enquiry = get_object_or_404(
            Section47Enquiry.objects.select_related("strategy_discussion"), pk=request.GET["enquiry"], child=child
        )
        kind = ChildProtectionConference.Kind.INITIAL
    elif request.GET.get("plan"):
        plan = get_object_or_404(ChildProtectionPlan, pk=request.GET["plan"], child=child)
        kind = ChildProtectionConference.Kind.REVIEW
    else:
        raise Http404
    suggested = services.suggested_invitees(enquiry=enquiry, plan=plan)
    form = ArrangeForm(request.POST or None, chairs=selectors.chairs_for(request.user), suggested=suggested)
    if request.method == "POST" and form.is_valid():
        conference = _attempt(
            form,
            lambda: services.arrange_conference(
                child=child,
                by=request.user,
                kind=kind,
                scheduled_for=form.scheduled_for(),
                chair=form.cleaned_data["chair"],
                enquiry=enquiry,
                plan=plan,
                invitees=form.invitees(),
            ),
        )
        if conference:
            messages.success(request, "Conference arranged")
            return redirect("conference-detail", pk=conference.pk)
    due = _clock(enquiry, "icpc") if enquiry else selectors.next_review(plan)
    return render(
        request,
        "casework/conference/new.html",
        {
            "child": child,
            "form": form,
            "kind": kind,
            "enquiry": enquiry,
            "plan": plan,
            "due": due,
            "is_due": services.conference_is_due(enquiry) if enquiry else plan.status == "active",
        },
    )


@login_required
def transfer_in_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:transfer-in-new", allowed_if=_writer)
    if refusal:
        return refusal
    form = TransferInForm(request.POST or None, chairs=selectors.chairs_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        conference = _attempt(
            form,
            lambda: services.record_transfer_in(
                child=child,
                by=request.user,
                notified_on=data["notified_on"],
                transferring_authority=data["transferring_authority"],
                scheduled_for=moment(data.get("scheduled_date"), data.get("scheduled_time")),
                chair=data.get("chair"),
            ),
        )
        if conference:
            messages.success(request, "Transfer-in conference arranged")
            return redirect("conference-detail", pk=conference.pk)
    return render(request, "casework/conference/transfer_in.html", {"child": child, "form": form})


def _conference_query():
    return ChildProtectionConference.objects.select_related(
        "child", "chair", "lead_social_worker", "enquiry__strategy_discussion", "plan", "recorded_by"
    )


def _conference_context(conference):
    plan = getattr(conference, "resulting_plan", None) if conference.kind != "review" else conference.plan
    clock = None
    if conference.kind == "initial":
        clock = _clock(conference.enquiry, "icpc")
    elif conference.kind == "transfer_in":
        clock = _clock(conference, "transfer_in_conference")
    return {
        "conference": conference,
        "child": conference.child,
        "participants": list(conference.participants.select_related("user")),
        "plan": plan,
        "clock": clock,
        "next_review": selectors.next_review(plan) if plan and plan.status == "active" else None,
        "core_group": list(plan.core_group.all()) if plan else [],
    }


@login_required
def conference_detail(request, pk):
    conference, child, decision, refusal = open_child_record(
        request, ChildProtectionConference, pk, what="page:conference", queryset=_conference_query()
    )
    if refusal:
        return refusal
    context = _conference_context(conference)
    context["may_write"] = may_record_social_care_work(request.user)
    return render(request, "casework/conference/detail.html", context)


@login_required
def conference_record(request, pk):
    conference, child, decision, refusal = open_child_record(
        request,
        ChildProtectionConference,
        pk,
        what="page:conference-record",
        queryset=_conference_query(),
        allowed_if=_writer,
    )
    if refusal:
        return refusal
    if request.method == "GET" and conference.status == ChildProtectionConference.Status.HELD:
        messages.info(request, "This conference has already been recorded")
        return redirect("conference-detail", pk=conference.pk)
    workers = selectors.social_workers_for(request.user)
    plan = conference.plan
    scheduled = timezone.localtime(conference.scheduled_for) if conference.scheduled_for else None
    lead = selectors.lead_social_worker(conference, authority=request.user.authority)
    initial = {
        "version": conference.version,
        "chair": conference.chair,
        "held_date": scheduled.date() if scheduled else None,
        "held_time": f"{scheduled:%H:%M}" if scheduled else "",
        "lead_social_worker": lead,
        "category": plan.category if plan else "",
        "core_group": [str(p.pk) for p in conference.participants.all()],
    }
    form = RecordForm(
        request.POST or None,
        initial=initial,
        conference=conference,
        chairs=selectors.chairs_for(request.user),
        workers=workers,
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.record_conference(conference=conference, by=request.user, **form.service_kwargs())
        )
        if done:
            messages.success(request, "Conference recorded")
            return redirect("conference-detail", pk=conference.pk)
    clock = (
        _clock(conference.enquiry, "icpc")
        if conference.kind == "initial"
        else (
            _clock(conference, "transfer_in_conference")
            if conference.kind == "transfer_in"
            else selectors.next_review(plan)
        )
    )
    if clock is not None:
        form.fields[
            "lateness_reason"
        ].help_text = f"The conference is due by {clock.due}. If it was held later, say why"
    return render(
        request,
        "casework/conference/record.html",
        {"child": child, "conference": conference, "form": form, "clock": clock},
    )


@login_required
def conference_report_pdf(request, pk):
    conference, child, decision, refusal = open_child_record(
        request, ChildProtectionConference, pk, what="pdf:conference-report", queryset=_conference_query()
    )
    if refusal:
        return refusal
    if conference.status != ChildProtectionConference.Status.HELD:
        raise Http404
    context = _conference_context(conference)
    context["printed_at"] = timezone.localtime()
    context["printed_by"] = request.user
    return pdf_response("casework/conference/report_pdf.html", context, filename=f"conference-{conference.pk}.pdf")


# --- Plans ------------------------------------------------------------------------------------------


def _plan_query():
    return ChildProtectionPlan.objects.select_related("child", "lead_social_worker", "initial_conference", "ended_by")


@login_required
def cp_plan_detail(request, pk):
    plan, child, decision, refusal = open_child_record(
        request, ChildProtectionPlan, pk, what="page:cp-plan", queryset=_plan_query()
    )
    if refusal:
        return refusal
    meetings = list(plan.core_group_meetings.prefetch_related("participants", "actions"))
    reviews = list(plan.review_conferences.select_related("chair"))
    clocks = selectors.clocks_of(plan)
    return render(
        request,
        "casework/conference/plan_detail.html",
        {
            "plan": plan,
            "child": child,
            "core_group": list(plan.core_group.all()),
            "meetings": meetings,
            "reviews": reviews,
            "clocks": clocks,
            "review_arranged": any(r.status == "scheduled" for r in reviews),
            "may_write": may_record_social_care_work(request.user),
        },
    )


@login_required
def cp_plan_edit(request, pk):
    plan, child, decision, refusal = open_child_record(
        request, ChildProtectionPlan, pk, what="page:cp-plan-edit", queryset=_plan_query(), allowed_if=_writer
    )
    if refusal:
        return refusal
    agrees = {True: "yes", False: "no"}.get(plan.child_agrees, "unknown")
    form = PlanEditForm(
        request.POST or None,
        initial={
            "version": plan.version,
            "detail": plan.detail,
            "child_agrees": agrees,
            "lead_social_worker": plan.lead_social_worker,
        },
        workers=selectors.social_workers_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.update_plan(
                plan=plan, by=request.user, expected_version=form.cleaned_data["version"], data=form.service_data()
            ),
        )
        if done:
            messages.success(request, "Plan saved")
            return redirect("cp-plan-detail", pk=plan.pk)
    return render(request, "casework/conference/plan_edit.html", {"plan": plan, "child": child, "form": form})


@login_required
def core_group_new(request, pk):
    plan, child, decision, refusal = open_child_record(
        request, ChildProtectionPlan, pk, what="page:core-group-new", queryset=_plan_query(), allowed_if=_writer
    )
    if refusal:
        return refusal
    form = CoreGroupForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.record_core_group_meeting(plan=plan, by=request.user, **form.service_kwargs())
        )
        if done:
            messages.success(request, "Core group meeting recorded")
            return redirect("cp-plan-detail", pk=plan.pk)
    return render(
        request,
        "casework/conference/core_group.html",
        {"plan": plan, "child": child, "form": form, "clock": _clock(plan, "core_group_first")},
    )


@login_required
def cp_plan_end(request, pk):
    plan, child, decision, refusal = open_child_record(
        request, ChildProtectionPlan, pk, what="page:cp-plan-end", queryset=_plan_query(), allowed_if=_writer
    )
    if refusal:
        return refusal
    form = EndPlanForm(request.POST or None, initial={"version": plan.version, "ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.end_plan(
                plan=plan,
                by=request.user,
                expected_version=data["version"],
                ended_on=data["ended_on"],
                reason=data["reason"],
                notes=data["notes"],
                receiving_authority=data["receiving_authority"],
                receiving_authority_notified_on=data["receiving_authority_notified_on"],
                receiving_conference_on=data["receiving_conference_on"],
            ),
        )
        if done:
            in_app = sum(1 for row in done.ending_notified if row.get("in_app"))
            others = len(done.ending_notified) - in_app
            note = (
                f" {others} {'is' if others == 1 else 'are'} not a user here: tell them yourself (listed below)."
                if others
                else ""
            )
            messages.success(
                request, f"Plan ended. {in_app} {'person was' if in_app == 1 else 'people were'} told in the app.{note}"
            )
            return redirect("cp-plan-detail", pk=plan.pk)
    invitees = plan.initial_conference.participants.filter(invited=True).exclude(
        capacity__in=services.FAMILY_CAPACITIES
    )
    return render(
        request, "casework/conference/plan_end.html", {"plan": plan, "child": child, "form": form, "invitees": invitees}
    )
