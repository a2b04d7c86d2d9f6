"""Prevention and diversion referrals to the child and youth justice service (seed 000 ¶13–14, ¶4.8;
domain notes part A P19 (the four service offers: who holds case responsibility), P20 and P4;
part B PP1–PP6 and form FB4).

Every rule of this part lives here. Pages, the API and any task call these functions, which check
who may write (the child and youth justice service: casework.justice.sharing.may_write_youth_justice),
refuse with plain-English field-keyed ValidationErrors, open and close the CYJS involvement, start and
stop the follow-up clocks, send the one request for support to the front door, tell the right people
in the app and log each write.

Any agency's referral arrives through CYJS (PP5.1: the referrer emails FB4 to the YJS), so CYJS
records it.

Eligibility (000 ¶13.1, PP5.4), on the date the referral was received:
- aged 8 to 17; any other age is refused with the reason;
- aged 8 or 9: recorded, but the offer is consultation only (PP5.4: "Lancashire CYJS offers
  consultation only" for 8–9s), so the only outcomes are "bolt_on" (consultation added to the plan
  of the team already working with the child) or "nfa"; and a child under 10 cannot have committed
  an offence (the age of criminal responsibility), so the diversion and Child Resolution Panel
  routes, which follow an offence (¶14.1, ¶14.4), are refused for them;
- the service is voluntary (PP5.2): a prevention referral the child or parent/carer has said no to
  is refused, and no CYJS prevention work ("cyjs_prevention"), request for support or diversion to
  a CSC service not already open is decided without their consent (PP1 L8479, PP2 L8561, ¶14.2).

Note: the seed (000 ¶13.1) gives the prevention age range as 8–17; FB4 (PP5.4) says 10–17 with 8–9s
offered consultation only. Both are applied: 8–17 may be referred, 8–9 get consultation only.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_log_last
from accounts.models import Agency, User
from casework.text import day_text
from notifications.clocks import start_clock, stop_clock
from notifications.models import Deadline
from notifications.services import notify
from referrals.models import Contact
from referrals.services import ContactDetails, receive_contact

from ..justice.people import age_on, csc_people_to_tell
from ..justice.sharing import may_write_youth_justice
from ..models import Involvement, PreventionReferral
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError
from ..who_works_with import acting_agency, manager_of, open_involvements

Route = PreventionReferral.Route
Source = PreventionReferral.Source
Outcome = PreventionReferral.Outcome

FOLLOW_UP = "diversion_follow_up"
# 000 ¶13.1: the prevention service works with children aged 8–17.
MIN_AGE, MAX_AGE = 8, 17
# PP5.4 (FB4, L8835–8853): 8- and 9-year-olds are offered consultation only.
CONSULTATION_ONLY_UNDER = 10
CONSULTATION_OUTCOMES = (Outcome.CONSULTATION_BOLT_ON, Outcome.NO_FURTHER_ACTION)
# ¶14.1, ¶14.4: diversion and the Child Resolution Panel follow an offence, referred by the police.
AFTER_AN_OFFENCE = (Route.DIVERSION, Route.CHILD_RESOLUTION_PANEL)
# PP6 (L9714–9724): a child diverted to another service is followed up at 6 and 12 weeks.
# "Diversion outcomes" here: diverted to CSC, or whole-family work through a request for support,
# decided on the diversion or Child Resolution Panel route (PP2; PP6.3 for the panel).
DIVERSION_OUTCOMES = (Outcome.DIVERTED_TO_CSC, Outcome.REQUEST_FOR_SUPPORT)
# PP6: 6 weeks, then 12 weeks (the 3-month mark), each counted from the decision to divert.
SIX_WEEKS = timedelta(days=42)
FUTURE_GRACE = timedelta(minutes=5)


def consultation_only(referral) -> bool:
    """PP5.4: an 8- or 9-year-old (on the day the referral arrived) is offered consultation only."""
    age = age_on(referral.child, referral.received_on)
    return age is not None and age < CONSULTATION_ONLY_UNDER


def _moment(day: date) -> datetime:
    """A date as a moment for a clock: midday that day, or now if midday is still to come."""
    return min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())


def _writer(by, child):
    """Prevention and diversion referrals are the child and youth justice service's (000 ¶13–14;
    casework/justice/sharing.py)."""
    require_access(by, child)
    if not may_write_youth_justice(by):
        raise PermissionDenied("Only the child and youth justice service records prevention and diversion referrals")


def _cyjs_agency(by, child) -> Agency:
    agency = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    if agency is None:
        raise ValidationError("Record this referral as someone in the child and youth justice service")
    return agency


# --- What CSC knows of the child ------------------------------------------------------------------------


def open_csc_involvements(child, *, authority) -> list[Involvement]:
    """The child's open involvements with the authority's children's social care: CSC has case management
    oversight (¶13.3)."""
    return list(
        open_involvements(child, Agency.Kind.CSC, authority=authority)
        .exclude(kind=Involvement.Kind.MASH_CONTACT)
        .select_related("agency", "allocated_worker", "team__manager")
        .order_by("-start", "-id")
    )


# --- Who holds case responsibility (P19 table, ¶13.3–13.4, ¶14.2–14.3) --------------------------------


def case_responsibility(referral, *, open_to_csc=None) -> str:
    """Who holds the case, the assessment and the plan, in plain words."""
    outcome = referral.outcome
    if not outcome:
        return "Not decided yet: the referral is waiting to be screened."
    if outcome == Outcome.CYJS_PREVENTION:
        worker = (
            referral.prevention_worker.display_name
            if referral.prevention_worker_id
            else "the allocated prevention worker"
        )
        return (
            f"The child and youth justice service leads. {worker} holds the assessment and the plan, "
            "made with the child and family, with moving-on planning throughout (agreement 13.4)."
        )
    if outcome == Outcome.CONSULTATION_BOLT_ON:
        return (
            "Children's social care stays the lead and keeps safeguarding and risk management. "
            "The child and youth justice service adds consultation and support to their assessment and plan (agreement 13.3)."
        )
    if outcome == Outcome.DIVERTED_TO_CSC:
        return (
            "Children's social care holds the assessment and the plan. The child and youth justice service "
            "may suggest work that supports desistance and checks in at 6 and 12 weeks (agreement 14.3)."
        )
    if outcome == Outcome.REQUEST_FOR_SUPPORT:
        return (
            "A request for support for work with the whole family went to children's social care's front door, "
            "which decides what happens next (agreement 14.2)."
        )
    return "No service holds the case: the referrer was signposted to other help."


# --- Receiving a referral (PP5, FB4) ---------------------------------------------------------------------


@access_log_last()
def receive_prevention_referral(
    *,
    child,
    by,
    route,
    source,
    referrer_name,
    received_on,
    reasons,
    consent_given=None,
    radicalisation_concern=False,
    involvement=None,
) -> PreventionReferral:
    """Record a referral to the prevention or diversion service (PP5; 000 ¶13.1, ¶14.1, ¶14.4).

    Refused: a child outside 8–17 on the day it was received; a prevention referral the child or
    parent/carer said no to (PP5.2, voluntary); a diversion or Child Resolution Panel referral that
    did not come from the police, or for a child under 10. The returned referral carries
    `.consultation_only` (8–9-year-olds, PP5.4).

    `involvement`: the CYJS involvement opened for a child new to the service (casework.intake), which
    the referral is then linked to; it must be open, of this child and of the recording service.
    """
    _writer(by, child)
    errors = {}
    referrer_name = (referrer_name or "").strip()
    reasons = (reasons or "").strip()
    if route not in Route.values:
        errors["route"] = "Choose the kind of referral"
    if source not in Source.values:
        errors["source"] = "Choose who made the referral"
    if not referrer_name:
        errors["referrer_name"] = "Enter the name of the person who made the referral"
    if not reasons:
        errors["reasons"] = "Write why the child was referred"
    if consent_given not in (True, False, None):
        errors["consent_given"] = "Say whether the child and their parent or carer agreed"
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = "Enter the date the referral was received"
    elif received_on > today:
        errors["received_on"] = "The date the referral was received must be today or in the past"
    if errors:
        raise ValidationError(errors)

    age = age_on(child, received_on)
    name = child.first_name or "The child"
    if age is None:
        errors["child"] = (
            "The child's date of birth is not recorded, so their age cannot be checked. Add it to their record first"
        )
    elif age < MIN_AGE:
        errors["child"] = (
            f"{name} was {age} when referred. The prevention service works with children aged 8 to 17 (agreement 13.1)"
        )
    elif age > MAX_AGE:
        errors["child"] = (
            f"{name} was {age} when referred. The prevention and diversion service works with children aged 8 to 17 (agreement 13.1)"
        )
    elif route in AFTER_AN_OFFENCE and age < CONSULTATION_ONLY_UNDER:
        errors["route"] = (
            f"{name} was {age} when referred. A child under 10 cannot be charged with an offence, so this cannot be a diversion "
            "or Child Resolution Panel referral. Record it as a prevention referral: 8- and 9-year-olds are offered consultation"
        )
    if route in AFTER_AN_OFFENCE and source != Source.POLICE:
        errors["source"] = (
            "Diversion and Child Resolution Panel referrals come from the police after an offence (agreement 14.1 and 14.4)"
        )
    if route == Route.PREVENTION and consent_given is False:
        errors["consent_given"] = (
            "The prevention service is voluntary: the child and their parent or carer must agree to it. "
            "They said no, so the referral cannot be accepted. Tell the referrer and signpost other help"
        )
    if errors:
        raise ValidationError(errors)

    agency = _cyjs_agency(by, child)
    if involvement is not None and (
        involvement.child_id != child.pk or involvement.agency_id != agency.pk or involvement.end is not None
    ):
        raise ValidationError(
            {"involvement": "That involvement is not your service's open involvement with this child"}
        )
    referral = PreventionReferral.objects.create(
        child=child,
        agency=agency,
        involvement=involvement,
        route=route,
        source=source,
        referrer_name=referrer_name,
        received_on=received_on,
        reasons=reasons,
        consent_given=consent_given,
        radicalisation_concern=bool(radicalisation_concern),
        created_by=by,
    )
    referral.consultation_only = consultation_only(referral)
    log_write(by, child, "prevention-referral:receive", detail=f"referral {referral.pk}, {route}")
    return referral


# --- Screening and the outcome (P19, P20, PP1–PP3) -------------------------------------------------------


def _lock(referral) -> PreventionReferral:
    return (
        PreventionReferral.objects.select_for_update(of=("self",))
        .select_related("child", "agency__authority", "request_for_support", "prevention_worker", "screened_by")
        .get(pk=referral.pk)
    )


def _referrer(by) -> dict:
    return {
        "name": by.display_name,
        "agency": by.agency.name if by.agency_id else "Child and youth justice service",
        "role": by.job_title or by.get_role_display(),
        "contact": by.email or "",
    }


def request_for_support_text(referral, outcome_reasons) -> str:
    """What the request for support says (¶14.2, PP1 route B, PP2): why the child was referred,
    what the screening found, and that the child and family consented."""
    lines = [
        f"Request for support from the child and youth justice service after a {referral.get_route_display().lower()} screening.",
        f"Referred by {referral.referrer_name} ({referral.get_source_display().lower()}) on {day_text(referral.received_on)}.",
        "",
        f"Why the child was referred: {referral.reasons}",
        f"What the screening found: {outcome_reasons}",
        "",
        "The child and their family consented to this request.",
    ]
    if referral.radicalisation_concern:
        lines.append("There is a concern about radicalisation (agreement 4.8 and 14.6).")
    return "\n".join(lines)


def _send_request_for_support(referral, by, outcome_reasons) -> Contact:
    """One contact to the authority's front door (a child open to CSC with an allocated worker goes to
    that worker's team, 000 ¶8.4), with its one-working-day decision clock."""
    details = ContactDetails(
        source=Contact.Source.PROFESSIONAL,
        received_at=timezone.now(),
        referrer=_referrer(by),
        child={"id": referral.child_id},
        concerns=request_for_support_text(referral, outcome_reasons),
        categories=[],
        consent=Contact.Consent.GIVEN,
    )
    try:
        return receive_contact(received_by=by, details=details)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {("outcome_reasons" if k == "concerns" else k): v for k, v in error.error_dict.items()}
            ) from error
        raise


def decision_day(referral) -> date | None:
    """The day the decision to divert was made: the panel for the Child Resolution Panel route
    (PP6.3), otherwise the screening (T-PP4: "decision to divert")."""
    if referral.route == Route.CHILD_RESOLUTION_PANEL and referral.panel_on:
        return referral.panel_on
    return referral.screened_on


def _start_follow_up(referral, *, anchor_day: date, responsible, second=False) -> Deadline:
    deadline = start_clock(
        FOLLOW_UP,
        referral,
        child=referral.child,
        started_at=timezone.now(),
        anchor_at=timezone.make_aware(datetime.combine(anchor_day, time(12))),
        responsible=responsible,
        agency=referral.agency,
    )
    if second:
        # The rule counts 42 days from its anchor; the 12-week check anchors 6 weeks after the decision.
        decided = anchor_day - SIX_WEEKS
        explanation = f"12-week check-in: counted from 6 weeks after the decision to divert ({day_text(decided)}). {deadline.explanation}"
        Deadline.objects.filter(pk=deadline.pk).update(explanation=explanation)
        deadline.explanation = explanation
    return deadline


def _open_prevention_involvement(referral, worker, start: date) -> Involvement:
    """CYJS leads (¶13.4): a youth justice prevention involvement allocated to the prevention worker."""
    existing = Involvement.objects.filter(
        child=referral.child, agency=referral.agency, kind=Involvement.Kind.YJ_PREVENTION, end__isnull=True
    ).first()
    if existing is not None:
        return existing
    return Involvement.objects.create(
        child=referral.child,
        agency=referral.agency,
        kind=Involvement.Kind.YJ_PREVENTION,
        start=min(start, timezone.localdate()),
        allocated_worker=worker,
        team=worker.team,
        is_lead_agency=True,
    )


def _check_outcome(referral, *, outcome, outcome_reasons, prevention_worker, consent, panel_on, csc_open, errors):
    name = referral.child.first_name or "The child"
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome of the screening"
        return
    if not outcome_reasons:
        errors["outcome_reasons"] = "Write what the screening found and why you chose this outcome"
    if consultation_only(referral) and outcome not in CONSULTATION_OUTCOMES:
        age = age_on(referral.child, referral.received_on)
        errors["outcome"] = (
            f"{name} was {age} when referred. 8- and 9-year-olds are offered consultation only: choose consultation "
            "and support added to the plan, or no further action"
        )
        return
    needs_consent = outcome in (Outcome.CYJS_PREVENTION, Outcome.REQUEST_FOR_SUPPORT) or (
        outcome == Outcome.DIVERTED_TO_CSC and not csc_open
    )
    if needs_consent and consent is not True:
        errors["consent_given"] = {
            Outcome.CYJS_PREVENTION: "The prevention service is voluntary: record that the child and their parent or carer agreed",
            Outcome.REQUEST_FOR_SUPPORT: "A request for support to children's social care needs the consent of the child and family",
            Outcome.DIVERTED_TO_CSC: (
                f"{name} is not open to children's social care, so diverting them needs a request for support, "
                "which needs the consent of the child and family"
            ),
        }[outcome]
    if outcome == Outcome.CYJS_PREVENTION:
        if csc_open:
            errors["outcome"] = (
                f"{name} is open to children's social care, which stays the lead. Choose consultation and support "
                "added to their plan (agreement 13.3)"
            )
        if prevention_worker is None:
            errors["prevention_worker"] = "Choose the prevention worker who will hold the assessment and plan"
        elif not (
            prevention_worker.is_active
            and prevention_worker.agency_id
            and prevention_worker.agency.kind == Agency.Kind.CYJS
            and prevention_worker.agency.authority_id == referral.agency.authority_id
        ):
            errors["prevention_worker"] = (
                "The prevention worker must work in this authority's child and youth justice service"
            )
    elif prevention_worker is not None:
        errors["prevention_worker"] = "Only CYJS prevention work has an allocated prevention worker"
    if outcome == Outcome.CONSULTATION_BOLT_ON and not csc_open:
        errors["outcome"] = (
            f"{name} is not open to children's social care, so there is no plan to add to. "
            "Choose another outcome, such as a request for support or no further action"
        )
    if outcome == Outcome.DIVERTED_TO_CSC and referral.route not in AFTER_AN_OFFENCE:
        errors["outcome"] = (
            "Only a diversion or Child Resolution Panel referral can be diverted to children's social care"
        )
    if referral.route == Route.CHILD_RESOLUTION_PANEL:
        today = timezone.localdate()
        if panel_on is None:
            errors["panel_on"] = "Enter the date the Child Resolution Panel met"
        elif panel_on > today:
            errors["panel_on"] = "The panel date must be today or in the past"
        elif panel_on < referral.received_on:
            errors["panel_on"] = (
                f"The panel date must be on or after the referral arrived ({day_text(referral.received_on)})"
            )
    elif panel_on is not None:
        errors["panel_on"] = "Only a Child Resolution Panel referral has a panel date"


@access_log_last()
def screen_referral(
    *,
    referral,
    by,
    expected_version,
    outcome,
    outcome_reasons,
    prevention_worker=None,
    consent_given=None,
    panel_on=None,
) -> PreventionReferral:
    """The screening and its outcome, once (P19 table; 000 ¶13.3–13.4, ¶14.1–14.5; PP1–PP3, PP5.5).

    - "cyjs_prevention": CYJS leads (¶13.4). Opens a CYJS youth justice prevention involvement
      allocated to `prevention_worker` (a CYJS worker of the authority), who is told in the app.
      Needs consent; refused for a child open to CSC, for whom it is "bolt_on" (¶13.3).
    - "bolt_on": consultation and support added to CSC's plan; CSC stays lead and keeps safeguarding
      (¶13.3, PP1 route A, PP3). Only for a child open to CSC; the allocated CSC worker is told.
    - "diverted_to_csc" (diversion and panel routes, PP2): CSC holds the assessment and plan (¶14.3).
      Open to CSC: the allocated CSC worker is told. Not open: needs consent, and a request for
      support goes to the front door, as below.
    - "request_for_support" (whole-family work, ¶14.2, ¶14.5, PP1 route B): needs consent; sends one
      contact to the authority's front door (its decision clock starts), never twice.
    - "nfa": signposted (PP5.5).
    8–9-year-olds: "bolt_on" or "nfa" only (PP5.4). `consent_given` (True/False), when given, records
    the consent CYJS gained at screening (¶14.2). The Child Resolution Panel route needs `panel_on`.

    A diversion outcome (diverted to CSC, or a request for support, on the diversion or panel route)
    starts the 6-week follow-up (`diversion_follow_up`, 42 calendar days from the decision; PP6).
    """
    referral = _lock(referral)
    child = referral.child
    _writer(by, child)
    if referral.request_for_support_id:
        raise ValidationError(
            {
                "outcome": f"A request for support was already sent to children's social care on "
                f"{day_text(timezone.localdate(referral.request_for_support.received_at))}. It cannot be sent again"
            }
        )
    if referral.closed_on:
        raise ValidationError(f"This referral was closed on {day_text(referral.closed_on)}")
    if referral.outcome:
        raise ValidationError(
            {
                "outcome": f"This referral was screened on {day_text(referral.screened_on)}. The outcome cannot be changed"
            }
        )
    if expected_version is not None and expected_version != referral.version:
        raise ConcurrentEditError(
            "Someone else changed this referral while you were working on it. Your changes were not saved."
        )
    outcome_reasons = (outcome_reasons or "").strip()
    consent = referral.consent_given if consent_given is None else consent_given
    csc_open = open_csc_involvements(child, authority=referral.agency.authority)
    errors: dict[str, str] = {}
    _check_outcome(
        referral,
        outcome=outcome,
        outcome_reasons=outcome_reasons,
        prevention_worker=prevention_worker,
        consent=consent,
        panel_on=panel_on,
        csc_open=csc_open,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)

    today = timezone.localdate()
    fields = {
        "outcome": outcome,
        "outcome_reasons": outcome_reasons,
        "screened_on": today,
        "screened_by": by,
        "consent_given": consent,
        "prevention_worker": prevention_worker if outcome == Outcome.CYJS_PREVENTION else None,
        "panel_on": panel_on,
    }
    link = reverse("prevention-referral-detail", args=[referral.pk])
    told = []
    if outcome == Outcome.CYJS_PREVENTION:
        _open_prevention_involvement(referral, prevention_worker, today)
        if prevention_worker.pk != by.pk:
            notify(
                recipient=prevention_worker,
                subject=f"You are the prevention worker for {child.full_name}",
                body="Complete the prevention assessment and make a plan with the child and family, with moving-on planning throughout.",
                link=link,
            )
            told.append(prevention_worker)
    elif outcome == Outcome.CONSULTATION_BOLT_ON or (outcome == Outcome.DIVERTED_TO_CSC and csc_open):
        if outcome == Outcome.CONSULTATION_BOLT_ON:
            subject = f"Youth justice prevention support for {child.full_name} will be added to your plan"
            body = (
                "The child and youth justice service screened a prevention referral. It will offer consultation and support "
                "as part of your assessment and plan. Children's social care stays the lead and keeps safeguarding and risk "
                "management (agreement 13.3). Agree the plan of work with the CYJS worker."
            )
        else:
            subject = f"{child.full_name} has been diverted to your service"
            body = (
                "The child and youth justice service's diversion screening found your service is best placed to support the child. "
                "Children's social care holds the assessment and plan (agreement 14.3). CYJS will ask you for an update at 6 and 12 weeks."
            )
        for person in csc_people_to_tell(csc_open):
            notify(recipient=person, subject=subject, body=body, link=link)
            told.append(person)
    if outcome == Outcome.REQUEST_FOR_SUPPORT or (outcome == Outcome.DIVERTED_TO_CSC and not csc_open):
        fields["request_for_support"] = _send_request_for_support(referral, by, outcome_reasons)
    save_if_unchanged(referral, expected_version=None, fields=fields)
    if outcome in DIVERSION_OUTCOMES and referral.route in AFTER_AN_OFFENCE:
        _start_follow_up(referral, anchor_day=decision_day(referral), responsible=by)
    referral.told = told
    log_write(by, child, "prevention-referral:screen", detail=f"referral {referral.pk}, {outcome}")
    return referral


# --- The 6- and 12-week follow-ups (PP6) ------------------------------------------------------------------


def follow_up_clocks(referral):
    """The referral's 6- and 12-week follow-up deadlines, whatever their status."""
    return Deadline.objects.filter(
        rule_code=FOLLOW_UP, subject_type=ContentType.objects.get_for_model(PreventionReferral), subject_id=referral.pk
    )


@access_log_last()
def record_follow_up(*, referral, by, on, notes) -> PreventionReferral:
    """A check-in with the receiving agency (PP6.2): what support it gave and whether it needs more
    consultation. Appended, dated, to the referral's follow-ups and shared with the recorder's team
    manager in the app (PP6.2: "shared with the relevant Team Manager").

    The first stops the 6-week clock and starts the 12-week one: the same 42-day rule anchored at
    the decision + 42 days, so due 84 days (12 weeks) after the decision. The second stops that.
    Allowed after the referral is closed: "the child does not need to remain open to CYJS" (PP6.2).
    """
    referral = _lock(referral)
    child = referral.child
    _writer(by, child)
    clocks = list(follow_up_clocks(referral).order_by("anchor_at", "id"))
    if not clocks:
        raise ValidationError("Follow-ups are for a child diverted to another service. This referral has none to do")
    notes = (notes or "").strip()
    errors = {}
    if not notes:
        errors["notes"] = (
            "Write what the receiving agency said about the support given, and whether more consultation is needed"
        )
    decided = decision_day(referral)
    if on is None:
        errors["on"] = "Enter the date of the check-in"
    elif on > timezone.localdate():
        errors["on"] = "The date must be today or in the past"
    elif decided and on < decided:
        errors["on"] = f"The check-in must be on or after the decision to divert ({day_text(decided)})"
    if errors:
        raise ValidationError(errors)
    entry = f"{day_text(on)}, {by.display_name}: {notes}"
    combined = f"{referral.follow_ups}\n\n{entry}" if referral.follow_ups else entry
    save_if_unchanged(referral, expected_version=None, fields={"follow_ups": combined})
    stop_clock(FOLLOW_UP, referral, stopped_at=_moment(on))
    if len(clocks) == 1:
        _start_follow_up(referral, anchor_day=decided + SIX_WEEKS, responsible=referral.screened_by or by, second=True)
    manager = manager_of(by)
    if manager is not None:
        notify(
            recipient=manager,
            subject=f"Diversion follow-up recorded for {child.full_name}",
            body=notes,
            link=reverse("prevention-referral-detail", args=[referral.pk]),
        )
    log_write(by, child, "prevention-referral:follow-up", detail=f"referral {referral.pk}")
    return referral


# --- Prevent and Channel (P4; 000 ¶4.8, ¶14.6) -------------------------------------------------------------


@access_log_last()
def record_prevent_referral(*, referral, by, on) -> PreventionReferral:
    """CYJS referred the child to Prevent (and Channel) for a concern about radicalisation (000 ¶4.8, ¶14.6).

    Records the concern too, and tells the allocated CSC workers of a child open to CSC in the app,
    so the two services consider the risk together (P4.1). Once only.
    """
    referral = _lock(referral)
    child = referral.child
    _writer(by, child)
    if referral.prevent_referral_on:
        raise ValidationError(
            {"on": f"The Prevent referral was recorded as made on {day_text(referral.prevent_referral_on)}"}
        )
    if on is None:
        raise ValidationError({"on": "Enter the date of the Prevent referral"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if on < referral.received_on:
        raise ValidationError(
            {"on": f"The date must be on or after the referral arrived ({day_text(referral.received_on)})"}
        )
    save_if_unchanged(
        referral, expected_version=None, fields={"prevent_referral_on": on, "radicalisation_concern": True}
    )
    told = []
    for person in csc_people_to_tell(open_csc_involvements(child, authority=referral.agency.authority)):
        notify(
            recipient=person,
            subject=f"A Prevent referral was made for {child.full_name}",
            body="The child and youth justice service made a Prevent referral. Consider the risk and the safeguarding "
            "concerns together (agreement 4.8).",
            link=reverse("prevention-referral-detail", args=[referral.pk]),
        )
        told.append(person)
    referral.told = told
    log_write(by, child, "prevention-referral:prevent", detail=f"referral {referral.pk}")
    return referral


# --- Closing ------------------------------------------------------------------------------------------------


@access_log_last()
def close_referral(*, referral, by, expected_version, closed_on) -> PreventionReferral:
    """CYJS closes the referral (PP1.6, PP2: "CYJS closes the referral"). Closes the youth justice
    prevention involvement the referral opened or joined (`referral.involvement`), unless another
    open referral still needs it. Follow-up clocks keep running: the child need not stay open (PP6.2)."""
    referral = _lock(referral)
    child = referral.child
    _writer(by, child)
    if referral.closed_on:
        raise ValidationError(f"This referral was already closed on {day_text(referral.closed_on)}")
    if expected_version is not None and expected_version != referral.version:
        raise ConcurrentEditError(
            "Someone else changed this referral while you were working on it. Your changes were not saved."
        )
    if closed_on is None:
        raise ValidationError({"closed_on": "Enter the date the referral closed"})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "The date must be today or in the past"})
    starts = referral.screened_on or referral.received_on
    if closed_on < starts:
        raise ValidationError({"closed_on": f"The date must be on or after {day_text(starts)}"})
    save_if_unchanged(referral, expected_version=None, fields={"closed_on": closed_on})
    # `referral.involvement` is the prevention involvement the referral opened or joined. It is set
    # where the involvement is opened (the new-to-CYJS intake in this module sets it on creation);
    # closing ends exactly that involvement unless another open referral shares it. A referral
    # without the link (recorded before it existed) falls back to the child's open prevention
    # involvement, as before.
    if referral.involvement_id is not None:
        involvement = Involvement.objects.select_for_update().get(pk=referral.involvement_id)
        shared = (
            PreventionReferral.objects.filter(involvement=involvement, closed_on__isnull=True)
            .exclude(pk=referral.pk)
            .exists()
        )
        if involvement.end is None and not shared:
            involvement.end = max(closed_on, involvement.start)
            involvement.save(update_fields=["end"])
    elif referral.outcome == Outcome.CYJS_PREVENTION:
        still_needed = (
            PreventionReferral.objects.filter(
                child=child, agency=referral.agency, outcome=Outcome.CYJS_PREVENTION, closed_on__isnull=True
            )
            .exclude(pk=referral.pk)
            .exists()
        )
        involvement = Involvement.objects.filter(
            child=child, agency=referral.agency, kind=Involvement.Kind.YJ_PREVENTION, end__isnull=True
        ).first()
        if involvement is not None and not still_needed:
            involvement.end = max(closed_on, involvement.start)
            involvement.save(update_fields=["end"])
    log_write(by, child, "prevention-referral:close", detail=f"referral {referral.pk}")
    return referral


def cyjs_workers(authority):
    """Active CYJS workers of the authority, to choose the prevention worker from."""
    return (
        User.objects.filter(agency__authority=authority, agency__kind=Agency.Kind.CYJS, is_active=True)
        .select_related("agency")
        .order_by("last_name", "first_name")
    )
