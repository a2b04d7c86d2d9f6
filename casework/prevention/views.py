"""Prevention and diversion referral pages (seed 000 ¶13–14; part B PP1–PP6). Rules live in services.py;
these only shape the pages.

Every page read is logged by `open_child` / `open_child_record`: a user who can see the child but not the
prevention section (casework.justice.sharing) gets 403, logged as denied, and a page that writes is for the
child and youth justice service only. Every write is logged by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from ..justice.people import names_text
from ..justice.sharing import Section, may_read_section, may_write_youth_justice
from ..models import Involvement, PreventionReferral
from ..pages import attempt, open_child, open_child_record
from . import selectors, services
from .forms import CloseForm, FollowUpForm, PreventForm, ReferralForm, ScreenForm, consent_answer

STALE = " Open the referral again to see their changes, then make yours."
HEADINGS = {
    PreventionReferral.Route.PREVENTION: "Prevention referral",
    PreventionReferral.Route.DIVERSION: "Diversion referral",
    PreventionReferral.Route.CHILD_RESOLUTION_PANEL: "Child Resolution Panel referral",
}


def _reader(user, child):
    return may_read_section(user, Section.PREVENTION)


def _writer(user, child):
    return may_write_youth_justice(user)


def _attempt(form, call):
    return attempt(form, call, stale=STALE)


def _query():
    return PreventionReferral.objects.select_related(
        "child", "agency__authority", "screened_by", "prevention_worker", "request_for_support", "created_by"
    )


@login_required
def referral_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:prevention-referral-new", allowed_if=_writer)
    if refusal:
        return refusal
    initial = {"received_on": timezone.localdate(), "radicalisation_concern": "no"}
    form = ReferralForm(request.POST or None, initial=initial)
    # Arriving from the intake of a child new to the service (casework.intake): the involvement it opened.
    opened = request.GET.get("involvement", "")
    involvement = Involvement.objects.filter(pk=int(opened)).first() if opened.isdigit() else None
    if request.method == "POST" and form.is_valid():
        referral = _attempt(
            form,
            lambda: services.receive_prevention_referral(
                child=child, by=request.user, involvement=involvement, **form.service_kwargs()
            ),
        )
        if referral:
            said = "Referral recorded"
            if referral.consultation_only:
                said += f". {child.first_name} is under 10, so the offer is consultation only"
            messages.success(request, said)
            return redirect("prevention-referral-detail", pk=referral.pk)
    return render(
        request,
        "casework/prevention/new.html",
        {
            "child": child,
            "form": form,
            "title": "Record a prevention or diversion referral",
            "age": services.age_on(child, timezone.localdate()),
        },
    )


@login_required
def referral_detail(request, pk):
    referral, child, decision, refusal = open_child_record(
        request, PreventionReferral, pk, what="page:prevention-referral", queryset=_query(), allowed_if=_reader
    )
    if refusal:
        return refusal
    csc_open = services.open_csc_involvements(child, authority=referral.agency.authority)
    clocks = selectors.clocks_of(referral)
    return render(
        request,
        "casework/prevention/detail.html",
        {
            "referral": referral,
            "child": child,
            "title": HEADINGS[referral.route],
            "age": services.age_on(child, referral.received_on),
            "consultation_only": services.consultation_only(referral),
            "responsibility": services.case_responsibility(referral),
            "csc_people": services.csc_people_to_tell(csc_open),
            "clocks": clocks,
            "follow_ups": [entry for entry in referral.follow_ups.split("\n\n") if entry.strip()],
            "follow_up_due": any(d.status in ("open", "breached") for d in clocks),
            "other_referrals": [r for r in selectors.child_referrals(child) if r.pk != referral.pk],
            "may_write": may_write_youth_justice(request.user),
        },
    )


def _open_for_write(request, pk, what):
    return open_child_record(request, PreventionReferral, pk, what=what, queryset=_query(), allowed_if=_writer)


@login_required
def referral_screen(request, pk):
    referral, child, decision, refusal = _open_for_write(request, pk, "page:prevention-referral-screen")
    if refusal:
        return refusal
    if referral.outcome and request.method == "GET":
        messages.info(request, "This referral has been screened")
        return redirect("prevention-referral-detail", pk=referral.pk)
    workers = services.cyjs_workers(referral.agency.authority)
    initial = {
        "version": referral.version,
        "consent_given": consent_answer(referral.consent_given),
        "prevention_worker": request.user if request.user in workers else None,
    }
    form = ScreenForm(request.POST or None, initial=initial, referral=referral, workers=workers)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.screen_referral(referral=referral, by=request.user, **form.service_kwargs())
        )
        if done:
            said = f"Screening saved. Outcome: {done.get_outcome_display()}"
            if done.request_for_support_id:
                said += ". A request for support was sent to children's social care's front door"
            if done.told:
                said += f". Told in the app: {names_text(done.told)}"
            messages.success(request, said)
            return redirect("prevention-referral-detail", pk=referral.pk)
    csc_open = services.open_csc_involvements(child, authority=referral.agency.authority)
    return render(
        request,
        "casework/prevention/screen.html",
        {
            "referral": referral,
            "child": child,
            "form": form,
            "title": "Screen the referral",
            "csc_people": services.csc_people_to_tell(csc_open),
            "open_to_csc": bool(csc_open),
            "consultation_only": services.consultation_only(referral),
            "age": services.age_on(child, referral.received_on),
        },
    )


@login_required
def referral_follow_up(request, pk):
    referral, child, decision, refusal = _open_for_write(request, pk, "page:prevention-referral-follow-up")
    if refusal:
        return refusal
    form = FollowUpForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form, lambda: services.record_follow_up(referral=referral, by=request.user, **form.cleaned_data)
        )
        if done:
            messages.success(request, "Follow-up recorded")
            return redirect("prevention-referral-detail", pk=referral.pk)
    open_clocks = [d for d in selectors.clocks_of(referral) if d.status in ("open", "breached")]
    return render(
        request,
        "casework/prevention/follow_up.html",
        {
            "referral": referral,
            "child": child,
            "form": form,
            "title": "Record a follow-up",
            "clock": open_clocks[0] if open_clocks else None,
        },
    )


@login_required
def referral_prevent(request, pk):
    referral, child, decision, refusal = _open_for_write(request, pk, "page:prevention-referral-prevent")
    if refusal:
        return refusal
    form = PreventForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.record_prevent_referral(referral=referral, by=request.user, on=form.cleaned_data["on"]),
        )
        if done:
            said = "Prevent referral recorded"
            if done.told:
                said += f". Told in the app: {names_text(done.told)}"
            messages.success(request, said)
            return redirect("prevention-referral-detail", pk=referral.pk)
    return render(
        request,
        "casework/prevention/prevent.html",
        {"referral": referral, "child": child, "form": form, "title": "Record a Prevent referral"},
    )


@login_required
def referral_close(request, pk):
    referral, child, decision, refusal = _open_for_write(request, pk, "page:prevention-referral-close")
    if refusal:
        return refusal
    form = CloseForm(request.POST or None, initial={"version": referral.version, "closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.close_referral(
                referral=referral, by=request.user, expected_version=data["version"], closed_on=data["closed_on"]
            ),
        )
        if done:
            messages.success(request, "Referral closed")
            return redirect("prevention-referral-detail", pk=referral.pk)
    return render(
        request,
        "casework/prevention/close.html",
        {
            "referral": referral,
            "child": child,
            "form": form,
            "title": "Close the referral",
            "follow_up_due": any(d.status in ("open", "breached") for d in selectors.clocks_of(referral)),
        },
    )
