"""Front-door pages. Rules live in referrals.services; these only shape the pages.

Every read of a contact page writes one access-log row. A write is logged by the
service that makes it; a refused write is logged here.
"""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.audit import record_access, record_search
from accounts.models import MASH_ROLES, AccessEvent
from casework import limits
from casework.forms import ChildSearchForm
from casework.models import Child
from casework.selectors import child_search
from casework.services import find_possible_duplicates
from casework.validators import normalise_nhs_number
from casework.views import add_service_errors, refusal_page
from config.govuk_forms import GovukDateField
from notifications.clocks import due_text
from notifications.models import Deadline

from . import selectors, services
from .forms import (
    LEVELS,
    ChallengeForm,
    CheckRequestForm,
    CheckResponseForm,
    ChildDetailsForm,
    ConcernsForm,
    ConsentForm,
    DecisionForm,
    DisagreementResponseForm,
    FeedbackForm,
    HouseholdMemberForm,
    MatchForm,
    RagForm,
    ReferrerForm,
    ResolveForm,
    TriageFilterForm,
)
from .models import AgencyCheck, ConcernCategory, Contact, Decision, Disagreement, DisagreementResponse
from .pagination import CappedPaginator

READ, WRITE = AccessEvent.Action.READ, AccessEvent.Action.WRITE
REFUSED = access.AccessDecision(False, access.Purpose.NONE)


# --- Shared helpers --------------------------------------------------------------


def _safe_next(request, fallback):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _decision_deadline(contact):
    return (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Contact),
            subject_id=contact.pk,
            rule_code="referral_decision",
        )
        .order_by("-id")
        .first()
    )


def _due_label(due_at, *, today=None):
    """Short, for a table: a day-rule deadline ends at midnight, so say the day, not 00:00 the day after."""
    if due_at is None:
        return ""
    local = timezone.localtime(due_at)
    today = today or timezone.localdate()
    day = local.date() - timedelta(days=1) if local.time() == time.min else local.date()
    label = f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")
    return label if local.time() == time.min else f"{label}, {local:%H:%M}"


def _open_contact(request, pk, *, what, full=True, action=READ, log=True):
    """Load a contact and decide what this user may see of it.

    Returns (contact, view, refusal). A refusal is always logged; an allowed
    read is logged when `log` is true (a POST handler logs only the page it shows).
    """
    contact = get_object_or_404(
        Contact.objects.select_related(
            "child",
            "agency",
            "team",
            "allocated_to",
            "referrer_user",
            "decision__decided_by",
            "decision__authorised_by",
        ),
        pk=pk,
    )
    view = selectors.contact_view(request.user, contact)
    allowed = view.level == selectors.FULL if full else view.level is not None
    if not allowed:
        decision = view.decision if view.level is None and view.decision else REFUSED
        record_access(user=request.user, child=contact.child, what=what, action=action, decision=decision)
        if view.level is None:
            return contact, view, refusal_page(request, contact.child, decision)
        return contact, view, render(request, "errors/404.html", status=404)
    if log:
        _log_read(request, contact, view, what)
    return contact, view, None


def _log_read(request, contact, view, what):
    record_access(user=request.user, child=contact.child, what=what, decision=view.decision)


def _require_holder(request, contact):
    if not services.holds_contact(request.user, contact):
        record_access(user=request.user, child=contact.child, what="contact:refused", action=WRITE, decision=REFUSED)
        raise PermissionDenied


# --- Making a referral -----------------------------------------------------------

SESSION_KEY = "referral"
ORDER = ["child", "household", "concerns", "consent", "referrer"]
REQUIRED = ["child", "concerns", "consent", "referrer"]
STEP_URL = {
    "child": "referral-new",
    "child_details": "referral-new-child-details",
    "matches": "referral-new-matches",
    "household": "referral-new-household",
    "concerns": "referral-new-concerns",
    "consent": "referral-new-consent",
    "referrer": "referral-new-referrer",
    "check": "referral-new-check",
}
STEP_FORMS = {
    "child_details": ChildDetailsForm,
    "concerns": ConcernsForm,
    "consent": ConsentForm,
    "referrer": ReferrerForm,
}


def _referral(request) -> dict:
    return request.session.get(SESSION_KEY) or {"household": []}


def _keep(request, referral):
    request.session[SESSION_KEY] = referral
    request.session.modified = True


def _changing(request) -> bool:
    return bool(request.GET.get("change"))


def _step_url(step, *, change=False, anchor=""):
    url = reverse(STEP_URL[step])
    if change:
        url += "?change=1"
    return url + (f"#{anchor}" if anchor else "")


def _first_missing(referral):
    return next((step for step in REQUIRED if not referral.get(step)), None)


def _go_on(request, referral, step):
    """After a page is answered: back to the check page when changing an answer, else the next page."""
    missing = _first_missing(referral)
    if _changing(request) and missing is None:
        return redirect(STEP_URL["check"])
    following = ORDER[ORDER.index(step) + 1] if ORDER.index(step) + 1 < len(ORDER) else "check"
    if following == "check" and missing:
        following = missing
    return redirect(STEP_URL[following])


def _may_refer(user):
    if not access.sees_case_content(user) or not user.agency_id:
        raise PermissionDenied


def _as_post(form_class, values: dict) -> dict:
    """Stored answers as the page would post them, to show a form again with errors on it."""
    data = {}
    for name, field in form_class.base_fields.items():
        value = values.get(name)
        if isinstance(field, GovukDateField):
            parts = value.split("-") if value else ["", "", ""]
            year, month, day = (str(int(p)) if p else "" for p in parts)
            data.update({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
        elif value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return data


def _step_form(form_class, stored, errors=None, **kwargs):
    """The form for a page: its saved answers, and any errors the service found in them."""
    if not errors:
        return form_class(initial=stored or {}, **kwargs)
    form = form_class(data=_as_post(form_class, stored or {}), **kwargs)
    form.is_valid()
    add_service_errors(form, ValidationError(errors))
    return form


def _step_errors(referral, step):
    return (referral.get("errors") or {}).get(step)


def _clear_errors(referral, step):
    (referral.get("errors") or {}).pop(step, None)


def _render_step(request, template, context):
    context.setdefault("changing", _changing(request))
    return render(request, template, context)


@login_required
def referral_child(request):
    """Page 1: find the child among those the user can see, or go on to enter new details."""
    _may_refer(request.user)
    referral = _referral(request)
    if request.method == "POST":
        if request.POST.get("restart"):
            request.session.pop(SESSION_KEY, None)
            return redirect(STEP_URL["child"])
        child = access.visible_children(request.user).filter(pk=request.POST.get("child_id") or 0).first()
        if child is None:
            messages.error(request, "Choose a child from the search results")
            return redirect(STEP_URL["child"])
        referral["child"] = {"id": child.pk}
        referral.pop("new_child", None)
        _clear_errors(referral, "child")
        _clear_errors(referral, "child_details")
        _keep(request, referral)
        return _go_on(request, referral, "child")

    searching = any(request.GET.get(k) for k in ("q", "date_of_birth_day", "date_of_birth_month", "date_of_birth_year"))
    form = ChildSearchForm(request.GET if searching else None)
    results = None
    if searching and form.is_valid():
        results = list(
            child_search(
                fetched_by=request.user, query=form.cleaned_data["q"], date_of_birth=form.cleaned_data["date_of_birth"]
            )[:50]
        )
        record_search(
            user=request.user,
            what="page:referral-child-search",
            query=f"{form.cleaned_data['q']} {form.cleaned_data['date_of_birth'] or ''}".strip(),
            child_ids=[c.pk for c in results],
        )
    chosen = _chosen_child(request.user, referral)
    return _render_step(
        request,
        "referrals/new/child.html",
        {
            "form": form,
            "results": results,
            "chosen": chosen,
            "in_progress": bool(request.session.get(SESSION_KEY)),
            "service_errors": (_step_errors(referral, "child") or {}).get("__all__", []),
        },
    )


def _chosen_child(user, referral):
    child = referral.get("child") or {}
    if child.get("id"):
        return access.visible_children(user).filter(pk=child["id"]).first()
    if child.get("details"):
        return _unsaved_child(child["details"])
    return None


def _unsaved_child(details) -> Child:
    def as_date(value):
        return date.fromisoformat(value) if value else None

    return Child(
        first_name=details["first_name"],
        last_name=details["last_name"],
        date_of_birth=as_date(details.get("date_of_birth")),
        expected_date_of_birth=as_date(details.get("expected_date_of_birth")),
        gender=details.get("gender") or Child.Gender.NOT_KNOWN,
        nhs_number=details.get("nhs_number") or None,
        address=details.get("address") or "",
        postcode=details.get("postcode") or "",
    )


def _possible_matches(user, details):
    """Children the user can see who may be this child: same NHS number, or same birthday and a similar name."""
    candidate = _unsaved_child(details)
    same = Q(pk__in=[c.pk for c in find_possible_duplicates(candidate)])
    nhs_number = normalise_nhs_number(details.get("nhs_number") or "")
    if nhs_number:
        same |= Q(nhs_number=nhs_number)
    return list(access.visible_children(user).filter(same).order_by("last_name", "first_name", "id"))


@login_required
def referral_child_details(request):
    """Page 1b: a child not found in the search."""
    _may_refer(request.user)
    referral = _referral(request)
    current = referral.get("new_child") or (referral.get("child") or {}).get("details")
    if request.method == "POST":
        form = ChildDetailsForm(request.POST)
        if form.is_valid():
            details = form.stored()
            referral["new_child"] = details
            referral.pop("child", None)
            _clear_errors(referral, "child")
            _clear_errors(referral, "child_details")
            if _possible_matches(request.user, details):
                _keep(request, referral)
                return redirect(_step_url("matches", change=_changing(request)))
            referral["child"] = {"details": details}
            _keep(request, referral)
            return _go_on(request, referral, "child")
    else:
        form = _step_form(
            ChildDetailsForm, ChildDetailsForm.initial_from(current), _step_errors(referral, "child_details")
        )
    return _render_step(request, "referrals/new/child_details.html", {"form": form})


@login_required
def referral_matches(request):
    """Page 1c: before accepting new details, show children already recorded who may be the same child."""
    _may_refer(request.user)
    referral = _referral(request)
    details = referral.get("new_child")
    if not details:
        return redirect(STEP_URL["child"])
    matches = _possible_matches(request.user, details)
    if not matches:
        referral["child"] = {"details": details}
        _keep(request, referral)
        return _go_on(request, referral, "child")
    form = MatchForm(request.POST if request.method == "POST" else None, matches=matches)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        referral["child"] = {"details": details} if choice == "new" else {"id": int(choice)}
        _keep(request, referral)
        return _go_on(request, referral, "child")
    if request.method == "GET":
        record_search(
            user=request.user,
            what="page:referral-possible-matches",
            query=f"{details['first_name']} {details['last_name']} {details.get('date_of_birth') or ''}".strip(),
            child_ids=[c.pk for c in matches],
        )
    return _render_step(
        request, "referrals/new/matches.html", {"form": form, "matches": matches, "details": _unsaved_child(details)}
    )


def _member_entered(post) -> bool:
    keys = ("name", "relationship", "date_of_birth_day", "date_of_birth_month", "date_of_birth_year", "is_child")
    return any((post.get(k) or "").strip() for k in keys)


@login_required
def referral_household(request):
    """Page 2: other children and adults in the household, added one at a time (optional)."""
    _may_refer(request.user)
    referral = _referral(request)
    household = referral.setdefault("household", [])
    form = HouseholdMemberForm()
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                household.pop(int(request.POST["remove"]))
            except (ValueError, IndexError):
                pass
            _keep(request, referral)
            return redirect(request.get_full_path())
        action = request.POST.get("action")
        if action == "add" or _member_entered(request.POST):
            form = HouseholdMemberForm(request.POST)
            if form.is_valid() and len(household) >= limits.MAX_ITEMS:
                form.add_error("name", f"A referral can name at most {limits.MAX_ITEMS} people in the household")
            elif form.is_valid():
                household.append(form.stored())
                referral["household_seen"] = True
                _keep(request, referral)
                if action == "add":
                    messages.success(request, f"{form.cleaned_data['name']} added")
                    return redirect(request.get_full_path())
                return _go_on(request, referral, "household")
        else:
            referral["household_seen"] = True
            _keep(request, referral)
            return _go_on(request, referral, "household")
    return _render_step(
        request, "referrals/new/household.html", {"form": form, "household": _household_for_display(household)}
    )


def _household_for_display(household):
    return [{**m, "date_of_birth": _as_date(m.get("date_of_birth"))} for m in household or [] if isinstance(m, dict)]


def _form_step(request, step, template, *, default=None, extra=None):
    """A page of the referral that is one form saved whole into the session."""
    _may_refer(request.user)
    referral = _referral(request)
    form_class = STEP_FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            referral[step] = form.stored()
            _clear_errors(referral, step)
            _keep(request, referral)
            return _go_on(request, referral, step)
    else:
        form = _step_form(form_class, referral.get(step) or default, _step_errors(referral, step))
    return _render_step(request, template, {"form": form, **(extra or {})})


@login_required
def referral_concerns(request):
    return _form_step(request, "concerns", "referrals/new/concerns.html")


@login_required
def referral_consent(request):
    return _form_step(request, "consent", "referrals/new/consent.html")


@login_required
def referral_referrer(request):
    user = request.user
    now = timezone.localtime()
    default = {
        "name": user.display_name,
        "agency": user.agency.name if user.agency_id else "",
        "role": user.job_title or user.get_role_display(),
        "contact": user.email,
        "received_date": now.date().isoformat(),
        "received_time": now.strftime("%H:%M"),
    }
    return _form_step(request, "referrer", "referrals/new/referrer.html", default=default)


# Where each of the service's error fields is answered: (page, field on that page).
def _error_place(field):
    if field == "received_at":
        return "referrer", "received_date"
    if field == "referrer":
        return "referrer", "name"
    if field in ("concerns", "categories", "referrer_level"):
        return "concerns", field
    if field in ("consent", "consent_reason"):
        return "consent", field
    if field == "child":
        return "child", "__all__"
    if field.startswith("child."):
        name = field.split(".", 1)[1]
        return "child_details", name if name in ChildDetailsForm.base_fields else "__all__"
    return None, "__all__"


def _anchor(step, field):
    if field == "__all__" or step == "child":
        return "main-content"
    form_field = STEP_FORMS[step].base_fields[field]
    if isinstance(form_field, GovukDateField):
        return f"id_{field}_0"
    if getattr(form_field.widget, "input_type", "") in ("radio", "checkbox") and hasattr(form_field, "choices"):
        return f"id_{field}_0"
    return f"id_{field}"


def _contact_details(referral) -> services.ContactDetails:
    answers = referral["referrer"]
    received_at = timezone.make_aware(
        datetime.combine(date.fromisoformat(answers["received_date"]), time.fromisoformat(answers["received_time"]))
    )
    chosen = referral["child"]
    if chosen.get("id"):
        child = {"id": chosen["id"]}
    else:
        d = chosen["details"]
        child = {
            **{k: d.get(k) or "" for k in ("first_name", "last_name", "gender", "nhs_number", "address", "postcode")},
            "date_of_birth": date.fromisoformat(d["date_of_birth"]) if d.get("date_of_birth") else None,
            "expected_date_of_birth": (
                date.fromisoformat(d["expected_date_of_birth"]) if d.get("expected_date_of_birth") else None
            ),
        }
    concerns, consent = referral["concerns"], referral["consent"]
    return services.ContactDetails(
        received_at=received_at,
        referrer={k: answers[k] for k in ("name", "agency", "role", "contact")},
        child=child,
        concerns=concerns["concerns"],
        categories=concerns["categories"],
        referrer_level=int(concerns["referrer_level"]) if str(concerns.get("referrer_level")).isdigit() else None,
        consent=consent["consent"],
        consent_reason=consent["consent_reason"],
        household=referral.get("household") or [],
    )


def _grouped_errors(error: ValidationError) -> dict:
    """{page: {field: [messages]}} from a service's ValidationError."""
    grouped: dict[str, dict[str, list[str]]] = {}
    items = error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
    for field, messages_ in items:
        step, name = _error_place(field)
        grouped.setdefault(step or "check", {}).setdefault(name, []).extend(messages_)
    return grouped


def _error_links(grouped) -> list:
    links: list[dict[str, str]] = []
    for step in ["check", "child", "child_details", *ORDER[1:]]:
        for field, messages_ in (grouped.get(step) or {}).items():
            href = "#main-content" if step == "check" else _step_url(step, change=True, anchor=_anchor(step, field))
            links.extend({"message": m, "href": href} for m in messages_)
    return links


@login_required
def referral_check(request):
    """Check your answers, then send: the service receives the contact and starts its clocks."""
    _may_refer(request.user)
    referral = _referral(request)
    missing = _first_missing(referral)
    if missing:
        return redirect(STEP_URL[missing])
    if request.method == "POST":
        try:
            contact = services.receive_contact(received_by=request.user, details=_contact_details(referral))
        except ValidationError as error:
            referral["errors"] = _grouped_errors(error)
            _keep(request, referral)
        else:
            request.session.pop(SESSION_KEY, None)
            return redirect("referral-sent", pk=contact.pk)
    errors = referral.get("errors") or {}
    concerns, consent = referral["concerns"], referral["consent"]
    context = {
        "referral": referral,
        "child": _chosen_child(request.user, referral),
        "child_is_new": not (referral["child"] or {}).get("id"),
        "household": _household_for_display(referral.get("household")),
        "concerns": concerns,
        "categories": [ConcernCategory(c).label for c in concerns["categories"] if c in ConcernCategory.values],
        "level": dict(LEVELS).get(concerns.get("referrer_level") or "", ""),
        "consent_label": dict(ConsentForm.base_fields["consent"].choices).get(consent["consent"], ""),
        "consent": consent,
        "referrer": referral["referrer"],
        "received_at": datetime.combine(
            date.fromisoformat(referral["referrer"]["received_date"]),
            time.fromisoformat(referral["referrer"]["received_time"]),
        ),
        "error_links": _error_links(errors),
        "errors": errors,
    }
    return render(request, "referrals/new/check.html", context)


@login_required
def referral_sent(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("child"), pk=pk, referrer_user=request.user)
    view = selectors.contact_view(request.user, contact)
    _log_read(request, contact, view, "page:referral-sent")
    deadline = _decision_deadline(contact)
    return render(
        request, "referrals/new/sent.html", {"contact": contact, "due": due_text(deadline) if deadline else ""}
    )


@login_required
def my_referrals(request):
    if not access.sees_case_content(request.user):
        raise PermissionDenied
    page = Paginator(selectors.my_referrals(user=request.user), 50).get_page(request.GET.get("page"))
    rows = list(page)
    record_search(user=request.user, what="page:my-referrals", query="", child_ids=[c.child_id for c in rows])
    return render(request, "referrals/my_referrals.html", {"page": page})


# --- Triage ----------------------------------------------------------------------


@login_required
def triage_queue(request):
    if request.user.role not in MASH_ROLES:
        raise PermissionDenied
    form = TriageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    contacts = selectors.triage_queue(
        user=request.user, now=now, **{k: filters.get(k) or None for k in ("rag", "due", "allocation", "age_band")}
    )
    # Counts stop 1,000 rows past the page: an exact count of a 100,000-contact queue costs more than the page.
    page = CappedPaginator(contacts, 50, number=request.GET.get("page")).get_page(request.GET.get("page"))
    today = timezone.localdate(now)
    for contact in page:
        contact.overdue = contact.decision_due is not None and contact.decision_due <= now
        contact.due_label = _due_label(contact.decision_due, today=today)
    breaches = selectors.breach_count(user=request.user, now=now, cap=selectors.COUNT_CAP)
    record_search(
        user=request.user, what="page:triage-queue", query=request.GET.urlencode(), child_ids=[c.child_id for c in page]
    )
    return render(
        request,
        "referrals/triage.html",
        {
            "form": form,
            "page": page,
            "breaches": breaches,
            "breaches_capped": breaches > selectors.COUNT_CAP,
            "count_cap": selectors.COUNT_CAP,
            "filtered": any(filters.values()),
        },
    )


@login_required
@require_http_methods(["POST"])
def contact_allocate(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="contact:allocate", action=WRITE, log=False)
    if refusal:
        return refusal
    _require_holder(request, contact)
    try:
        services.allocate(contact=contact, by=request.user, to=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Contact about {contact.child.full_name} allocated to you")
    return redirect(_safe_next(request, reverse("contact-detail", args=[contact.pk])))


# --- The contact page --------------------------------------------------------------


def _history(contact, rag_changes, checks, decision, feedback, disagreements):
    """Everything that happened to the contact, oldest first."""
    events = [(contact.received_at, "Contact received", contact.referrer_name, "")]
    for change in rag_changes:
        to = Contact.Rag(change.to_rag).label
        what = (
            f"Rated {to.lower()}"
            if not change.from_rag
            else f"Rating changed from {Contact.Rag(change.from_rag).label.lower()} to {to.lower()}"
        )
        events.append((change.changed_at, what, change.changed_by.display_name, change.rationale))
    for check in checks:
        events.append(
            (check.requested_at, f"{check.get_kind_display()} check requested", check.requested_by.display_name, "")
        )
        if check.responded_at:
            who = check.responded_by.display_name if check.responded_by else "Answered from the records"
            events.append(
                (
                    check.responded_at,
                    f"{check.get_kind_display()} check answered: {check.get_result_display()}",
                    who,
                    check.response,
                )
            )
    if decision:
        events.append(
            (
                decision.decided_at,
                f"Decision recorded: {decision.get_outcome_display()}",
                decision.decided_by.display_name,
                decision.rationale,
            )
        )
        if decision.authorised_at:
            events.append((decision.authorised_at, "Decision authorised", decision.authorised_by.display_name, ""))
    for item in feedback:
        events.append(
            (item.sent_at, "Feedback sent to the referrer", item.sent_by.display_name, f"{item.outcome} {item.reasons}")
        )
    for disagreement in disagreements:
        events.append(
            (
                disagreement.raised_at,
                "Referrer challenged the decision",
                disagreement.raised_by.display_name,
                disagreement.reason,
            )
        )
        for answer in disagreement.responses.all():
            events.append(
                (
                    answer.responded_at,
                    f"Response at {answer.get_stage_display().lower()} stage",
                    answer.responded_by.display_name,
                    answer.response,
                )
            )
        if disagreement.resolved_at:
            events.append((disagreement.resolved_at, "Challenge resolved", "", disagreement.resolution))
    events.sort(key=lambda e: e[0])
    nbsp = "\u00a0"  # keep "23 Nov 2026" on one line in a narrow column
    return [
        {
            "when": when,
            "day": nbsp.join(f"{timezone.localtime(when):%d %b %Y}".lstrip("0").split()),
            "what": what,
            "who": who,
            "detail": detail,
        }
        for when, what, who, detail in events
    ]


STAGES = list(Disagreement.Stage)


def _as_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _disagreements(request, contact, bound):
    user = request.user
    rows = list(
        contact.disagreements.select_related("raised_by")
        .prefetch_related(Prefetch("responses", queryset=DisagreementResponse.objects.select_related("responded_by")))
        .order_by("raised_at")
    )
    for d in rows:
        is_open = d.status == Disagreement.Status.OPEN
        holds_stage = user.role in services.STAGE_ROLES[d.stage] and user.agency_id == contact.agency_id
        d.can_respond = is_open and holds_stage
        d.can_escalate = is_open and d.raised_by_id == user.pk and d.stage < Disagreement.Stage.HEAD_OF_SERVICE
        d.can_resolve = is_open and (d.raised_by_id == user.pk or user.role in services.STAGE_ROLES[d.stage])
        d.respond_form = bound.get(("respond", d.pk)) or DisagreementResponseForm(prefix=f"respond-{d.pk}")
        d.resolve_form = bound.get(("resolve", d.pk)) or ResolveForm(prefix=f"resolve-{d.pk}")
        answers = list(d.responses.all())
        d.ladder = [
            {
                "number": stage.value,
                "label": stage.label,
                "state": "done"
                if stage < d.stage or (stage == d.stage and not is_open)
                else "current"
                if stage == d.stage
                else "later",
                "responses": [a for a in answers if a.stage == stage],
            }
            for stage in STAGES
        ]
    return rows


def _render_detail(request, contact, view, *, bound=None, failed=None):
    """The contact page, logged as one read. `bound` holds a form posted with errors, shown in place."""
    bound = bound or {}
    _log_read(request, contact, view, "page:contact")
    user = request.user
    decision = getattr(contact, "decision", None)
    feedback = list(contact.feedback.select_related("sent_by"))
    disagreements = _disagreements(request, contact, bound)
    is_referrer = contact.referrer_user_id == user.pk
    context = {
        "contact": contact,
        "view": view,
        "form": failed,  # the form posted with errors: the page title and error summary use it
        "decision": decision,
        "authorised": decision if decision and decision.authorised_at else None,
        "feedback": feedback,
        "disagreements": disagreements,
        "may_challenge": is_referrer
        and not contact.is_open
        and not any(d.status == Disagreement.Status.OPEN for d in disagreements),
    }
    if view.level != selectors.FULL:
        return render(request, "referrals/contact_referrer.html", context)

    rag_changes = list(contact.rag_changes.select_related("changed_by"))
    checks = list(contact.checks.select_related("requested_by", "responded_by"))
    for check in checks:
        check.form = bound.get(("check", check.pk)) or CheckResponseForm(prefix=f"check-{check.pk}")
    deadline = _decision_deadline(contact)
    holds = services.holds_contact(user, contact)
    household = _household_for_display(contact.household)
    context.update(
        {
            "holds": holds,
            "child_visible": access.decide(user, contact.child).allowed,
            "deadline": deadline,
            "deadline_text": due_text(deadline) if deadline else "",
            "deadline_overdue": bool(deadline and deadline.is_open and deadline.due_at <= timezone.now()),
            "categories": [ConcernCategory(c).label for c in contact.categories if c in ConcernCategory.values],
            "level": dict(LEVELS).get(str(contact.referrer_level or ""), ""),
            "household": household,
            "rag_form": bound.get("rag") or RagForm(prefix="rag", initial={"rag": contact.rag}),
            "check_form": bound.get("check") or CheckRequestForm(prefix="check", asked=[c.kind for c in checks]),
            "checks": checks,
            "all_checks_asked": len(checks) >= len(AgencyCheck.Kind.values),
            "may_authorise": holds and user.is_manager and decision and not decision.authorised_at,
            "history": _history(contact, rag_changes, checks, decision, feedback, disagreements),
        }
    )
    return render(request, "referrals/contact_detail.html", context)


@login_required
def contact_detail(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="page:contact", full=False, log=False)
    if refusal:
        return refusal
    return _render_detail(request, contact, view)


def _post_action(request, pk, what, *, full=True):
    contact, view, refusal = _open_contact(request, pk, what=what, full=full, action=WRITE, log=False)
    return contact, view, refusal


@login_required
@require_http_methods(["POST"])
def contact_rag(request, pk):
    contact, view, refusal = _post_action(request, pk, "contact:rag")
    if refusal:
        return refusal
    _require_holder(request, contact)
    form = RagForm(request.POST, prefix="rag")
    if form.is_valid():
        try:
            services.set_rag(
                contact=contact, by=request.user, rag=form.cleaned_data["rag"], rationale=form.cleaned_data["rationale"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Rating saved")
            return redirect("contact-detail", pk=contact.pk)
    return _render_detail(request, contact, view, bound={"rag": form}, failed=form)


@login_required
@require_http_methods(["POST"])
def contact_check_request(request, pk):
    contact, view, refusal = _post_action(request, pk, "contact:check")
    if refusal:
        return refusal
    _require_holder(request, contact)
    form = CheckRequestForm(request.POST, prefix="check", asked=list(contact.checks.values_list("kind", flat=True)))
    if form.is_valid():
        try:
            check = services.request_check(contact=contact, by=request.user, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{check.get_kind_display()} check requested")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#checks")
    return _render_detail(request, contact, view, bound={"check": form}, failed=form)


@login_required
@require_http_methods(["POST"])
def contact_check_respond(request, pk, check_pk):
    contact, view, refusal = _post_action(request, pk, "contact:check-response")
    if refusal:
        return refusal
    check = get_object_or_404(AgencyCheck, pk=check_pk, contact=contact)
    form = CheckResponseForm(request.POST, prefix=f"check-{check.pk}")
    if form.is_valid():
        try:
            services.respond_to_check(check=check, by=request.user, response=form.cleaned_data["response"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{check.get_kind_display()} check response saved")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#checks")
    return _render_detail(request, contact, view, bound={("check", check.pk): form}, failed=form)


@login_required
def contact_decision(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="page:contact-decision", log=request.method == "GET")
    if refusal:
        return refusal
    _require_holder(request, contact)
    decision = getattr(contact, "decision", None)
    initial = {"outcome": decision.outcome, "rationale": decision.rationale} if decision else {}
    form = DecisionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.record_decision(contact=contact, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if made.authorised_at:
                    messages.success(request, "Decision recorded. It is final.")
                else:
                    messages.success(request, "Decision recorded. A MASH manager needs to authorise it.")
                return redirect("contact-detail", pk=contact.pk)
        _log_read(request, contact, view, "page:contact-decision")
    deadline = _decision_deadline(contact)
    return render(
        request,
        "referrals/decision.html",
        {
            "contact": contact,
            "form": form,
            "decision": decision,
            "deadline_text": due_text(deadline) if deadline else "",
            "checks": list(contact.checks.all()),
        },
    )


@login_required
@require_http_methods(["POST"])
def contact_authorise(request, pk):
    contact, view, refusal = _post_action(request, pk, "contact:authorise")
    if refusal:
        return refusal
    _require_holder(request, contact)
    try:
        services.authorise_decision(contact=contact, by=request.user)
    except Decision.DoesNotExist:
        messages.error(request, "There is no decision to authorise yet")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Decision authorised")
    return redirect("contact-detail", pk=contact.pk)


@login_required
def contact_feedback(request, pk):
    contact, view, refusal = _open_contact(request, pk, what="page:contact-feedback", log=request.method == "GET")
    if refusal:
        return refusal
    _require_holder(request, contact)
    decision = getattr(contact, "decision", None)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.send_feedback(contact=contact, by=request.user, reasons=form.cleaned_data["reasons"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Feedback sent to the referrer")
                return redirect("contact-detail", pk=contact.pk)
        _log_read(request, contact, view, "page:contact-feedback")
    return render(
        request,
        "referrals/feedback.html",
        {
            "contact": contact,
            "form": form,
            "decision": decision if decision and decision.authorised_at else None,
            "words": services.FEEDBACK_WORDS.get(decision.outcome, "") if decision else "",
            "sent": list(contact.feedback.select_related("sent_by")),
        },
    )


@login_required
def contact_challenge(request, pk):
    contact, view, refusal = _open_contact(
        request, pk, what="page:contact-challenge", full=False, log=request.method == "GET"
    )
    if refusal:
        return refusal
    if contact.referrer_user_id != request.user.pk:
        raise PermissionDenied
    decision = getattr(contact, "decision", None)
    form = ChallengeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.raise_disagreement(contact=contact, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your challenge has been sent. The MASH worker will respond.")
                return redirect("contact-detail", pk=contact.pk)
        _log_read(request, contact, view, "page:contact-challenge")
    return render(
        request,
        "referrals/challenge.html",
        {"contact": contact, "form": form, "decision": decision if decision and decision.authorised_at else None},
    )


def _disagreement(request, pk, d_pk, what):
    contact, view, refusal = _post_action(request, pk, what, full=False)
    if refusal:
        return None, None, None, refusal
    return contact, view, get_object_or_404(Disagreement, pk=d_pk, contact=contact), None


@login_required
@require_http_methods(["POST"])
def disagreement_respond(request, pk, d_pk):
    contact, view, disagreement, refusal = _disagreement(request, pk, d_pk, "contact:disagreement-response")
    if refusal:
        return refusal
    form = DisagreementResponseForm(request.POST, prefix=f"respond-{disagreement.pk}")
    if form.is_valid():
        try:
            services.respond_to_disagreement(
                disagreement=disagreement, by=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Response saved. The referrer has been told.")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#challenges")
    return _render_detail(request, contact, view, bound={("respond", disagreement.pk): form}, failed=form)


@login_required
@require_http_methods(["POST"])
def disagreement_escalate(request, pk, d_pk):
    contact, view, disagreement, refusal = _disagreement(request, pk, d_pk, "contact:disagreement-escalate")
    if refusal:
        return refusal
    try:
        disagreement = services.escalate_disagreement(disagreement=disagreement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Challenge escalated to the {disagreement.get_stage_display().lower()}")
    return redirect(reverse("contact-detail", args=[contact.pk]) + "#challenges")


@login_required
@require_http_methods(["POST"])
def disagreement_resolve(request, pk, d_pk):
    contact, view, disagreement, refusal = _disagreement(request, pk, d_pk, "contact:disagreement-resolve")
    if refusal:
        return refusal
    form = ResolveForm(request.POST, prefix=f"resolve-{disagreement.pk}")
    if form.is_valid():
        try:
            services.resolve_disagreement(
                disagreement=disagreement, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Challenge marked as resolved")
            return redirect(reverse("contact-detail", args=[contact.pk]) + "#challenges")
    return _render_detail(request, contact, view, bound={("resolve", disagreement.pk): form}, failed=form)
