"""Serious incidents: the authority's serious incident briefing, the Youth Justice Board notification,
telling local CSC and the MAPPA route (seed 000 ¶7.1–7.3 and its serious incident appendix L865–1165;
domain notes part A P8–P11, forms F3/F4; seed 003 L222–255, somerset-vs-lancashire §1.12).

Every rule of this part lives here. Pages, the API and any task call these keyword-only functions,
which check who may write, refuse with plain-English field-keyed ValidationErrors, start and stop
the clocks, tell people in the app and log each write.

The steps (P8 steps 1–11; P10 steps 1–9):

1. `start_incident`: the briefing is started by the service that completes it (000 ¶7.2–7.3).
   Known to CYJS only → CYJS completes it; known to CSC → the CSC social worker completes it
   (000 ¶7.2; the appendix's "discussion with the allocated CSC social worker ... who is best placed",
   L955, is left to the people: a CYJS user is refused and told to talk to the social worker, who
   then records it; an override with a recorded rationale would need a model field, see part A C2);
   known to neither → MASH leads (¶7.3): both services are refused and offered `send_to_mash`.
   Starts `serious_incident_briefing` (the same day, ¶7.1, L945). The death or serious harm of a
   child with abuse or neglect known or suspected starts `national_panel_notification` (5 working
   days from the authority becoming aware, L1005–1019). The YJB and MAPPA clocks count from the
   charge (see `start_charge_clocks`), so they start when the charge is recorded.
1a. `record_charge`: when the child was charged. Starts, or restarts from a corrected time, the YJB
   notice (`yjb_serious_incident_notification`: the same day, L1073; 24 hours in Somerset, 003
   L235; a death counts from awareness; the earlier of that and one working day from awareness,
   003 L226, applies), telling local CSC when CYJS notifies (`csc_told_of_serious_incident`, 003
   L239, the same time) and the MAPPA N form (`mappa_serious_further_offence`, 5 days, L1151).
2. `verify_criteria`: the team manager of the completing service checks the criteria (L937).
3. `quality_assure`: a team manager or senior manager, not the completer (L971). The model holds no
   "designated serious incident lead", so any team manager of the completing service counts.
4. `submit_incident`: a senior manager or head of service submits (L975; P10 step 4); this stops the
   briefing clock and tells the service's head of service and senior managers in the app.
5. `record_yjb_notified`, `record_csc_told`, `record_mappa_notified`, `record_panel_notified`: the
   external notifications (P10 steps 4–5; 003 L239; P11, L985, L1151; L1019), each stopping its clock.
6. `record_learning`: immediate actions and the case audit / learning plan (L993–997).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.access import is_administrator
from accounts.audit import access_log_last
from accounts.models import Agency, Role, User
from casework.text import when_text
from notifications.clocks import cancel_clock, plan_clock, start_clock, stop_clock
from notifications.services import notify
from referrals.models import ConcernCategory, Contact
from referrals.services import ContactDetails, receive_contact

from ..justice.sharing import may_write_youth_justice
from ..models import Involvement, SeriousIncident
from ..permissions import may_record_social_care_work
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError
from ..who_works_with import is_known, open_involvements

KnownTo = SeriousIncident.KnownTo
Status = SeriousIncident.Status
Category = SeriousIncident.Category

BRIEFING = "serious_incident_briefing"
YJB = "yjb_serious_incident_notification"
CSC_TOLD = "csc_told_of_serious_incident"
YJB_WORKING_DAY = "yjb_serious_incident_working_day"
MAPPA = "mappa_serious_further_offence"
PANEL = "national_panel_notification"
CLOCKS = (BRIEFING, YJB, YJB_WORKING_DAY, CSC_TOLD, MAPPA, PANEL)
CHARGE_CLOCKS = (YJB, YJB_WORKING_DAY, CSC_TOLD, MAPPA)

# The YJB counts a child's death from when the service became aware of it, not from a charge (003 L235).
DEATHS = frozenset({Category.LOOKED_AFTER_DEATH, Category.UNEXPLAINED_DEATH})
# A serious child safeguarding incident the local authority notifies to the national panel (000 L1005–1019):
# the child died or was seriously harmed, and abuse or neglect is known or suspected.
PANEL_NOTIFIABLE = frozenset({Category.DEATH_OR_SERIOUS_HARM_ABUSE})

FUTURE_GRACE = timedelta(minutes=5)
SENIOR_ROLES = (Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR)
QA_ROLES = (Role.TEAM_MANAGER, *SENIOR_ROLES)
MANAGER_ROLES = QA_ROLES

# The refusals of 000 ¶7.2–7.3, shown on the page and answered as 400 by the API.
SOCIAL_WORKER_COMPLETES = "The child's social worker completes this: talk to them or their manager"
CYJS_COMPLETES = "The child and youth justice service completes this: the child is known to it only"
TELL_MASH = "Tell MASH: it leads when the child is known to neither service"

# Roughly which front-door concern each briefing category is, for the contact to MASH.
CONCERN_FOR_CATEGORY = {
    Category.DEATH_OR_SERIOUS_HARM_ABUSE: ConcernCategory.PHYSICAL,
    Category.ASSAULTED: ConcernCategory.PHYSICAL,
    Category.MENTAL_HEALTH_ACT: ConcernCategory.MENTAL_HEALTH,
    Category.SUBSTANCES_SELF_HARM: ConcernCategory.MENTAL_HEALTH,
    Category.RADICALISATION: ConcernCategory.RADICALISATION,
    Category.MISSING_24H: ConcernCategory.MISSING,
    Category.FGM: ConcernCategory.PHYSICAL,
}

NO_CONSENT_REASON = (
    "A serious incident (joint working agreement 7.3): MASH leads the briefing and decides on threshold. "
    "Waiting to ask the family would delay the response."
)


def _kind(user):
    return user.agency.kind if user.agency_id else None


def _writes_at_all(user) -> bool:
    return may_write_youth_justice(user) or may_record_social_care_work(user)


# --- Who completes the briefing (000 ¶7.2–7.3) ---------------------------------------------------------


def known_to(child, authority=None, *, today=None) -> str:
    """000 ¶7.2–7.3: any open CSC involvement → "csc"; else open or recent (6 months, 000 ¶8.3) CYJS
    involvement → "cyjs_only"; else "neither"."""
    if open_involvements(child, Agency.Kind.CSC, authority=authority).exists():
        return KnownTo.CSC
    if authority is not None:
        known = is_known(Agency.Kind.CYJS, child, authority=authority, on=today)
    else:
        # Someone with no agency acts for the authority of the child's open involvement (who_works_with rule 1).
        known = open_involvements(child, Agency.Kind.CYJS).exists()
    return KnownTo.CYJS_ONLY if known else KnownTo.NEITHER


@dataclass(frozen=True)
class Completer:
    """Who completes the briefing for this child, and whether this user may start it."""

    known_to: str
    allowed: bool
    refusal: str = ""

    @property
    def mash_leads(self) -> bool:
        return self.known_to == KnownTo.NEITHER


def completer_for(child, user) -> Completer:
    """The rule of 000 ¶7.2–7.3 for this user, as the new-incident page and `start_incident` use it."""
    found = known_to(child, user.authority)
    if found == KnownTo.NEITHER:
        return Completer(found, False, TELL_MASH)
    if is_administrator(user):
        return Completer(found, True)
    if found == KnownTo.CSC:
        if _kind(user) == Agency.Kind.CSC and may_record_social_care_work(user):
            return Completer(found, True)
        return Completer(found, False, SOCIAL_WORKER_COMPLETES)
    if _kind(user) == Agency.Kind.CYJS and may_write_youth_justice(user):
        return Completer(found, True)
    return Completer(found, False, CYJS_COMPLETES)


def _agency_for(by, child, known) -> Agency:
    """The completing service: the user's own, or (for an administrator) the child's open involvement's."""
    kind = Agency.Kind.CSC if known == KnownTo.CSC else Agency.Kind.CYJS
    if by.agency_id and by.agency.kind == kind:
        return by.agency
    involvement = (
        Involvement.objects.filter(child=child, agency__kind=kind)
        .select_related("agency")
        .order_by("end", "-start")
        .first()
    )
    if involvement is None:
        raise ValidationError({"known_to": "No service is working with this child to complete the briefing"})
    return involvement.agency


def _cyjs_of(authority):
    """The authority's child and youth justice service, which notifies the YJB (P10)."""
    return Agency.objects.filter(authority=authority, kind=Agency.Kind.CYJS).order_by("id").first()


def _check_charge(errors, *, charged_at, occurred_at):
    """The charge: not in the future, not before the incident."""
    if charged_at is None:
        return
    if charged_at > timezone.now() + FUTURE_GRACE:
        errors["charged_at"] = "Enter a time today or in the past for when the child was charged"
    elif occurred_at is not None and charged_at < occurred_at:
        errors["charged_at"] = f"The child cannot be charged before the incident ({when_text(occurred_at)})"


def _check_moments(errors, *, occurred_at, aware_at=None, check_aware=True):
    now = timezone.now() + FUTURE_GRACE
    if occurred_at is None:
        errors["occurred_at"] = "Enter when the incident happened"
    elif occurred_at > now:
        errors["occurred_at"] = "The incident must have happened already: enter a time today or in the past"
    if not check_aware:
        return
    if aware_at is None:
        errors["aware_at"] = "Enter when the service became aware of the incident"
    elif aware_at > now:
        errors["aware_at"] = "Enter a time today or in the past for when the service became aware"
    elif occurred_at is not None and "occurred_at" not in errors and aware_at < occurred_at:
        errors["aware_at"] = f"The service cannot become aware before the incident ({when_text(occurred_at)})"


def _check_category(errors, category):
    if category not in Category.values:
        errors["category"] = "Choose the reason for the briefing from the list"


@access_log_last()
def start_incident(
    *,
    child,
    by,
    occurred_at,
    aware_at,
    category,
    summary,
    yjb_notifiable=False,
    open_under_mappa=False,
    immediate_actions="",
    charged_at=None,
) -> SeriousIncident:
    """Start the serious incident briefing (000 ¶7.1–7.3; P8 step 3; forms F3/F4 §2 and §5).

    CYJS or CSC may start one, as 000 ¶7.2–7.3 says who completes it (see `completer_for`). The
    returned incident carries `.clocks` (the deadlines started).
    """
    require_access(by, child)
    if not _writes_at_all(by):
        raise PermissionDenied(
            "Only the child and youth justice service or children's social care record serious incidents"
        )
    completer = completer_for(child, by)
    if not completer.allowed:
        raise ValidationError({"known_to": completer.refusal})
    summary = (summary or "").strip()
    errors: dict[str, str] = {}
    _check_moments(errors, occurred_at=occurred_at, aware_at=aware_at)
    if "occurred_at" not in errors:
        _check_charge(errors, charged_at=charged_at, occurred_at=occurred_at)
    _check_category(errors, category)
    if not summary:
        errors["summary"] = "Write a short outline of the incident"
    if errors:
        raise ValidationError(errors)
    agency = _agency_for(by, child, completer.known_to)
    incident = SeriousIncident.objects.create(
        child=child,
        agency=agency,
        occurred_at=occurred_at,
        aware_at=aware_at,
        charged_at=charged_at,
        category=category,
        summary=summary,
        known_to=completer.known_to,
        completed_by=by,
        yjb_notifiable=bool(yjb_notifiable),
        open_under_mappa=bool(open_under_mappa),
        immediate_actions=(immediate_actions or "").strip(),
    )
    incident.clocks = _start_clocks(incident, by)
    log_write(
        by, child, "serious-incident:create", detail=f"serious incident {incident.pk}, {category}, {completer.known_to}"
    )
    return incident


def _start_clocks(incident, by):
    child = incident.child
    clocks = [
        # ¶7.1: reported on the day of the incident.
        start_clock(
            BRIEFING, incident, child=child, anchor_at=incident.occurred_at, responsible=by, agency=incident.agency
        )
    ]
    if incident.category in PANEL_NOTIFIABLE:
        # L1019: the local authority notifies the panel within 5 working days of becoming aware; the
        # completing service's senior managers (who can see the child) see to it.
        clocks.append(start_clock(PANEL, incident, child=child, anchor_at=incident.aware_at, agency=incident.agency))
    return clocks + start_charge_clocks(incident)


def _yjb_anchor(incident):
    """What the YJB notice counts from: the charge, or for a death the service becoming aware (003 L235)."""
    return incident.aware_at if incident.category in DEATHS else incident.charged_at


def start_charge_clocks(incident) -> list:
    """Start the clocks that count from the charge, once it is known (a death: from awareness).

    YJB notice (P10): the authority's rule from the charge, or one working day from the service
    becoming aware of it, whichever is due first (003 L226, L235 give both; the earlier applies).
    The service cannot be aware of a charge before it is made, nor of it before the incident.
    """
    child = incident.child
    clocks = []
    cyjs = _cyjs_of(incident.agency.authority) or incident.agency
    anchor = _yjb_anchor(incident)
    if incident.yjb_notifiable and anchor is not None and not incident.yjb_notified_at:
        aware_of_it = max(anchor, incident.aware_at)
        plans = (
            plan_clock(YJB, anchor_at=anchor, agency=cyjs),
            plan_clock(YJB_WORKING_DAY, anchor_at=aware_of_it, agency=cyjs),
        )
        earlier = min(plans, key=lambda plan: plan.due_at)
        clocks.append(start_clock(earlier.rule.code, incident, child=child, plan=earlier))
    if incident.yjb_notifiable and anchor is not None and incident.agency.kind == Agency.Kind.CYJS:
        if not incident.csc_told_at:
            # 003 L239 (S-T14): the notifying YJS tells local CSC, known to it or not, with the notice.
            clocks.append(start_clock(CSC_TOLD, incident, child=child, anchor_at=anchor, agency=cyjs))
    if incident.open_under_mappa and incident.charged_at is not None and not incident.mappa_notified_at:
        # P11, L985, L1151: the MAPPA N form goes to the MAPPA coordinator within 5 days of charge.
        clocks.append(start_clock(MAPPA, incident, child=child, anchor_at=incident.charged_at, agency=incident.agency))
    return clocks


@access_log_last()
def record_charge(*, incident, by, at) -> SeriousIncident:
    """When the child was charged (003 L235, 000 L1151). The notices that count from it start now,
    or start again from a corrected time; one already sent is left as it is. The returned incident
    carries `.clocks` (the deadlines started)."""
    incident = _lock(incident)
    require_access(by, incident.child)
    if not (is_administrator(by) or may_write_youth_justice(by) or by.agency_id == incident.agency_id):
        raise PermissionDenied("The child and youth justice service records when the child was charged")
    if not (incident.yjb_notifiable or incident.open_under_mappa):
        raise ValidationError(
            {"charged_at": "The charge is needed only for a Youth Justice Board or MAPPA notification"}
        )
    errors = {}
    if at is None:
        errors["charged_at"] = "Enter when the child was charged"
    else:
        _check_charge(errors, charged_at=at, occurred_at=incident.occurred_at)
    if errors:
        raise ValidationError(errors)
    previous = incident.charged_at
    save_if_unchanged(incident, expected_version=None, fields={"charged_at": at})
    reason = f"The charge time was corrected from {when_text(previous)}" if previous else "The charge was recorded"
    for code in CHARGE_CLOCKS:
        cancel_clock(code, incident, reason=reason)
    incident.clocks = start_charge_clocks(incident)
    log_write(by, incident.child, "serious-incident:charge", detail=f"serious incident {incident.pk}")
    return incident


@access_log_last()
def send_to_mash(
    *, child, by, occurred_at, category, summary, consent=Contact.Consent.NOT_SOUGHT, consent_reason=""
) -> Contact:
    """000 ¶7.3: a child known to neither service: CYJS (or CSC) makes sure MASH has the information,
    and MASH leads the briefing and the threshold decision. One prefilled level-4 contact.

    Consent defaults to "not sought" with the reason that a serious incident cannot wait; the page
    asks for it.
    """
    require_access(by, child)
    if not _writes_at_all(by):
        raise PermissionDenied(
            "Only the child and youth justice service or children's social care record serious incidents"
        )
    found = known_to(child, by.authority)
    if found != KnownTo.NEITHER:
        raise ValidationError(
            {"known_to": "This child is known to a service that completes the briefing: start it instead"}
        )
    summary = (summary or "").strip()
    errors: dict[str, str] = {}
    _check_moments(errors, occurred_at=occurred_at, check_aware=False)
    _check_category(errors, category)
    if not summary:
        errors["summary"] = "Write a short outline of the incident"
    consent_reason = (consent_reason or "").strip()
    if consent not in Contact.Consent.values:
        errors["consent"] = "Say whether the family agreed to the referral"
    elif consent == Contact.Consent.NOT_SOUGHT and not consent_reason:
        consent_reason = NO_CONSENT_REASON
    elif consent == Contact.Consent.UNCONTACTABLE and not consent_reason:
        errors["consent_reason"] = "Say how you tried to contact the family"
    if errors:
        raise ValidationError(errors)
    concerns = (
        f"Serious incident: {Category(category).label}.\n"
        f"When: {when_text(occurred_at)}.\n\n{summary}\n\n"
        "The child is known to neither children's social care nor the child and youth justice service, "
        "so MASH leads the serious incident briefing and the threshold decision (joint working agreement 7.3)."
    )
    concern = CONCERN_FOR_CATEGORY.get(category)
    details = ContactDetails(
        received_at=timezone.now(),
        referrer={
            "name": by.display_name,
            "agency": by.agency.name if by.agency_id else "",
            "role": by.job_title or by.get_role_display(),
            "contact": by.email or "",
        },
        child={"id": child.pk},
        concerns=concerns,
        categories=[concern] if concern else [],
        consent=consent,
        consent_reason=consent_reason if consent in (Contact.Consent.NOT_SOUGHT, Contact.Consent.UNCONTACTABLE) else "",
        referrer_level=4,
    )
    contact = receive_contact(received_by=by, details=details)
    log_write(by, child, "serious-incident:send-to-mash", detail=f"contact {contact.pk}, {category}")
    return contact


# --- The steps (P8 steps 1–5; P10 steps 1–4) -------------------------------------------------------------


def _lock(incident) -> SeriousIncident:
    return (
        SeriousIncident.objects.select_for_update(of=("self",))
        .select_related("child", "agency__authority", "completed_by")
        .get(pk=incident.pk)
    )


def _of_agency(by, incident, roles) -> bool:
    return is_administrator(by) or (by.agency_id == incident.agency_id and by.role in roles)


def _need_status(incident, allowed, message, field="status"):
    if incident.status not in allowed:
        raise ValidationError({field: message})


@access_log_last()
def verify_criteria(*, incident, by) -> SeriousIncident:
    """Step 1 (L937; P10 step 1): the completing service's team manager checks the criteria are met."""
    incident = _lock(incident)
    require_access(by, incident.child)
    if not _of_agency(by, incident, (Role.TEAM_MANAGER,)):
        raise PermissionDenied(f"A team manager of {incident.agency.name} checks the criteria")
    if incident.status != Status.DRAFT:
        raise ValidationError({"status": f"The criteria were already checked on {when_text(incident.verified_at)}"})
    save_if_unchanged(
        incident,
        expected_version=None,
        fields={"status": Status.VERIFIED, "verified_by": by, "verified_at": timezone.now()},
    )
    log_write(by, incident.child, "serious-incident:verify", detail=f"serious incident {incident.pk}")
    return incident


@access_log_last()
def quality_assure(*, incident, by) -> SeriousIncident:
    """Step 4 (L971; P10 step 3): the designated team manager or, in their absence, a senior manager
    quality-assures the briefing. Never the person who completed it."""
    incident = _lock(incident)
    require_access(by, incident.child)
    if not _of_agency(by, incident, QA_ROLES):
        raise PermissionDenied(
            f"A team manager or senior manager of {incident.agency.name} quality-assures the briefing"
        )
    if incident.status == Status.DRAFT:
        raise ValidationError({"status": "The team manager must check the criteria first"})
    if incident.status != Status.VERIFIED:
        raise ValidationError(
            {"status": f"The briefing was already quality assured on {when_text(incident.quality_assured_at)}"}
        )
    if incident.completed_by_id == by.pk:
        raise PermissionDenied("Someone other than the person who completed the briefing quality-assures it")
    save_if_unchanged(
        incident,
        expected_version=None,
        fields={"status": Status.QUALITY_ASSURED, "quality_assured_by": by, "quality_assured_at": timezone.now()},
    )
    log_write(by, incident.child, "serious-incident:quality-assure", detail=f"serious incident {incident.pk}")
    return incident


def _senior_people(agency, but=None):
    people = User.objects.filter(
        agency=agency, role__in=(Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE), is_active=True
    ).order_by("id")
    return [person for person in people if but is None or person.pk != but.pk]


@access_log_last()
def submit_incident(*, incident, by) -> SeriousIncident:
    """Step 5 (L975; P10 step 4): a senior manager or head of service submits the briefing. Stops the
    same-day clock; the service's head of service and senior managers are told in the app (L975),
    with a reminder of the MAPPA coordinator when the child is open under MAPPA (L985).
    The returned incident carries `.told`."""
    incident = _lock(incident)
    require_access(by, incident.child)
    if not _of_agency(by, incident, SENIOR_ROLES):
        raise PermissionDenied(f"A senior manager or head of service of {incident.agency.name} submits the briefing")
    if incident.status in (Status.DRAFT, Status.VERIFIED):
        raise ValidationError({"status": "The briefing must be quality assured before it is submitted"})
    if incident.status == Status.SUBMITTED:
        raise ValidationError({"status": f"The briefing was already submitted on {when_text(incident.submitted_at)}"})
    now = timezone.now()
    save_if_unchanged(
        incident, expected_version=None, fields={"status": Status.SUBMITTED, "submitted_by": by, "submitted_at": now}
    )
    stop_clock(BRIEFING, incident, stopped_at=now)
    link = reverse("serious-incident-detail", args=[incident.pk])
    body = f"{incident.get_category_display()}. Happened {when_text(incident.occurred_at)}. Submitted by {by.display_name}."
    if incident.open_under_mappa and not incident.mappa_notified_at:
        body += " The child is open under MAPPA: send the briefing to the MAPPA coordinator and record it."
    if incident.yjb_notifiable and not incident.yjb_notified_at:
        body += " The Youth Justice Board must be notified."
    told = []
    for person in _senior_people(incident.agency, but=by):
        notify(recipient=person, subject="A serious incident briefing was submitted", body=body, link=link)
        told.append(person)
    incident.told = told
    log_write(by, incident.child, "serious-incident:submit", detail=f"serious incident {incident.pk}, {len(told)} told")
    return incident


def _check_when(at, incident, field, what):
    if at is None:
        raise ValidationError({field: f"Enter when {what}"})
    if at > timezone.now() + FUTURE_GRACE:
        raise ValidationError({field: f"Enter a time today or in the past for when {what}"})
    if at < incident.aware_at:
        raise ValidationError(
            {field: f"This cannot be before the service became aware ({when_text(incident.aware_at)})"}
        )


@access_log_last()
def record_yjb_notified(*, incident, by, at) -> SeriousIncident:
    """P10 step 4 (L1077): after quality assurance a CYJS senior manager uploads the notification to
    YJAF and emails it to the YJB. Stops the YJB clock (1 working day; Somerset 24 hours)."""
    incident = _lock(incident)
    require_access(by, incident.child)
    if not (
        is_administrator(by)
        or (_kind(by) == Agency.Kind.CYJS and by.role in SENIOR_ROLES and may_write_youth_justice(by))
    ):
        raise PermissionDenied(
            "A senior manager of the child and youth justice service notifies the Youth Justice Board"
        )
    if not incident.yjb_notifiable:
        raise ValidationError({"yjb_notified_at": "This incident does not meet the Youth Justice Board's criteria"})
    if incident.yjb_notified_at:
        raise ValidationError(
            {"yjb_notified_at": f"The Youth Justice Board was told on {when_text(incident.yjb_notified_at)}"}
        )
    _need_status(
        incident,
        (Status.QUALITY_ASSURED, Status.SUBMITTED),
        "The notification must be quality assured before it goes to the Youth Justice Board",
        field="yjb_notified_at",
    )
    _check_when(at, incident, "yjb_notified_at", "the Youth Justice Board was notified")
    save_if_unchanged(incident, expected_version=None, fields={"yjb_notified_at": at})
    for code in (YJB, YJB_WORKING_DAY):
        stop_clock(code, incident, stopped_at=at)
    log_write(by, incident.child, "serious-incident:yjb-notified", detail=f"serious incident {incident.pk}")
    return incident


@access_log_last()
def record_csc_told(*, incident, by, at) -> SeriousIncident:
    """003 L239 (S-T14): the notifying youth justice service tells local CSC of the incident, whether
    or not CSC knows the child. Stops `csc_told_of_serious_incident`."""
    incident = _lock(incident)
    require_access(by, incident.child)
    if not (is_administrator(by) or (_kind(by) == Agency.Kind.CYJS and may_write_youth_justice(by))):
        raise PermissionDenied("The child and youth justice service records that it told children's social care")
    if incident.agency.kind == Agency.Kind.CSC:
        raise ValidationError({"csc_told_at": "Children's social care completed this briefing, so it already knows"})
    if incident.csc_told_at:
        raise ValidationError({"csc_told_at": f"Children's social care was told on {when_text(incident.csc_told_at)}"})
    _check_when(at, incident, "csc_told_at", "children's social care was told")
    save_if_unchanged(incident, expected_version=None, fields={"csc_told_at": at})
    stop_clock(CSC_TOLD, incident, stopped_at=at)
    log_write(by, incident.child, "serious-incident:csc-told", detail=f"serious incident {incident.pk}")
    return incident


@access_log_last()
def record_mappa_notified(*, incident, by, at) -> SeriousIncident:
    """P11 (L985, L1151–1159): for a child open under MAPPA, a CYJS senior manager or team manager sends
    the briefing to the MAPPA coordinator (MAPPA N within 5 days of charge). Stops that clock."""
    incident = _lock(incident)
    require_access(by, incident.child)
    cyjs_manager = (
        _kind(by) == Agency.Kind.CYJS and by.role in MANAGER_ROLES and by.authority == incident.agency.authority
    )
    if not (_of_agency(by, incident, MANAGER_ROLES) or cyjs_manager):
        raise PermissionDenied("A team manager or senior manager records that the MAPPA coordinator was told")
    if not incident.open_under_mappa:
        raise ValidationError({"mappa_notified_at": "The child was not open under MAPPA at the time of the incident"})
    if incident.mappa_notified_at:
        raise ValidationError(
            {"mappa_notified_at": f"The MAPPA coordinator was told on {when_text(incident.mappa_notified_at)}"}
        )
    _need_status(
        incident,
        (Status.QUALITY_ASSURED, Status.SUBMITTED),
        "The briefing must be quality assured before it goes to the MAPPA coordinator",
        field="mappa_notified_at",
    )
    _check_when(at, incident, "mappa_notified_at", "the MAPPA coordinator was told")
    save_if_unchanged(incident, expected_version=None, fields={"mappa_notified_at": at})
    stop_clock(MAPPA, incident, stopped_at=at)
    log_write(by, incident.child, "serious-incident:mappa-notified", detail=f"serious incident {incident.pk}")
    return incident


def _panel_notifier(user, incident) -> bool:
    if is_administrator(user):
        return True
    same_authority = user.agency_id and user.agency.authority_id == incident.agency.authority_id
    ours = user.agency_id == incident.agency_id or (same_authority and _kind(user) == Agency.Kind.CSC)
    return bool(ours and user.role in SENIOR_ROLES)


@access_log_last()
def record_panel_notified(*, incident, by, at) -> SeriousIncident:
    """L1019: the local authority notifies the national child safeguarding practice review panel of a
    child who died or was seriously harmed where abuse or neglect is known or suspected. A senior
    manager of the completing service or of children's social care records it; stops that clock."""
    incident = _lock(incident)
    require_access(by, incident.child)
    if not _panel_notifier(by, incident):
        raise PermissionDenied("A senior manager notifies the national panel for the local authority")
    if incident.category not in PANEL_NOTIFIABLE:
        raise ValidationError(
            {"panel_notified_at": "Only the death or serious harm of a child through abuse or neglect is notified"}
        )
    if incident.panel_notified_at:
        raise ValidationError(
            {"panel_notified_at": f"The national panel was notified on {when_text(incident.panel_notified_at)}"}
        )
    _check_when(at, incident, "panel_notified_at", "the national panel was notified")
    save_if_unchanged(incident, expected_version=None, fields={"panel_notified_at": at})
    stop_clock(PANEL, incident, stopped_at=at)
    log_write(by, incident.child, "serious-incident:panel-notified", detail=f"serious incident {incident.pk}")
    return incident


@access_log_last()
def record_learning(*, incident, by, expected_version, immediate_actions, learning) -> SeriousIncident:
    """Steps 9–10 (L993–997; F4 §6 and §8): the actions taken or planned, and the case audit and
    action or learning plan agreed between the senior manager and team manager."""
    incident = SeriousIncident.objects.select_related("child", "agency").get(pk=incident.pk)
    require_access(by, incident.child)
    service_writer = (
        may_write_youth_justice(by) if incident.agency.kind == Agency.Kind.CYJS else may_record_social_care_work(by)
    )
    if not (is_administrator(by) or (by.agency_id == incident.agency_id and service_writer)):
        raise PermissionDenied(f"{incident.agency.name} records the actions and learning")
    fields = {}
    immediate_actions = (immediate_actions or "").strip()
    learning = (learning or "").strip()
    if immediate_actions != incident.immediate_actions:
        fields["immediate_actions"] = immediate_actions
    if learning != incident.learning:
        fields["learning"] = learning
    if not fields and expected_version != incident.version:
        raise ConcurrentEditError(
            "Someone else changed this briefing while you were working on it. Your changes were not saved."
        )
    save_if_unchanged(incident, expected_version=expected_version, fields=fields)
    log_write(
        by, incident.child, "serious-incident:learning", detail="changed: " + (", ".join(sorted(fields)) or "nothing")
    )
    return incident


# --- What the detail page offers next ----------------------------------------------------------------


def next_steps(incident, user) -> set[str]:
    """The steps this user may take now (the page shows only these; the services still check)."""
    steps = set()
    admin = is_administrator(user)
    own = admin or user.agency_id == incident.agency_id
    if incident.status == Status.DRAFT and (admin or (own and user.role == Role.TEAM_MANAGER)):
        steps.add("verify")
    if (
        incident.status == Status.VERIFIED
        and own
        and (admin or user.role in QA_ROLES)
        and user.pk != incident.completed_by_id
    ):
        steps.add("quality-assure")
    if incident.status == Status.QUALITY_ASSURED and own and (admin or user.role in SENIOR_ROLES):
        steps.add("submit")
    finished = incident.status in (Status.QUALITY_ASSURED, Status.SUBMITTED)
    cyjs_writer = admin or (_kind(user) == Agency.Kind.CYJS and may_write_youth_justice(user))
    if (
        incident.yjb_notifiable
        and not incident.yjb_notified_at
        and finished
        and cyjs_writer
        and (admin or user.role in SENIOR_ROLES)
    ):
        steps.add("yjb-notified")
    if incident.agency.kind == Agency.Kind.CYJS and not incident.csc_told_at and cyjs_writer:
        steps.add("csc-told")
    mappa_manager = admin or (user.role in MANAGER_ROLES and (own or _kind(user) == Agency.Kind.CYJS))
    if incident.open_under_mappa and not incident.mappa_notified_at and finished and mappa_manager:
        steps.add("mappa-notified")
    charge_outstanding = (incident.yjb_notifiable and not incident.yjb_notified_at) or (
        incident.open_under_mappa and not incident.mappa_notified_at
    )
    if charge_outstanding and (admin or own or cyjs_writer):
        steps.add("charged")
    if incident.category in PANEL_NOTIFIABLE and not incident.panel_notified_at and _panel_notifier(user, incident):
        steps.add("panel-notified")
    service_writer = (
        may_write_youth_justice(user) if incident.agency.kind == Agency.Kind.CYJS else may_record_social_care_work(user)
    )
    if admin or (own and service_writer):
        steps.add("learning")
    return steps
