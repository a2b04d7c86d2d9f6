"""Pages for strategy discussions, section 47 enquiries and requests for a conference.

Thin: every rule is in `casework.enquiry.services`. Each page read is logged by
`open_child`; each write by the service it calls.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from notifications.clocks import due_text
from notifications.models import Deadline
from notifications.selectors import with_rag

from ..models import ConferenceRequest, Section47Enquiry, StrategyDiscussion
from ..pages import attempt, open_child, open_child_record
from ..permissions import may_record_social_care_work, may_sign_off, may_write_case_notes
from . import selectors, services
from .forms import (
    ArrangeForm,
    ConferenceRequestForm,
    ConferenceResponseForm,
    EnquiryForm,
    OutcomeForm,
    StrategyDiscussionForm,
    action_formset,
    as_bool,
    attendee_formset,
    formset_rows,
)

READ, WRITE = AccessEvent.Action.READ, AccessEvent.Action.WRITE


def _may_record(user, child):
    return may_record_social_care_work(user)


def _may_request(user, child):
    return may_record_social_care_work(user) or may_write_case_notes(user)


def _may_respond(user, child):
    return may_sign_off(user)


def _rows_from_people(people):
    return [
        {
            "name": p["name"],
            "organisation": p["organisation"],
            "capacity": p["capacity"],
            "role": p["role"],
            "user": p["user"].pk if p.get("user") else None,
        }
        for p in people
    ]


def _rows_from_participants(participants):
    return [
        {"name": p.name, "organisation": p.organisation, "capacity": p.capacity, "role": p.role, "user": p.user_id}
        for p in participants
    ]


def _allowed_users(people=(), participants=()):
    """Only people the page itself offered may be linked to a user account (never an id typed in)."""
    ids = {p["user"].pk for p in people if p.get("user")} | {p.user_id for p in participants if p.user_id}
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)}


def _posted_capacities(formset):
    """What the posted rows say, even before they are valid, for the attendance check."""
    rows = []
    for form in formset.forms:
        capacity = form.data.get(f"{form.prefix}-capacity", "")
        if form.data.get(f"{form.prefix}-name", "").strip() and capacity:
            rows.append({"capacity": capacity})
    return rows


def _quiet(*forms_and_formsets):
    """Show posted answers again without error messages (the "check who took part" button saves nothing)."""
    for item in forms_and_formsets:
        if hasattr(item, "forms"):
            item.is_valid()
            item._errors = [ErrorDict() for _ in item.forms]
            item._non_form_errors = ErrorList()
            for member in item.forms:
                member._errors = ErrorDict()
        else:
            item.is_valid()
            item._errors = ErrorDict()


def _hsb_from_post(request, discussion):
    return bool(request.POST.get("about_harmful_sexual_behaviour")) or bool(
        discussion and discussion.about_harmful_sexual_behaviour
    )


# --- Strategy discussions ---------------------------------------------------------------------


@login_required
def discussion_new(request, pk):
    """Arrange a discussion to be held, or (`?held=1`) record one that has already happened."""
    child, decision, refusal = open_child(request, pk, what="page:strategy-discussion-new", allowed_if=_may_record)
    if refusal:
        return refusal
    if request.GET.get("held") or request.POST.get("held"):
        return _record(request, child, None)
    people = services.invitation_prefill(child)
    form = ArrangeForm(request.POST or None)
    invitees = attendee_formset(data=request.POST or None, initial=_rows_from_people(people), prefix="invitees")
    if request.method == "POST" and form.is_valid() & invitees.is_valid():
        discussion = attempt(
            form,
            lambda: services.arrange_strategy_discussion(
                child=child,
                by=request.user,
                invitees=formset_rows(invitees, allowed_users=_allowed_users(people)),
                about_harmful_sexual_behaviour=form.cleaned_data["about_harmful_sexual_behaviour"],
                disclosed_at=form.cleaned_data["disclosed_at"],
            ),
        )
        if discussion is not None:
            messages.success(request, "Strategy discussion arranged. Record it here once it has been held.")
            return redirect("strategy-discussion-detail", pk=discussion.pk)
    capacities = (
        _posted_capacities(invitees) if request.method == "POST" else [{"capacity": p["capacity"]} for p in people]
    )
    warnings = services.attendance_warnings(
        child=child,
        attendees=capacities,
        about_harmful_sexual_behaviour=bool(request.POST.get("about_harmful_sexual_behaviour")),
        on_date=timezone.localdate(),
    )
    return render(
        request,
        "casework/enquiry/arrange.html",
        {
            "child": child,
            "form": form,
            "invitees": invitees,
            "warnings": warnings,
            "has_errors": bool(form.errors or invitees.total_error_count()),
        },
    )


@login_required
def discussion_detail(request, pk):
    discussion, child, decision, refusal = open_child_record(
        request, StrategyDiscussion, pk, what="page:strategy-discussion", queryset=selectors.discussion_with_details()
    )
    if refusal:
        return refusal
    participants = list(discussion.participants.all())
    enquiry = Section47Enquiry.objects.filter(strategy_discussion=discussion).first()
    hsb = with_rag(
        Deadline.objects.filter(
            rule_code="hsb_strategy_meeting",
            subject_type=ContentType.objects.get_for_model(StrategyDiscussion),
            subject_id=discussion.pk,
        )
        .select_related("agency__authority")
        .order_by("-id")[:1]
    )
    return render(
        request,
        "casework/enquiry/discussion_detail.html",
        {
            "child": child,
            "discussion": discussion,
            "participants": participants,
            "actions": list(discussion.actions.all()),
            "enquiry": enquiry,
            "warnings": services.warnings_for(discussion),
            "hsb_deadline": hsb[0] if hsb else None,
            "may_record": may_record_social_care_work(request.user),
        },
    )


@login_required
def discussion_record(request, pk):
    discussion, child, decision, refusal = open_child_record(
        request,
        StrategyDiscussion,
        pk,
        what="page:strategy-discussion-record",
        queryset=selectors.discussion_with_details(),
        allowed_if=_may_record,
    )
    if refusal:
        return refusal
    if discussion.status == StrategyDiscussion.Status.HELD and request.method == "GET":
        messages.info(request, "This discussion has already been recorded.")
        return redirect("strategy-discussion-detail", pk=discussion.pk)
    return _record(request, child, discussion)


def _record(request, child, discussion):
    """The record form: for a pending discussion, or (discussion=None) for a new one already held."""
    if discussion is not None and discussion.participants.exists():
        participants = list(discussion.participants.all())
        people = []
        rows = _rows_from_participants(participants)
    else:
        # A new discussion, or a pending one set up by the front door or an assessment's
        # sign-off with no one invited yet: start from the child's allocations.
        participants = []
        people = services.invitation_prefill(child)
        rows = _rows_from_people(people)
    initial = {"version": discussion.version if discussion else None}
    if discussion is not None and discussion.about_harmful_sexual_behaviour:
        initial["about_harmful_sexual_behaviour"] = True
        if discussion.disclosed_at:
            local = timezone.localtime(discussion.disclosed_at)
            initial.update(disclosed_on=local.date(), disclosed_time=f"{local:%H:%M}")
    posted = request.POST if request.method == "POST" else None
    form = StrategyDiscussionForm(posted, initial=initial)
    attendees = attendee_formset(data=posted, initial=rows)
    actions = action_formset(data=posted)
    checking = posted is not None and "check" in request.POST
    if checking:
        _quiet(form, attendees, actions)
    if posted is not None and not checking:
        valid = form.is_valid() & attendees.is_valid() & actions.is_valid()
        if valid:
            saved = attempt(
                form,
                lambda: services.record_strategy_discussion(
                    child=child,
                    by=request.user,
                    discussion=discussion,
                    expected_version=form.cleaned_data["version"] if discussion else None,
                    attendees=formset_rows(attendees, allowed_users=_allowed_users(people, participants)),
                    actions=formset_rows(actions),
                    **form.service_data(),
                ),
            )
            if saved is not None:
                enquiry = getattr(saved, "section_47_enquiry", None) if saved.initiates_section_47 else None
                messages.success(
                    request,
                    "Strategy discussion recorded." + (" Section 47 enquiries have started." if enquiry else ""),
                )
                return redirect("strategy-discussion-detail", pk=saved.pk)
    capacities = _posted_capacities(attendees) if posted is not None else [{"capacity": r["capacity"]} for r in rows]
    warnings = services.attendance_warnings(
        child=child,
        attendees=capacities,
        about_harmful_sexual_behaviour=_hsb_from_post(request, discussion)
        if posted is not None
        else bool(discussion and discussion.about_harmful_sexual_behaviour),
        on_date=timezone.localdate(),
    )
    return render(
        request,
        "casework/enquiry/record.html",
        {
            "child": child,
            "discussion": discussion,
            "form": form,
            "attendees": attendees,
            "actions": actions,
            "warnings": warnings,
            "checked": checking,
            "has_errors": bool(form.errors or attendees.total_error_count() or actions.total_error_count()),
            "back": reverse("strategy-discussion-detail", args=[discussion.pk])
            if discussion
            else reverse("child-detail", args=[child.pk]),
        },
    )


# --- Section 47 enquiries ---------------------------------------------------------------------


def _enquiry_context(request, enquiry, child, form=None):
    deadline = services.icpc_deadline(enquiry)
    may_write = may_record_social_care_work(request.user)
    due = services.conference_is_due(enquiry)
    conference_url = ""
    # Once arranged, the enquiry links to its initial conference instead of offering another.
    initial_conference = enquiry.conferences.filter(kind="initial").order_by("id").first()
    if due and initial_conference is None:
        conference_url = reverse("conference-new", args=[child.pk]) + f"?enquiry={enquiry.pk}"
    requests = list(enquiry.conference_requests.select_related("responded_by", "recorded_by").all())
    return {
        "child": child,
        "enquiry": enquiry,
        "deadline": deadline,
        "deadline_text": due_text(deadline) if deadline else "",
        "conference_due": due,
        "conference_url": conference_url,
        "initial_conference": initial_conference,
        "requests": requests,
        "may_write": may_write,
        "may_respond": may_sign_off(request.user),
        "may_request": (
            _may_request(request.user, child)
            and enquiry.outcome == Section47Enquiry.Outcome.NOT_SUBSTANTIATED
            and not any(r.status in (ConferenceRequest.Status.OPEN, ConferenceRequest.Status.AGREED) for r in requests)
        ),
        "form": form
        if form is not None
        else (
            EnquiryForm(
                initial={
                    "version": enquiry.version,
                    "joint_with_police": enquiry.joint_with_police,
                    "child_seen_on": enquiry.child_seen_on,
                    "enquiries_summary": enquiry.enquiries_summary,
                }
            )
            if may_write and enquiry.status == Section47Enquiry.Status.OPEN
            else None
        ),
    }


@login_required
def enquiry_detail(request, pk):
    enquiry, child, decision, refusal = open_child_record(
        request,
        Section47Enquiry,
        pk,
        what="page:section-47",
        queryset=selectors.enquiry_with_details(),
        allowed_if=_may_record if request.method == "POST" else None,
    )
    if refusal:
        return refusal
    form = None
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("joint_with_police", "child_seen_on", "enquiries_summary")}
            saved = attempt(
                form,
                lambda: services.update_enquiry(
                    enquiry=enquiry, by=request.user, expected_version=form.cleaned_data["version"], data=data
                ),
            )
            if saved is not None:
                messages.success(request, "Enquiry details saved")
                return redirect("section-47-detail", pk=enquiry.pk)
    return render(request, "casework/enquiry/enquiry_detail.html", _enquiry_context(request, enquiry, child, form))


@login_required
def enquiry_outcome(request, pk):
    enquiry, child, decision, refusal = open_child_record(
        request,
        Section47Enquiry,
        pk,
        what="page:section-47-outcome",
        queryset=selectors.enquiry_with_details(),
        allowed_if=_may_record,
    )
    if refusal:
        return refusal
    if enquiry.status == Section47Enquiry.Status.CONCLUDED and request.method == "GET":
        messages.info(request, "The outcome of these enquiries has already been recorded.")
        return redirect("section-47-detail", pk=enquiry.pk)
    form = OutcomeForm(request.POST or None, initial={"version": enquiry.version})
    if request.method == "POST" and form.is_valid():
        recorded = attempt(
            form,
            lambda: services.record_section_47_outcome(
                enquiry=enquiry,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                outcome=form.cleaned_data["outcome"],
                outcome_rationale=form.cleaned_data["outcome_rationale"],
                next_step=form.cleaned_data["next_step"],
            ),
        )
        if recorded is not None:
            messages.success(request, "Outcome recorded")
            return redirect("section-47-detail", pk=enquiry.pk)
    deadline = services.icpc_deadline(enquiry)
    return render(
        request,
        "casework/enquiry/outcome.html",
        {
            "child": child,
            "enquiry": enquiry,
            "form": form,
            "deadline_text": due_text(deadline) if deadline and deadline.is_open else "",
        },
    )


# --- Requests for a conference ----------------------------------------------------------------


@login_required
def conference_request_new(request, pk):
    enquiry, child, decision, refusal = open_child_record(
        request,
        Section47Enquiry,
        pk,
        what="page:conference-request-new",
        queryset=selectors.enquiry_with_details(),
        allowed_if=_may_request,
    )
    if refusal:
        return refusal
    user = request.user
    initial = {
        "requested_by_name": user.display_name,
        "requested_by_organisation": user.agency.name if user.agency_id else "",
    }
    form = ConferenceRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if (
            attempt(form, lambda: services.request_conference(enquiry=enquiry, by=user, **form.cleaned_data))
            is not None
        ):
            messages.success(
                request, "Request for a conference recorded. A children's social care manager will respond."
            )
            return redirect("section-47-detail", pk=enquiry.pk)
    return render(
        request, "casework/enquiry/conference_request.html", {"child": child, "enquiry": enquiry, "form": form}
    )


@login_required
def conference_request_respond(request, pk):
    conference_request = get_object_or_404(ConferenceRequest.objects.select_related("enquiry__child"), pk=pk)
    enquiry = conference_request.enquiry
    child, decision, refusal = open_child(
        request, enquiry.child_id, what="page:conference-request-respond", allowed_if=_may_respond
    )
    if refusal:
        return refusal
    form = ConferenceResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answered = attempt(
            form,
            lambda: services.respond_to_conference_request(
                request=conference_request,
                by=request.user,
                agree=as_bool(form.cleaned_data["agree"]),
                response=form.cleaned_data["response"],
            ),
        )
        if answered is not None:
            messages.success(request, "Response recorded. The person who asked has been told.")
            return redirect("section-47-detail", pk=enquiry.pk)
    return render(
        request,
        "casework/enquiry/conference_respond.html",
        {"child": child, "enquiry": enquiry, "conference_request": conference_request, "form": form},
    )
