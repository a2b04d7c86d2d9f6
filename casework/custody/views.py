"""Police custody, appropriate adult screening and PACE accommodation pages. Rules live in services.py;
these only shape the pages.

Every page read is logged by `open_child` / `open_child_record`; a user who can see the child but
not the section (casework.justice.sharing) gets 403, logged as denied. Every write is logged by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Agency

from ..forms_common import now_parts
from ..justice.sharing import Section, may_read_section, may_write_youth_justice
from ..models import AppropriateAdultScreening, CustodyEpisode, PaceAccommodationRequest
from ..pages import STALE_PAGE, attempt, open_child, open_child_record
from ..who_works_with import allocated_worker
from . import selectors, services
from .forms import EpisodeForm, EscalationForm, PaceOutcomeForm, PaceRequestForm, ReceiveForm, ScreenForm

FIELD_NAMES = {
    "arrested_at": "arrested_date",
    "left_custody_at": "left_date",
    "form_received_at": "received_date",
    "requested_at": "requested_date",
}


def _writer(user, child):
    return may_write_youth_justice(user)


def _reads(section):
    return lambda user, child: may_read_section(user, section)


def _attempt(form, call):
    return attempt(form, call, stale=STALE_PAGE, field_names=FIELD_NAMES)


def _say(request, record, done):
    """One success banner, naming anyone told in the app. Warnings (000 ¶11.1) show on the episode's page."""
    told = getattr(record, "told", [])
    if told:
        done = f"{done}. Told in the app: {', '.join(person.display_name for person in told)}"
    messages.success(request, done)


def _episode_query():
    return CustodyEpisode.objects.select_related("child", "agency", "created_by")


# --- Custody episodes ----------------------------------------------------------------------------


@login_required
def custody_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:custody-new", allowed_if=_writer)
    if refusal:
        return refusal
    form = EpisodeForm(request.POST or None, initial={"arrested_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        episode = _attempt(
            form, lambda: services.record_custody_episode(child=child, by=request.user, **form.service_kwargs())
        )
        if episode:
            _say(request, episode, "Custody recorded")
            return redirect("custody-detail", pk=episode.pk)
    return render(
        request, "casework/custody/episode_form.html", {"child": child, "form": form, "title": "Record police custody"}
    )


@login_required
def custody_detail(request, pk):
    episode, child, decision, refusal = open_child_record(
        request, CustodyEpisode, pk, what="page:custody", queryset=_episode_query(), allowed_if=_reads(Section.CUSTODY)
    )
    if refusal:
        return refusal
    user = request.user
    reads_screening = may_read_section(user, Section.SCREENING)
    reads_pace = may_read_section(user, Section.PACE)
    screening = None
    if reads_screening:
        screening = (
            AppropriateAdultScreening.objects.filter(episode=episode)
            .select_related("screened_by", "shared_with", "contact")
            .first()
        )
    return render(
        request,
        "casework/custody/detail.html",
        {
            "episode": episode,
            "child": child,
            "warnings": services.custody_warnings(episode),
            "reads_screening": reads_screening,
            "screening": screening,
            "reads_pace": reads_pace,
            "pace_requests": list(episode.pace_requests.select_related("manager_told")) if reads_pace else [],
            "open_pace_request": reads_pace and episode.pace_requests.filter(outcome="").exists(),
            "episodes": list(selectors.child_episodes(child)),
            "may_write": may_write_youth_justice(user),
        },
    )


@login_required
def custody_edit(request, pk):
    episode, child, decision, refusal = open_child_record(
        request, CustodyEpisode, pk, what="page:custody-edit", queryset=_episode_query(), allowed_if=_writer
    )
    if refusal:
        return refusal
    form = EpisodeForm(request.POST or None, initial=EpisodeForm.initial_for(episode), editing=True)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.update_custody_episode(
                episode=episode,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.service_kwargs(),
            ),
        )
        if done:
            _say(request, done, "Custody episode saved")
            return redirect("custody-detail", pk=episode.pk)
    return render(
        request,
        "casework/custody/episode_form.html",
        {"child": child, "form": form, "episode": episode, "title": "Change the custody episode"},
    )


# --- The appropriate adult's form ---------------------------------------------------------------------


@login_required
def aa_screening(request, pk):
    """Receive the appropriate adult's form, then screen it (000 ¶11.3 Steps 1–6)."""
    episode, child, decision, refusal = open_child_record(
        request,
        CustodyEpisode,
        pk,
        what="page:aa-screening",
        queryset=_episode_query(),
        allowed_if=_reads(Section.SCREENING),
    )
    if refusal:
        return refusal
    may_write = may_write_youth_justice(request.user)
    screening = (
        AppropriateAdultScreening.objects.filter(episode=episode)
        .select_related("screened_by", "shared_with", "contact")
        .first()
    )
    posted = request.POST if request.method == "POST" else None
    receive_form = screen_form = None
    if screening is None:
        receive_form = ReceiveForm(posted, initial=now_parts("received"))
        if posted is not None and receive_form.is_valid():
            done = _attempt(
                receive_form,
                lambda: services.receive_aa_form(
                    episode=episode,
                    by=request.user,
                    form_received_at=receive_form.moment("received"),
                    concern_flagged_by_aa=receive_form.cleaned_data["concern_flagged_by_aa"] == "yes",
                ),
            )
            if done:
                _say(request, done, "Form received")
                return redirect("aa-screening", pk=episode.pk)
    elif not screening.contact_id:
        initial = {
            "version": screening.version,
            "route": screening.route,
            "findings": screening.findings,
            "consent": "" if screening.consent == "not_needed" else screening.consent,
            "consent_reason": screening.consent_reason,
        }
        screen_form = ScreenForm(posted, initial=initial)
        if posted is not None and screen_form.is_valid():
            data = screen_form.cleaned_data
            done = _attempt(
                screen_form,
                lambda: services.screen_aa_form(
                    screening=screening,
                    by=request.user,
                    expected_version=data["version"],
                    route=data["route"],
                    findings=data["findings"],
                    consent=data["consent"],
                    consent_reason=data["consent_reason"],
                    categories=data["categories"],
                ),
            )
            if done:
                said = "Screening saved"
                if done.contact_id:
                    said += ". A contact was sent to MASH"
                if done.shared_with_id:
                    said += f". Told in the app: {done.shared_with.display_name}"
                messages.success(request, said)
                return redirect("custody-detail", pk=episode.pk)
    social_worker = allocated_worker(child, Agency.Kind.CSC)
    return render(
        request,
        "casework/custody/screening.html",
        {
            "episode": episode,
            "child": child,
            "screening": screening,
            "receive_form": receive_form if may_write else None,
            "screen_form": screen_form if may_write else None,
            "form": receive_form or screen_form,
            "social_worker": social_worker,
            "may_write": may_write,
        },
    )


# --- PACE accommodation ----------------------------------------------------------------------------------


@login_required
def pace_request_new(request, pk):
    episode, child, decision, refusal = open_child_record(
        request, CustodyEpisode, pk, what="page:pace-request-new", queryset=_episode_query(), allowed_if=_writer
    )
    if refusal:
        return refusal
    form = PaceRequestForm(request.POST or None, initial={**now_parts("requested"), "secure_requested": "no"})
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.request_pace_accommodation(
                episode=episode,
                by=request.user,
                requested_at=form.moment("requested"),
                secure_requested=form.cleaned_data["secure_requested"] == "yes",
            ),
        )
        if done:
            messages.success(request, f"Request recorded. The police ask: {done.requested_of}")
            return redirect("pace-request-record", pk=done.pk)
    authority = episode.agency.authority
    return render(
        request,
        "casework/custody/pace_new.html",
        {
            "episode": episode,
            "child": child,
            "form": form,
            "office_start": authority.office_hours_start,
            "office_end": authority.office_hours_end,
        },
    )


@login_required
def pace_request_record(request, pk):
    pace, child, decision, refusal = open_child_record(
        request,
        PaceAccommodationRequest,
        pk,
        what="page:pace-request",
        queryset=PaceAccommodationRequest.objects.select_related("child", "episode", "manager_told", "recorded_by"),
        allowed_if=_reads(Section.PACE),
    )
    if refusal:
        return refusal
    may_write = may_write_youth_justice(request.user)
    which = request.POST.get("form") if request.method == "POST" else None
    outcome_form = None
    if not pace.outcome:
        outcome_form = PaceOutcomeForm(request.POST if which == "outcome" else None, initial={"version": pace.version})
    escalation_form = EscalationForm(request.POST if which == "escalation" else None)
    if which == "outcome" and outcome_form is not None and outcome_form.is_valid():
        data = outcome_form.cleaned_data
        done = _attempt(
            outcome_form,
            lambda: services.record_pace_outcome(
                request=pace,
                by=request.user,
                expected_version=data["version"],
                outcome=data["outcome"],
                reason=data["reason"],
            ),
        )
        if done:
            said = "Outcome recorded"
            if done.manager_told_id:
                said += f". Told in the app: {done.manager_told.display_name}"
            messages.success(request, said)
            return redirect("pace-request-record", pk=pace.pk)
    if which == "escalation" and escalation_form.is_valid():
        done = _attempt(
            escalation_form,
            lambda: services.record_pace_escalation(
                request=pace, by=request.user, notes=escalation_form.cleaned_data["notes"]
            ),
        )
        if done:
            messages.success(request, "Escalation recorded")
            return redirect("pace-request-record", pk=pace.pk)
    return render(
        request,
        "casework/custody/pace_record.html",
        {
            "pace": pace,
            "episode": pace.episode,
            "child": child,
            "outcome_form": outcome_form if may_write else None,
            "escalation_form": escalation_form if may_write else None,
            "error_forms": [f for f in (outcome_form, escalation_form) if f is not None and f.errors],
            "has_errors": bool((outcome_form and outcome_form.errors) or escalation_form.errors),
            "may_write": may_write,
        },
    )
