"""Serious incident pages: start the briefing (or send it to MASH), the briefing with its steps and
clocks, the printable notification, and the significant event tracker / periodic report with its CSV.
Rules live in services.py; these only shape the pages.

Every page read is logged by `open_child` / `open_child_record` (a user who can see the child but
not the section gets 403, logged as denied); the report and its CSV are reads of several children,
logged with `record_search`. Every write is logged by the service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import record_search
from accounts.models import AccessEvent
from config.spreadsheet import csv_download

from ..forms_common import now_parts
from ..justice.sharing import Section, may_read_section
from ..models import SeriousIncident
from ..pages import STALE_PAGE, attempt, open_child, open_child_record
from ..pdf import pdf_response
from . import selectors, services
from .forms import ConfirmForm, LearningForm, MashForm, ReportForm, StartForm, WhenForm

WRITE = AccessEvent.Action.WRITE

FIELD_NAMES = {
    "occurred_at": "occurred_date",
    "aware_at": "aware_date",
    "yjb_notified_at": "at_date",
    "csc_told_at": "at_date",
    "mappa_notified_at": "at_date",
    "charged_at": "at_date",
    "panel_notified_at": "at_date",
}

# Each step's route: the service, the form's prefix and its legend, and what to say when done.
WHEN_STEPS = {
    "charged": (
        "charged",
        "the child was charged",
        services.record_charge,
        "Charge recorded: the notices that count from it have started",
    ),
    "yjb-notified": (
        "yjb",
        "the Youth Justice Board was notified",
        services.record_yjb_notified,
        "Youth Justice Board notification recorded",
    ),
    "csc-told": (
        "csc",
        "children's social care was told",
        services.record_csc_told,
        "Recorded that children's social care was told",
    ),
    "mappa-notified": (
        "mappa",
        "the MAPPA coordinator was told",
        services.record_mappa_notified,
        "Recorded that the MAPPA coordinator was told",
    ),
    "panel-notified": (
        "panel",
        "the national panel was notified",
        services.record_panel_notified,
        "Recorded that the national panel was notified",
    ),
}
CONFIRM_STEPS = {
    "verify": (services.verify_criteria, "Criteria checked"),
    "quality-assure": (services.quality_assure, "Briefing quality assured"),
    "submit": (services.submit_incident, "Briefing submitted"),
}


def _reads(user, child=None):
    return may_read_section(user, Section.INCIDENTS)


def _writes(user, child=None):
    return services._writes_at_all(user)


def _attempt(form, call):
    field_names = {**FIELD_NAMES, **getattr(form, "service_field_names", {})}
    return attempt(form, call, stale=STALE_PAGE, field_names=field_names)


def _query():
    return SeriousIncident.objects.select_related(
        "child", "agency__authority", "completed_by", "verified_by", "quality_assured_by", "submitted_by"
    )


# --- Starting a briefing (000 ¶7.1–7.3) ----------------------------------------------------------------


@login_required
def incident_new(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:serious-incident-new", allowed_if=_writes)
    if refusal:
        return refusal
    completer = services.completer_for(child, request.user)
    which = request.POST.get("form") if request.method == "POST" else None
    form = mash_form = None
    if completer.allowed:
        form = StartForm(
            request.POST if which == "start" else None,
            initial={**now_parts("occurred"), **now_parts("aware"), "yjb_notifiable": "no", "open_under_mappa": "no"},
        )
        if which == "start" and form.is_valid():
            incident = _attempt(
                form, lambda: services.start_incident(child=child, by=request.user, **form.service_kwargs())
            )
            if incident:
                messages.success(
                    request, "Serious incident briefing started. Ask your team manager to check the criteria today"
                )
                return redirect("serious-incident-detail", pk=incident.pk)
    elif completer.mash_leads:
        mash_form = MashForm(
            request.POST if which == "mash" else None, initial={**now_parts("occurred"), "consent": "not_sought"}
        )
        if which == "mash" and mash_form.is_valid():
            contact = _attempt(
                mash_form, lambda: services.send_to_mash(child=child, by=request.user, **mash_form.service_kwargs())
            )
            if contact:
                messages.success(request, "The incident was sent to MASH, which leads the briefing")
                return redirect("child-detail", pk=child.pk)
    return render(
        request,
        "casework/incidents/new.html",
        {
            "child": child,
            "form": form or mash_form,
            "start_form": form,
            "mash_form": mash_form,
            "completer": completer,
            "title": "Record a serious incident",
        },
    )


# --- The briefing ------------------------------------------------------------------------------------------


def _forms_for(incident, user, posted_step=None, posted=None):
    steps = services.next_steps(incident, user)
    forms = {}
    for step in steps:
        data = posted if step == posted_step else None
        if step in CONFIRM_STEPS:
            forms[step] = ConfirmForm(data, prefix=step)
        elif step in WHEN_STEPS:
            prefix, legend, _, _ = WHEN_STEPS[step]
            forms[step] = WhenForm(data, prefix=prefix, legend=legend, initial=now_parts("at"))
        elif step == "learning":
            forms[step] = LearningForm(
                data,
                initial={
                    "version": incident.version,
                    "immediate_actions": incident.immediate_actions,
                    "learning": incident.learning,
                },
            )
    return forms


# The order the page offers the steps, with each one's heading, words and button.
STEP_TEXT = {
    "verify": (
        "Check the criteria",
        "Confirm the incident meets the criteria for a serious incident briefing.",
        "The criteria are met",
    ),
    "quality-assure": ("Quality assure", "Confirm the briefing is complete, clear and concise.", "Quality assured"),
    "submit": (
        "Submit the briefing",
        "The head of service and senior managers are told in the app.",
        "Submit the briefing",
    ),
    "charged": (
        "When the child was charged",
        "The Youth Justice Board and MAPPA notices count from the charge. "
        "Correct it here if it was recorded wrongly: their deadlines start again from the new time.",
        "Save the charge",
    ),
    "yjb-notified": (
        "Youth Justice Board",
        "Record when the notification was uploaded and sent to the Youth Justice Board.",
        "Save the notification",
    ),
    "csc-told": (
        "Local children's social care",
        "The service that notifies tells local children's social care, whether or not it knows the child.",
        "Save: social care told",
    ),
    "mappa-notified": (
        "MAPPA coordinator",
        "Record when the briefing was sent to the MAPPA coordinator.",
        "Save: MAPPA coordinator told",
    ),
    "panel-notified": (
        "National safeguarding panel",
        "The local authority notifies the panel within 5 working days of becoming aware of the incident.",
        "Save: national panel notified",
    ),
    "learning": ("Actions and learning", "", "Save actions and learning"),
}


def _steps(incident, forms):
    steps = []
    for name, (heading, intro, button) in STEP_TEXT.items():
        if name in forms:
            steps.append(
                {
                    "name": name,
                    "form": forms[name],
                    "heading": heading,
                    "intro": intro,
                    "button": button,
                    "url": reverse(f"serious-incident-{name}", args=[incident.pk]),
                    "secondary": name == "learning",
                }
            )
    return steps


def _render_detail(request, incident, child, forms, status=200):
    error_forms = [f for f in forms.values() if f.errors]
    return render(
        request,
        "casework/incidents/detail.html",
        {
            "incident": incident,
            "child": child,
            "clocks": selectors.clocks_of(incident),
            "steps": _steps(incident, forms),
            "error_forms": error_forms,
            "has_errors": bool(error_forms),
            "incidents": list(selectors.child_incidents(child)),
        },
        status=status,
    )


@login_required
def incident_detail(request, pk):
    incident, child, decision, refusal = open_child_record(
        request, SeriousIncident, pk, what="page:serious-incident", queryset=_query(), allowed_if=_reads
    )
    if refusal:
        return refusal
    return _render_detail(request, incident, child, _forms_for(incident, request.user))


@login_required
@require_POST
def incident_step(request, pk, step):
    """One step of the briefing (verify, quality-assure, submit, the notifications, the learning)."""
    incident, child, decision, refusal = open_child_record(
        request,
        SeriousIncident,
        pk,
        what=f"page:serious-incident-{step}",
        action=WRITE,
        queryset=_query(),
        allowed_if=_reads,
    )
    if refusal:
        return refusal
    forms = _forms_for(incident, request.user, posted_step=step, posted=request.POST)
    form = forms.get(step)
    if form is None:
        raise PermissionDenied("You cannot take this step now")
    if form.is_valid():
        user = request.user
        if step in CONFIRM_STEPS:
            service, said = CONFIRM_STEPS[step]
            done = _attempt(form, lambda: service(incident=incident, by=user))
        elif step in WHEN_STEPS:
            _, _, service, said = WHEN_STEPS[step]
            done = _attempt(form, lambda: service(incident=incident, by=user, at=form.moment("at")))
        else:
            said = "Actions and learning saved"
            data = form.cleaned_data
            done = _attempt(
                form,
                lambda: services.record_learning(
                    incident=incident,
                    by=user,
                    expected_version=data["version"],
                    immediate_actions=data["immediate_actions"],
                    learning=data["learning"],
                ),
            )
        if done:
            told = getattr(done, "told", [])
            if told:
                said = f"{said}. Told in the app: {', '.join(person.display_name for person in told)}"
            messages.success(request, said)
            return redirect("serious-incident-detail", pk=incident.pk)
    incident.refresh_from_db()
    return _render_detail(request, incident, child, forms)


@login_required
def incident_pdf(request, pk):
    """The notification as F3/F4 lay it out, to print or email (000 L1077)."""
    incident, child, decision, refusal = open_child_record(
        request, SeriousIncident, pk, what="pdf:serious-incident", queryset=_query(), allowed_if=_reads
    )
    if refusal:
        return refusal
    context = {
        "incident": incident,
        "child": child,
        "clocks": selectors.clocks_of(incident),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    return pdf_response(
        "casework/incidents/notification_pdf.html", context, filename=f"serious-incident-{incident.pk}.pdf"
    )


# --- The tracker and the periodic report (000 L989, L1001, L1123) -----------------------------------------------


def _report_period(request):
    """The chosen period (default: the current two months, the stricter cycle, part A C1) and the form."""
    if "period" in request.GET or "year" in request.GET:
        form = ReportForm(request.GET)
        return form, (form.period_value() if form.is_valid() else None)
    period = selectors.Period.current()
    return ReportForm(initial={"period": period.code, "year": period.year}), period


def _report_reader(request):
    if not selectors.may_see_report(request.user):
        raise PermissionDenied(
            "The serious incident report is for managers in children's social care and the child and youth justice service"
        )


@login_required
def report(request):
    _report_reader(request)
    form, period = _report_period(request)
    rows = list(selectors.report_rows(request.user, period)) if period else []
    record_search(
        user=request.user,
        what="page:serious-incident-report",
        query=request.GET.urlencode(),
        child_ids=sorted({row.child_id for row in rows}),
    )
    return render(
        request,
        "casework/incidents/report.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "counts": selectors.report_counts(rows) if period else None,
            "authority": request.user.authority,
            "query": request.GET.urlencode()
            if period and request.GET
            else (f"period={period.code}&year={period.year}" if period else ""),
        },
    )


@login_required
def report_csv(request):
    _report_reader(request)
    form, period = _report_period(request)
    if period is None:
        raise Http404
    rows = list(selectors.report_rows(request.user, period))
    record_search(
        user=request.user,
        what="csv:serious-incident-report",
        query=request.GET.urlencode(),
        child_ids=sorted({row.child_id for row in rows}),
    )
    return csv_download(
        f"serious-incidents-{period.slug}.csv", selectors.CSV_HEADER, (selectors.csv_row(row) for row in rows)
    )
