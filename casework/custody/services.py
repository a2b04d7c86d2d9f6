"""Police custody, the appropriate adult's form and PACE accommodation (seed 000 ¶10–12; the
Appropriate Adult Screening Practice Guidance, 000 L2489–2633; the PACE Bed Procedures, 000
L5780–5884; domain notes part A P16–P18, part B PB1–PB6; somerset-vs-lancashire §1.4).

Every rule of this part lives here. Pages, the API and any task call these functions, which
check who may write (the child and youth justice service), refuse with plain-English
field-keyed ValidationErrors, tell the right people in the app and log each write.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_log_last
from accounts.models import Agency, Role, User
from casework.text import when_text
from notifications.clocks import calendar_for, office_hours_for
from notifications.services import notify
from referrals.models import ConcernCategory, Contact
from referrals.services import ContactDetails, receive_contact

from ..justice.sharing import may_write_youth_justice, protocol_for
from ..models import AppropriateAdultScreening, CustodyEpisode, Involvement, PaceAccommodationRequest
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError
from ..who_works_with import (
    acting_agency,
    allocated_involvement,
    allocated_worker,
    is_known,
    manager_of_work,
    open_involvements,
)

AA = CustodyEpisode.AppropriateAdult
Route = AppropriateAdultScreening.Route
Consent = AppropriateAdultScreening.Consent
PaceOutcome = PaceAccommodationRequest.Outcome

# 000 ¶12.1, PB1–PB2: who the police ask for accommodation.
CYJS_TEAM = "Child and youth justice service"
EMERGENCY_DUTY_TEAM = "Emergency duty team"
# A few minutes' grace for clocks that differ between the police station and the server.
FUTURE_GRACE = timedelta(minutes=5)
# PB3 (L5835): a secure PACE bed only for a child of 12 or over.
SECURE_MIN_AGE = 12
# L2503: strip-search forms go to the CYJS senior managers.
SENIOR_ROLES = (Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE)
# Step 4 (L2559–2569): the answers allowed for a level-4 MASH referral.
MASH_CONSENTS = (Consent.GIVEN, Consent.REFUSED, Consent.NOT_SOUGHT, Consent.UNCONTACTABLE)
# Routes that send nothing to another team and need no consent.
NO_CONSENT_ROUTES = (Route.ALLOCATED_WORKER, Route.OTHER_AUTHORITY, Route.NONE)
HAS_ALLOCATED_WORKER = "This child has an allocated social worker: share it with them"


def _writer(by, child):
    """Custody, screening and PACE records are the child and youth justice service's (000 ¶10–12;
    casework/justice/sharing.py)."""
    decision = require_access(by, child)
    if not may_write_youth_justice(by):
        raise PermissionDenied("Only the child and youth justice service records police custody")
    return decision


def _cyjs_agency(by, child) -> Agency:
    agency = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    if agency is None:
        raise ValidationError("Record this as a worker of the child and youth justice service")
    return agency


def _not_future(value, field, message, errors):
    if value is not None and value > timezone.now() + FUTURE_GRACE:
        errors[field] = message


def _age_on(child, moment) -> int | None:
    if child.date_of_birth is None:
        return None
    return relativedelta(timezone.localdate(moment), child.date_of_birth).years


def is_looked_after(child) -> bool:
    """Looked after by any authority's social care: the appropriate adult a looked-after child in police custody
    needs (000 ¶11.1) does not depend on which authority looks after them."""
    return open_involvements(child, Agency.Kind.CSC).filter(kind=Involvement.Kind.CLA).exists()


def _senior_managers(agency):
    return User.objects.filter(agency=agency, role__in=SENIOR_ROLES, is_active=True).order_by("id")


# --- Custody episodes (000 ¶10–11, P16) ---------------------------------------------------------


def custody_warnings(episode) -> list[str]:
    """What the worker should look at again; never a refusal (000 ¶11.1)."""
    warnings = []
    if episode.appropriate_adult == AA.NONE:
        if is_looked_after(episode.child):
            warnings.append(
                "This child is looked after: an appropriate adult always attends when a looked-after child is in police custody"
            )
        age = _age_on(episode.child, episode.arrested_at)
        if age is None or age < 18:
            warnings.append("No appropriate adult is recorded. Every child under 18 in police custody must have one")
    return warnings


def _check_episode(values, child, errors):
    arrested_at = values.get("arrested_at")
    if arrested_at is None:
        errors["arrested_at"] = "Enter when the child was arrested"
    _not_future(
        arrested_at, "arrested_at", "The arrest must have happened already: enter a time today or in the past", errors
    )
    if "custody_suite" in values and not (values.get("custody_suite") or "").strip():
        errors["custody_suite"] = "Enter the police station or custody suite"
    if values.get("appropriate_adult") and values["appropriate_adult"] not in AA.values:
        errors["appropriate_adult"] = "Choose who acted as the appropriate adult"
    if values.get("outcome") and values["outcome"] not in CustodyEpisode.Outcome.values:
        errors["outcome"] = "Choose what happened when the child left custody"
    left = values.get("left_custody_at")
    if left is not None:
        _not_future(left, "left_custody_at", "The time the child left custody must be today or in the past", errors)
        if arrested_at is not None and left < arrested_at:
            errors["left_custody_at"] = f"The child cannot leave custody before the arrest ({when_text(arrested_at)})"


def _tell_senior_managers_of_strip_search(episode):
    """L2503: all strip-search forms are forwarded to the CYJS senior managers."""
    told = []
    for manager in _senior_managers(episode.agency):
        notify(
            recipient=manager,
            subject="A child was strip-searched in police custody",
            body=f"Custody at {episode.custody_suite} from {when_text(episode.arrested_at)}.",
            link=reverse("custody-detail", args=[episode.pk]),
        )
        told.append(manager)
    return told


@access_log_last()
def record_custody_episode(
    *,
    child,
    by,
    arrested_at,
    custody_suite,
    offence_summary="",
    seen_by_liaison_and_diversion=None,
    appropriate_adult="",
    appropriate_adult_name="",
    police_safeguarding_report=None,
    strip_searched=False,
) -> CustodyEpisode:
    """Record that the child was detained by the police (000 ¶10.1, ¶11.1; P16).

    The returned episode carries `.warnings` (no appropriate adult for a child, or for a
    looked-after child; 000 ¶11.1) and `.told` (the CYJS senior managers told of a strip
    search, L2503).
    """
    _writer(by, child)
    episode = create_custody_episode(
        child=child,
        agency=_cyjs_agency(by, child),
        by=by,
        arrested_at=arrested_at,
        custody_suite=custody_suite,
        offence_summary=offence_summary,
        seen_by_liaison_and_diversion=seen_by_liaison_and_diversion,
        appropriate_adult=appropriate_adult,
        appropriate_adult_name=appropriate_adult_name,
        police_safeguarding_report=police_safeguarding_report,
        strip_searched=strip_searched,
    )
    log_write(by, child, "custody:create", detail=f"custody episode {episode.pk}")
    return episode


def create_custody_episode(
    *,
    child,
    agency,
    by,
    arrested_at,
    custody_suite,
    offence_summary="",
    seen_by_liaison_and_diversion=None,
    appropriate_adult="",
    appropriate_adult_name="",
    police_safeguarding_report=None,
    strip_searched=False,
) -> CustodyEpisode:
    """The episode's checks, the record, the strip-search notices and the warnings, for `agency` (a CYJS).

    Who may record it and the access log are the caller's: `record_custody_episode` (a CYJS worker) and
    the police's notification of a child new to CYJS (casework.intake.services.notify_police_custody).
    """
    values = {
        "arrested_at": arrested_at,
        "custody_suite": custody_suite,
        "appropriate_adult": appropriate_adult or "",
    }
    errors: dict[str, str] = {}
    _check_episode(values, child, errors)
    if errors:
        raise ValidationError(errors)
    episode = CustodyEpisode.objects.create(
        child=child,
        agency=agency,
        arrested_at=arrested_at,
        custody_suite=custody_suite.strip(),
        offence_summary=(offence_summary or "").strip(),
        seen_by_liaison_and_diversion=seen_by_liaison_and_diversion,
        appropriate_adult=appropriate_adult or "",
        appropriate_adult_name=(appropriate_adult_name or "").strip(),
        police_safeguarding_report=police_safeguarding_report,
        strip_searched=bool(strip_searched),
        created_by=by,
    )
    episode.told = _tell_senior_managers_of_strip_search(episode) if episode.strip_searched else []
    episode.warnings = custody_warnings(episode)
    return episode


EPISODE_EDITABLE = (
    "arrested_at",
    "custody_suite",
    "offence_summary",
    "seen_by_liaison_and_diversion",
    "appropriate_adult",
    "appropriate_adult_name",
    "police_safeguarding_report",
    "strip_searched",
    "left_custody_at",
    "outcome",
)
EPISODE_TEXT = ("custody_suite", "offence_summary", "appropriate_adult_name", "appropriate_adult", "outcome")


@access_log_last()
def update_custody_episode(*, episode, by, expected_version, data: dict) -> CustodyEpisode:
    """Change the episode: above all when the child left custody and with what outcome (000 ¶10).

    A strip search recorded now tells the CYJS senior managers, as at creation (L2503).
    """
    episode = (
        CustodyEpisode.objects.select_for_update(of=("self",)).select_related("child", "agency").get(pk=episode.pk)
    )
    _writer(by, episode.child)
    unknown = set(data) - set(EPISODE_EDITABLE)
    if unknown:
        raise ValidationError({name: "This cannot be changed here" for name in sorted(unknown)})
    data = {k: ((v or "").strip() if k in EPISODE_TEXT else v) for k, v in data.items()}
    if "strip_searched" in data:
        data["strip_searched"] = bool(data["strip_searched"])
    merged = {name: getattr(episode, name) for name in EPISODE_EDITABLE} | data
    errors: dict[str, str] = {}
    _check_episode(merged, episode.child, errors)
    if merged.get("outcome") and merged.get("left_custody_at") is None:
        errors["left_custody_at"] = "Enter when the child left custody"
    if errors:
        raise ValidationError(errors)
    newly_strip_searched = data.get("strip_searched") and not episode.strip_searched
    changes = {name: value for name, value in data.items() if getattr(episode, name) != value}
    save_if_unchanged(episode, expected_version=expected_version, fields=changes)
    episode.told = _tell_senior_managers_of_strip_search(episode) if newly_strip_searched else []
    episode.warnings = custody_warnings(episode)
    log_write(by, episode.child, "custody:update", detail="changed: " + (", ".join(sorted(changes)) or "nothing"))
    return episode


# --- The appropriate adult's form (000 ¶11.3, L2489–2633, P17) --------------------------------------


def _case_manager_and_team_manager(child, authority):
    """Step 1.5 (L2505): the allocated CYJS case manager and their team manager, of an open CYJS involvement."""
    involvement = allocated_involvement(child, Agency.Kind.CYJS, authority=authority) or (
        open_involvements(child, Agency.Kind.CYJS, authority=authority).select_related("team__manager").first()
    )
    if involvement is None:
        return None, None
    return involvement.allocated_worker, manager_of_work(involvement)


@access_log_last()
def receive_aa_form(*, episode, by, form_received_at, concern_flagged_by_aa) -> AppropriateAdultScreening:
    """Step 1 (L2499–2505): the appropriate adult's outcome form arrives for screening.

    Works out whether the child is known to CSC and to CYJS (open, or in the past 6 months) and,
    for a child open to CYJS, tells the allocated case manager and their team manager in the app.
    The screening carries `.told`.
    """
    episode = (
        CustodyEpisode.objects.select_for_update(of=("self",))
        .select_related("child", "agency__authority")
        .get(pk=episode.pk)
    )
    child = episode.child
    _writer(by, child)
    if AppropriateAdultScreening.objects.filter(episode=episode).exists():
        raise ValidationError("The appropriate adult's form for this custody episode has already been received")
    errors = {}
    if form_received_at is None:
        errors["form_received_at"] = "Enter when the form was received"
    else:
        _not_future(
            form_received_at,
            "form_received_at",
            "The form must have been received already: enter a time today or in the past",
            errors,
        )
        if "form_received_at" not in errors and form_received_at < episode.arrested_at:
            errors["form_received_at"] = f"The form cannot arrive before the arrest ({when_text(episode.arrested_at)})"
    if concern_flagged_by_aa is None:
        errors["concern_flagged_by_aa"] = "Say whether the appropriate adult raised a safeguarding concern"
    if errors:
        raise ValidationError(errors)
    authority = episode.agency.authority
    screening = AppropriateAdultScreening.objects.create(
        episode=episode,
        child=child,
        form_received_at=form_received_at,
        concern_flagged_by_aa=bool(concern_flagged_by_aa),
        known_to_csc=is_known(Agency.Kind.CSC, child, authority=authority),
        known_to_cyjs=is_known(Agency.Kind.CYJS, child, authority=authority),
    )
    told = []
    worker, manager = _case_manager_and_team_manager(child, authority)
    link = reverse("aa-screening", args=[episode.pk])
    flagged = " The appropriate adult raised a safeguarding concern." if screening.concern_flagged_by_aa else ""
    for person in (worker, manager):
        if person is not None and person.pk != by.pk and person not in told:
            notify(
                recipient=person,
                subject="A child you work with was in police custody",
                body=f"The appropriate adult's form has arrived for screening.{flagged}",
                link=link,
            )
            told.append(person)
    screening.told = told
    log_write(by, child, "aa-screening:receive", detail=f"custody episode {episode.pk}, {len(told)} told")
    return screening


def _yes_no_unknown(value, yes, no, unknown="not known") -> str:
    return {True: yes, False: no}.get(value, unknown)


def contact_concerns(screening, findings, consent, consent_reason) -> str:
    """The referral as Step 5's email template has it (L2599–2615): the findings, the custody, the police
    safeguarding report (L2539), consent and what CYJS knows of the child."""
    episode = screening.episode
    lines = [
        findings.strip(),
        "",
        f"In police custody at {episode.custody_suite} from {when_text(episode.arrested_at)}.",
    ]
    if episode.offence_summary:
        lines.append(f"Offence: {episode.offence_summary}")
    adult = episode.get_appropriate_adult_display() if episode.appropriate_adult else "Not recorded"
    if episode.appropriate_adult_name:
        adult += f" ({episode.appropriate_adult_name})"
    lines += [
        f"Appropriate adult: {adult}.",
        "Police Safeguarding Report: "
        + _yes_no_unknown(episode.police_safeguarding_report, "completed", "not completed")
        + ".",
        "Seen by Liaison and Diversion: " + _yes_no_unknown(episode.seen_by_liaison_and_diversion, "yes", "no") + ".",
    ]
    if episode.strip_searched:
        lines.append("The child was strip-searched.")
    if screening.concern_flagged_by_aa:
        lines.append("The appropriate adult raised a safeguarding concern.")
    consent_text = f"Consent: {Consent(consent).label}."
    if consent_reason:
        consent_text += f" {consent_reason.strip()}"
    lines.append(consent_text)
    lines.append("Known to the child and youth justice service: " + ("yes" if screening.known_to_cyjs else "no") + ".")
    lines.append("Known to children's social care: " + ("yes" if screening.known_to_csc else "no") + ".")
    return "\n".join(line for line in lines if line is not None).strip()


def _contact_consent(consent, consent_reason):
    """The screening's consent as the contact's. 'Could not contact the family' is the contact's own
    value (000 L2601: say why consent was not obtained, e.g. "unable to contact family"); the contact
    needs the reason, so one is written when the duty worker gave none."""
    if consent == Consent.UNCONTACTABLE:
        reason = (
            consent_reason or ""
        ).strip() or "The youth justice duty worker tried and could not contact the family."
        return Contact.Consent.UNCONTACTABLE, reason
    return consent, consent_reason or ""


def _send_to_mash(screening, by, findings, categories, consent, consent_reason) -> Contact:
    """Step 5 (L2595–2615): one prefilled level-4 contact to MASH, from police custody."""
    contact_consent, contact_reason = _contact_consent(consent, consent_reason)
    referrer = {
        "name": by.display_name,
        "agency": by.agency.name if by.agency_id else "Child and youth justice service",
        "role": by.job_title or by.get_role_display(),
        "contact": by.email or "",
    }
    details = ContactDetails(
        source=Contact.Source.POLICE_CUSTODY,
        received_at=timezone.now(),
        referrer=referrer,
        child={"id": screening.child_id},
        concerns=contact_concerns(screening, findings, consent, consent_reason),
        categories=list(categories),
        consent=contact_consent,
        consent_reason=contact_reason,
        referrer_level=4,
    )
    try:
        return receive_contact(received_by=by, details=details)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {("findings" if k == "concerns" else k): v for k, v in error.error_dict.items()}
            ) from error
        raise


@access_log_last()
def screen_aa_form(
    *, screening, by, expected_version, route, findings, consent="", consent_reason="", categories=()
) -> AppropriateAdultScreening:
    """Steps 2–6 (L2509–2625): the duty worker's screening and where it goes.

    - "allocated_worker" (Branch A, L2513): the child has an allocated social worker, who is told in the app;
    - "other_authority" (Branch B, L2521): recorded; the worker liaises with the home authority's front door;
    - "mash" (level 4, Step 5): one contact to MASH from police custody; refused when the child has an allocated
      social worker (000 ¶8.4), and sent only once;
    - "early_help" (levels 2 and 3): needs the family's consent (Step 4, L2559);
    - "none": no safeguarding concern, recorded only (Step 6).

    Consent for a MASH referral (Step 4): given, refused (the referral still goes, L2585), not sought
    (say why, L2563–2569) or the family could not be contacted (L2577).
    """
    screening = (
        AppropriateAdultScreening.objects.select_for_update(of=("self",))
        .select_related("child", "episode__agency__authority", "contact")
        .get(pk=screening.pk)
    )
    child = screening.child
    _writer(by, child)
    if screening.contact_id:
        raise ValidationError(
            {
                "route": f"A contact was already sent to MASH on {when_text(screening.contact.received_at)}. It cannot be sent again"
            }
        )
    if expected_version is not None and expected_version != screening.version:
        raise ConcurrentEditError(
            "Someone else changed this screening while you were working on it. Your changes were not saved."
        )
    errors = {}
    findings = (findings or "").strip()
    consent = consent or ""
    consent_reason = (consent_reason or "").strip()
    if route not in Route.values:
        errors["route"] = "Choose what happens next"
    if not findings:
        errors["findings"] = "Write what the screening found and what was done"
    unknown = set(categories) - set(ConcernCategory.values)
    if unknown:
        errors["categories"] = "Choose the kinds of concern from the list"
    social_worker = allocated_worker(child, Agency.Kind.CSC)
    if route == Route.ALLOCATED_WORKER and social_worker is None:
        errors["route"] = "This child has no allocated social worker. Choose another route"
    elif route == Route.MASH and social_worker is not None:
        errors["route"] = HAS_ALLOCATED_WORKER
    if route == Route.MASH:
        if consent not in MASH_CONSENTS:
            errors["consent"] = "Say whether the family consented to the referral"
        elif consent == Consent.NOT_SOUGHT and not consent_reason:
            errors["consent_reason"] = (
                "Say why consent was not sought: asking would put someone at risk, harm an investigation or delay enquiries"
            )
    elif route == Route.EARLY_HELP:
        if consent != Consent.GIVEN:
            errors["consent"] = "A request for support at levels 2 and 3 needs the family's consent"
    elif route in NO_CONSENT_ROUTES:
        consent, consent_reason = Consent.NOT_NEEDED, ""
    if errors:
        raise ValidationError(errors)

    fields = {
        "route": route,
        "findings": findings,
        "consent": consent,
        "consent_reason": consent_reason,
        "screened_at": timezone.now(),
        "screened_by": by,
        "shared_with": None,
    }
    if route == Route.ALLOCATED_WORKER:
        notify(
            recipient=social_worker,
            subject="A child you work with was in police custody",
            body="The child and youth justice service screened the appropriate adult's form. Add it to the child's social care record.",
            link=reverse("custody-detail", args=[screening.episode_id]),
        )
        fields["shared_with"] = social_worker
    elif route == Route.MASH:
        fields["contact"] = _send_to_mash(screening, by, findings, categories, consent, consent_reason)
    save_if_unchanged(screening, expected_version=None, fields=fields)
    log_write(by, child, "aa-screening:screen", detail=f"screening {screening.pk}, route {route}")
    return screening


# --- PACE accommodation (000 ¶12, PB1–PB6) --------------------------------------------------------------


def in_office_hours(moment, authority) -> bool:
    """PB1–PB2: office hours (08:45–17:00 unless the authority says otherwise) on a working day;
    weekends, bank holidays and closure days are out of hours."""
    local = timezone.localtime(moment)
    office = office_hours_for(authority)
    return calendar_for(authority).is_working_day(local.date()) and office.start <= local.time() < office.end


@access_log_last()
def request_pace_accommodation(*, episode, by, requested_at, secure_requested=False) -> PaceAccommodationRequest:
    """The police ask for accommodation for a charged child denied bail (000 ¶12.1, PB1–PB3).

    In office hours the police ask CYJS; otherwise the emergency duty team. A secure bed is only
    for a child of 12 or over (PB3, L5835).
    """
    episode = (
        CustodyEpisode.objects.select_for_update(of=("self",))
        .select_related("child", "agency__authority")
        .get(pk=episode.pk)
    )
    child = episode.child
    _writer(by, child)
    errors = {}
    if requested_at is None:
        errors["requested_at"] = "Enter when the police asked for accommodation"
    else:
        _not_future(
            requested_at,
            "requested_at",
            "The request must have been made already: enter a time today or in the past",
            errors,
        )
        if "requested_at" not in errors and requested_at < episode.arrested_at:
            errors["requested_at"] = f"The request cannot come before the arrest ({when_text(episode.arrested_at)})"
        elif episode.left_custody_at and requested_at > episode.left_custody_at:
            errors["requested_at"] = (
                f"The child left custody on {when_text(episode.left_custody_at)}, before this request"
            )
    if secure_requested:
        age = _age_on(child, requested_at or timezone.now())
        if age is not None and age < SECURE_MIN_AGE:
            errors["secure_requested"] = "A secure bed can be asked for only for a child aged 12 or over"
    if PaceAccommodationRequest.objects.filter(episode=episode, outcome="").exists():
        errors["requested_at"] = (
            "A request for accommodation is already open for this custody episode. Record its outcome first"
        )
    if errors:
        raise ValidationError(errors)
    in_hours = in_office_hours(requested_at, episode.agency.authority)
    request = PaceAccommodationRequest.objects.create(
        episode=episode,
        child=child,
        requested_at=requested_at,
        in_office_hours=in_hours,
        requested_of=CYJS_TEAM if in_hours else EMERGENCY_DUTY_TEAM,
        secure_requested=bool(secure_requested),
        recorded_by=by,
    )
    log_write(
        by, child, "pace-request:create", detail=f"request {request.pk}, {'in' if in_hours else 'out of'} office hours"
    )
    return request


def pace_lead_manager(request, by):
    """¶12.2: "the CYJS Team Manager with lead responsibility for PACE bed transfers" (domain notes part A
    P18.6), as the authority's protocol names them (`JointWorkingProtocol.pace_transfer_lead`, while active).
    An authority that names no one: the recorder's own CYJS team manager, else the CYJS agency's first
    team manager."""
    agency = request.episode.agency
    lead = protocol_for(agency.authority).pace_transfer_lead
    if lead is not None and lead.is_active:
        return lead
    if by.agency_id == agency.pk and by.team_id and by.team.manager_id:
        manager = by.team.manager
        if manager.role == Role.TEAM_MANAGER and manager.is_active:
            return manager
    return User.objects.filter(agency=agency, role=Role.TEAM_MANAGER, is_active=True).order_by("id").first()


def _lock_request(request):
    return (
        PaceAccommodationRequest.objects.select_for_update(of=("self",))
        .select_related("child", "episode__agency", "manager_told")
        .get(pk=request.pk)
    )


@access_log_last()
def record_pace_outcome(*, request, by, expected_version, outcome, reason="") -> PaceAccommodationRequest:
    """Where the child went (000 ¶12.1–12.2, PB1 step 5).

    A child who remained in police custody needs the reason and counts as held inappropriately:
    the CYJS team manager leading PACE transfers is told in the app (¶12.2; PB6).
    """
    request = _lock_request(request)
    child = request.child
    _writer(by, child)
    if request.outcome:
        raise ValidationError({"outcome": f"The outcome was recorded on {when_text(request.outcome_at)}"})
    if expected_version is not None and expected_version != request.version:
        raise ConcurrentEditError(
            "Someone else changed this request while you were working on it. Your changes were not saved."
        )
    reason = (reason or "").strip()
    errors = {}
    if outcome not in PaceOutcome.values:
        errors["outcome"] = "Choose where the child went"
    elif outcome == PaceOutcome.REMAINED_IN_CUSTODY and not reason:
        errors["reason"] = "Say why the child stayed in police custody"
    elif outcome == PaceOutcome.SECURE_BED and not request.secure_requested:
        errors["outcome"] = (
            "A secure bed was not asked for. Choose another outcome, or record a new request for a secure bed"
        )
    if errors:
        raise ValidationError(errors)
    fields = {"outcome": outcome, "outcome_at": timezone.now(), "reason": reason}
    if outcome == PaceOutcome.REMAINED_IN_CUSTODY:
        fields["held_inappropriately"] = True
        manager = pace_lead_manager(request, by)
        if manager is not None:
            notify(
                recipient=manager,
                subject="A child was held in police custody instead of being moved to accommodation",
                body=f"Reason: {reason}",
                link=reverse("pace-request-record", args=[request.pk]),
            )
        fields["manager_told"] = manager
    save_if_unchanged(request, expected_version=None, fields=fields)
    log_write(by, child, "pace-request:outcome", detail=f"request {request.pk}, {outcome}")
    return request


@access_log_last()
def record_pace_escalation(*, request, by, notes) -> PaceAccommodationRequest:
    """PB6 (L5871–5874): what the CYJS team manager raised with the custody sergeant (how long the child was
    held, needs not met, why detention was not appropriate). Each note is added, dated, to the record."""
    request = _lock_request(request)
    child = request.child
    _writer(by, child)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": "Write what was raised, with whom, and the answer"})
    entry = f"{when_text(timezone.now())}, {by.display_name}: {notes}"
    combined = f"{request.escalation_notes}\n\n{entry}" if request.escalation_notes else entry
    save_if_unchanged(request, expected_version=None, fields={"escalation_notes": combined})
    log_write(by, child, "pace-request:escalation", detail=f"request {request.pk}")
    return request
