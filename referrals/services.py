"""The front door's rules: receiving a contact, triage, checks, the decision, feedback, disagreement.

Views, the API and tasks all call these. Each write to a contact is also an
access-log entry for its child.
"""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.audit import access_log_last, record_access
from accounts.models import MASH_ROLES, AccessEvent, Agency, Role, Team, User
from casework.assessment.services import open_assessment
from casework.enquiry.services import request_strategy_discussion
from casework.models import Child, Involvement
from casework.services import check_nhs_number_free, open_involvement, record_new_child
from casework.signals import records_changed
from casework.who_works_with import Known, allocated_involvement, how_known, who_answers
from notifications.clocks import cancel_clock, plan_clock, start_clock, stop_clock
from notifications.services import notify
from returns import codes

from .models import (
    AgencyCheck,
    ConcernCategory,
    Contact,
    Decision,
    Disagreement,
    DisagreementResponse,
    Feedback,
    IdempotencyKey,
    RagChange,
)

RAG_RULES: dict[str, str] = {
    Contact.Rag.RED: "mash_rag_red",
    Contact.Rag.AMBER: "mash_rag_amber",
    Contact.Rag.GREEN: "mash_rag_green",
}
WRITE = AccessEvent.Action.WRITE


def _log(user, child, what, purpose=AccessEvent.Purpose.NORMAL):
    record_access(user=user, child=child, what=what, action=WRITE, decision=access.AccessDecision(True, purpose))


def front_door_agency(authority) -> Agency:
    """The authority's MASH, with `front_door_team_id`: its first team (None without one), in one query.

    The same agency as casework.who_works_with.agency_of(MASH, authority), written for speed with the
    team beside it (tests/test_who_works_with.py compares the two)."""
    with connection.cursor() as cursor:
        # Written out: the ORM's building of this query cost more than the query itself.
        cursor.execute(_front_door_sql(), [authority.pk, Agency.Kind.MASH])
        row = cursor.fetchone()
    if row is None:
        raise ValidationError("This authority has no MASH set up. Ask an administrator.")
    fields = Agency._meta.concrete_fields
    agency = Agency.from_db(connection.alias, [f.attname for f in fields], row[: len(fields)])
    agency.front_door_team_id = row[len(fields)]
    agency.authority = authority  # the same row: saves a query for each clock started on it
    return agency


@functools.cache
def _front_door_sql() -> str:
    agency, team = Agency._meta, Team._meta
    columns = ", ".join(f'a."{f.column}"' for f in agency.concrete_fields)
    return (
        f'SELECT {columns}, (SELECT t."id" FROM "{team.db_table}" t WHERE t."agency_id" = a."id" ORDER BY t."id" LIMIT 1) '
        f'FROM "{agency.db_table}" a WHERE a."authority_id" = %s AND a."kind" = %s ORDER BY a."id" LIMIT 1'
    )


# --- Receiving ---------------------------------------------------------------


def _allocated_involvement(child, authority):
    """Where a contact about a known child goes instead of MASH: the allocated social worker's team (000 ¶8.4).

    MASH cannot open a restricted child's record, so a contact about one goes to
    the team of whoever is allocated to the child in any agency when CSC has no
    allocated worker; only a restricted child with no one allocated stays in MASH.
    """
    csc = allocated_involvement(child, Agency.Kind.CSC, authority=authority)
    if csc or not child.restricted:
        return csc
    return (
        Involvement.objects.filter(
            child=child, agency__authority=authority, end__isnull=True, allocated_worker__isnull=False
        )
        .exclude(agency__kind=Agency.Kind.MASH)
        .select_related("agency__authority", "team", "allocated_worker")
        .order_by("-start", "-id")
        .first()
    )


@dataclass
class ContactDetails:
    received_at: object
    referrer: dict
    child: dict
    concerns: str
    categories: list
    consent: str
    consent_reason: str = ""
    household: list | None = None
    referrer_level: int | None = None
    source: str = Contact.Source.PROFESSIONAL
    # Who made the referral, in the census's code; blank: `referral_source_for` fills it in.
    referral_source: str = ""


# Referring without the family's consent needs the reason written on the contact (000 L2563–2569:
# level 4 may go without consent where asking would put someone at risk; L2601: where consent was not
# obtained, say why, e.g. "unable to contact family"; L3478: where there is a risk of significant harm,
# do not delay for consent). "Could not contact the family" is treated like "not sought".
CONSENT_REASON_NEEDED: dict[str, str] = {
    Contact.Consent.NOT_SOUGHT: "Say why seeking consent would put the child at risk or harm a police investigation",
    Contact.Consent.UNCONTACTABLE: "Say how you tried to contact the family and why the referral cannot wait",
}


def _validate(details: ContactDetails, now):
    errors = {}
    if details.received_at > now + timedelta(minutes=5):
        errors["received_at"] = "The time received cannot be in the future"
    unknown = set(details.categories) - set(ConcernCategory.values)
    if unknown:
        errors["categories"] = f"Unknown categories: {', '.join(sorted(unknown))}"
    if not details.categories and not (details.concerns or "").strip():
        errors["concerns"] = "Describe the concerns or choose at least one category"
    if details.consent not in Contact.Consent.values:
        errors["consent"] = "Say whether consent was given, refused, not sought or the family could not be contacted"
    elif details.consent in CONSENT_REASON_NEEDED and not (details.consent_reason or "").strip():
        errors["consent_reason"] = CONSENT_REASON_NEEDED[details.consent]
    if details.referrer_level is not None and details.referrer_level not in (1, 2, 3, 4):
        errors["referrer_level"] = "Level of need must be 1, 2, 3 or 4"
    if not (details.referrer.get("name") or "").strip():
        errors["referrer"] = "Give the referrer's name"
    if details.referral_source and details.referral_source not in codes.code_list("referral_source").values:
        errors["referral_source"] = "Choose who made the referral from the list"
    if errors:
        raise ValidationError(errors)


def _child_for(details: ContactDetails, received_by) -> tuple[Child, bool]:
    """The existing child named by id (only one the caller may see), or a new record."""
    if details.child.get("id"):
        child = access.visible_children(received_by).filter(pk=details.child["id"]).first()
        if child is None:
            raise ValidationError(
                {"child": "No child with that id that you can see. Send the child's details instead."}
            )
        return child, False
    fields = {k: v for k, v in details.child.items() if k != "id"}
    try:
        return record_new_child(created_by=received_by, data=fields), True
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {f"child.{field}": messages for field, messages in error.message_dict.items()}
            ) from error
        raise ValidationError({"child": error.messages}) from error


def referral_source_for(*, chosen: str, sent_by, route: str) -> str:
    """Who made the referral, in the census's code: what the sender chose; else what the contact's
    route says of who referred (police custody: the police; a member of the public), whoever typed
    it in; else what the agency of the account that sent it stands for (a practitioner's, or a
    partner system's); else blank, for MASH to decide."""
    if chosen:
        return chosen
    from_route = codes.mapped("referral_source_by_contact_route", route)
    if from_route:
        return from_route
    agency = sent_by.agency if sent_by is not None and sent_by.agency_id else None
    return codes.mapped("referral_source_by_agency_kind", agency.kind) if agency is not None else ""


def _is_cyjs(received_by, details) -> bool:
    if received_by.agency_id and received_by.agency.kind == Agency.Kind.CYJS:
        return True
    return (details.referrer.get("agency") or "").strip().lower() in ("cyjs", "yot", "yjs", "youth justice")


@dataclass(frozen=True)
class Idempotency:
    """A partner system's Idempotency-Key for the contact, recorded in the same transaction."""

    key: str
    body_hash: str


def receive_contact(*, received_by, details: ContactDetails, idempotency: Idempotency | None = None) -> Contact:
    """Record a contact, route it and start its clocks.

    Open to CSC with an allocated social worker → that worker's team (000 ¶8.4);
    otherwise MASH. The one-working-day decision clock starts at receipt.

    With `idempotency`, its key is recorded against the contact just before the
    access-log row; if another request has just recorded the same key, this
    raises IntegrityError and the whole contact is rolled back.
    """
    if not details.child.get("id"):
        # Before the transaction, so a refusal's access-log row is kept.
        check_nhs_number_free(by=received_by, nhs_number=details.child.get("nhs_number"), field="child.nhs_number")
    return _receive_contact(received_by=received_by, details=details, idempotency=idempotency)


@access_log_last()  # atomic; its access-log rows are appended last
def _receive_contact(*, received_by, details: ContactDetails, idempotency: Idempotency | None) -> Contact:
    now = timezone.now()
    _validate(details, now)
    if received_by.authority is None:
        raise PermissionDenied("Only a user of an authority can make a referral")
    child, is_new = _child_for(details, received_by)
    mash = front_door_agency(received_by.authority)
    # A child recorded just now has no involvements yet, so is not open to CSC.
    csc_open = None if is_new else _allocated_involvement(child, received_by.authority)
    agency = csc_open.agency if csc_open else mash
    # The decision clock is worked out first, so the contact is saved with its due moment in one INSERT.
    decision_plan = plan_clock("referral_decision", started_at=details.received_at, agency=agency)
    referrer = details.referrer
    contact = Contact.objects.create(
        child=child,
        received_at=details.received_at,
        source=details.source,
        referrer_user=received_by if received_by.role != Role.SERVICE_ACCOUNT else None,
        referrer_name=referrer.get("name", "").strip(),
        referrer_agency=referrer.get("agency", "").strip(),
        referrer_role=referrer.get("role", "").strip(),
        referrer_contact=referrer.get("contact", "").strip(),
        referral_source=referral_source_for(chosen=details.referral_source, sent_by=received_by, route=details.source),
        household=details.household or [],
        concerns=details.concerns or "",
        categories=sorted(set(details.categories)),
        referrer_level=details.referrer_level,
        consent=details.consent,
        consent_reason=details.consent_reason or "",
        agency=agency,
        **({"team": csc_open.team} if csc_open else {"team_id": mash.front_door_team_id}),
        decision_due_at=decision_plan.due_at,
    )
    if csc_open:
        notify(
            recipient=csc_open.allocated_worker,
            subject="A new contact about a child you work with",
            link=reverse("contact-detail", args=[contact.pk]),
        )
    elif is_new:
        # open_involvement without its look for an open one: a child recorded just now has none.
        Involvement.objects.create(
            child=child,
            agency=mash,
            kind=Involvement.Kind.MASH_CONTACT,
            start=timezone.localdate(),
            team_id=contact.team_id,
        )
    else:
        open_involvement(child=child, agency=mash, kind=Involvement.Kind.MASH_CONTACT, team=contact.team)
    decision_clock = start_clock("referral_decision", contact, child=child, plan=decision_plan)
    # What the API answers with, without asking the database again: the decision clock, and no decision yet.
    contact._decision_deadline = decision_clock
    Contact._meta.get_field("decision").set_cached_value(contact, None)
    if _is_cyjs(received_by, details) and contact.referrer_user:
        # 000 ¶8.5: if CYJS has not heard the outcome in 3 working days, the referrer follows up.
        start_clock(
            "mash_outcome_to_cyjs",
            contact,
            child=child,
            started_at=details.received_at,
            responsible=contact.referrer_user,
        )
    if idempotency is not None:
        IdempotencyKey.objects.create(
            user=received_by, key=idempotency.key, body_hash=idempotency.body_hash, contact=contact
        )
    _log(received_by, child, "contact:create")
    return contact


# --- Triage ------------------------------------------------------------------


def held_by_users_mash(user, contact: Contact) -> bool:
    """The contact sits in the MASH of this MASH user's authority (not with a CSC team it went to)."""
    return user.role in MASH_ROLES and contact.agency_id in access.front_door_agency_ids(user)


def holds_contact(user, contact: Contact) -> bool:
    """The team holding a contact does its triage: MASH of its authority, or the CSC team it went to."""
    if not contact.agency_id or not user.agency_id:
        return False
    if user.role in MASH_ROLES:
        return held_by_users_mash(user, contact)
    return user.agency_id == contact.agency_id


def _require_holder(user, contact: Contact):
    if not holds_contact(user, contact):
        raise PermissionDenied("Only the team holding this contact can do that")


def _lock(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


@transaction.atomic
def set_rag(*, contact: Contact, by, rag: str, rationale: str = "") -> Contact:
    """Rate the contact at screening; any later change needs a recorded rationale."""
    _require_holder(by, contact)
    if rag not in Contact.Rag.values:
        raise ValidationError({"rag": "Choose red, amber, green or no target"})
    contact = _lock(contact)
    if not contact.is_open:
        raise ValidationError("This contact has been decided")
    rationale = (rationale or "").strip()
    if contact.rag and contact.rag != rag and not rationale:
        raise ValidationError({"rationale": "Give the reason for changing the rating"})
    if contact.rag == rag:
        return contact
    for rule in RAG_RULES.values():
        cancel_clock(rule, contact, reason="Rating changed")
    if rag in RAG_RULES:
        start_clock(
            RAG_RULES[rag], contact, child=contact.child, agency=contact.agency, responsible=contact.allocated_to
        )
    RagChange.objects.create(
        contact=contact, from_rag=contact.rag, to_rag=rag, rationale=rationale, changed_by=by, changed_at=timezone.now()
    )
    contact.rag, contact.rag_rationale, contact.rag_rank = rag, rationale, Contact.RAG_RANKS[rag]
    contact.version += 1
    contact.save(update_fields=["rag", "rag_rationale", "rag_rank", "version"])
    _log(by, contact.child, "contact:rag")
    return contact


@transaction.atomic
def allocate(*, contact: Contact, by, to: User) -> Contact:
    _require_holder(by, contact)
    if to.role not in MASH_ROLES and to.agency_id != contact.agency_id:
        raise ValidationError({"to": "Allocate to someone in the team that holds the contact"})
    contact = _lock(contact)
    contact.allocated_to = to
    contact.version += 1
    contact.save(update_fields=["allocated_to", "version"])
    _log(by, contact.child, "contact:allocate")
    return contact


# --- Agency checks -------------------------------------------------------------


CHECK_RESULT = {
    Known.NOW: AgencyCheck.Result.KNOWN_NOW,
    Known.RECENTLY: AgencyCheck.Result.KNOWN_RECENTLY,
    Known.NOT_KNOWN: AgencyCheck.Result.NOT_KNOWN,
}


@transaction.atomic
def request_check(*, contact: Contact, by, kind: str) -> AgencyCheck:
    _require_holder(by, contact)
    if kind not in AgencyCheck.Kind.values:
        raise ValidationError({"kind": "Choose an agency"})
    if contact.checks.filter(kind=kind).exists():
        raise ValidationError({"kind": "That agency has already been asked"})
    now = timezone.now()
    # The partner's answer is owed to MASH, on the contact's agency's calendar (the `agency_check_response` rule).
    answer_due = plan_clock("agency_check_response", started_at=now, agency=contact.agency or by.agency)
    check = AgencyCheck.objects.create(
        contact=contact,
        kind=kind,
        requested_by=by,
        requested_at=now,
        due_at=answer_due.due_at,
    )
    if kind == AgencyCheck.Kind.CYJS:
        authority = contact.agency.authority if contact.agency_id else by.authority
        check.result = CHECK_RESULT[how_known(Agency.Kind.CYJS, contact.child, authority=authority)]
        if check.result == AgencyCheck.Result.NOT_KNOWN:
            check.response, check.responded_at = "Not known to CYJS now or in the past 6 months.", now
        else:
            _ask_cyjs_for_its_section(contact, authority)
        check.save()
    _log(by, contact.child, f"contact:check:{kind}")
    return check


def _ask_cyjs_for_its_section(contact, authority):
    who = who_answers(contact.child, Agency.Kind.CYJS, authority=authority)
    if who:
        notify(
            recipient=who,
            subject="MASH needs the CYJS section for a child you know",
            body="Complete the CYJS section of the MASH check (joint working agreement ¶8.3).",
            link=reverse("contact-detail", args=[contact.pk]),
        )


@transaction.atomic
def respond_to_check(*, check: AgencyCheck, by, response: str) -> AgencyCheck:
    """The agency asked answers (or the holding team records an answer given by phone)."""
    contact = check.contact
    asked = (
        by.agency_id is not None
        and by.agency.kind == check.kind
        and contact.agency_id is not None
        and by.agency.authority_id == contact.agency.authority_id
    )
    if not (asked or holds_contact(by, contact)):
        raise PermissionDenied("Only the agency asked, or the team holding the contact, can answer")
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "Enter what your agency knows"})
    check = AgencyCheck.objects.select_for_update().get(pk=check.pk)
    check.response, check.responded_by, check.responded_at = response, by, timezone.now()
    if check.result == AgencyCheck.Result.PENDING:
        check.result = AgencyCheck.Result.ANSWERED
    check.save()
    _log(by, check.contact.child, f"contact:check-response:{check.kind}")
    return check


# --- Decision ----------------------------------------------------------------


def _decides_for(user, contact: Contact) -> bool:
    """MASH of the authority whose front door holds the contact, or a manager of the agency holding it."""
    if user.role in MASH_ROLES:
        return held_by_users_mash(user, contact)
    return contact.agency_id is not None and contact.agency_id == user.agency_id and user.is_manager


def contacts_decided_for_by(user, path: str = "") -> Q:
    """`_decides_for` as a filter, for lists: contacts (or records reaching one through `path`,
    e.g. "contact__") whose decision this user's service makes."""
    if user.role in MASH_ROLES:
        return Q(**{f"{path}agency_id__in": access.front_door_agency_ids(user)})
    if not (user.is_manager and user.agency_id):
        return Q(pk__in=[])
    return Q(**{f"{path}agency_id": user.agency_id})


@access_log_last()  # atomic; its access-log rows are appended last
def record_decision(*, contact: Contact, by, outcome: str, rationale: str, primary_need: str | None = None) -> Decision:
    """A MASH worker proposes; a MASH manager's decision (or authorisation) makes it final.

    `primary_need` is the child's main need in the census's code. It is optional: the census asks
    for it when the contact becomes a referral (Decision.REFERRAL_OUTCOMES), and one given with another
    outcome is kept. None leaves what an earlier proposal recorded; "" clears it.
    """
    if not _decides_for(by, contact):
        raise PermissionDenied("Only MASH (or the team holding the contact) can decide")
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": "Choose what happens next"})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Explain the decision"})
    if primary_need and primary_need not in codes.code_list("primary_need").values:
        raise ValidationError({"primary_need": "Choose the child's main need from the list"})
    contact = _lock(contact)
    if not contact.is_open:
        raise ValidationError("This contact has already been decided")
    decision, created = Decision.objects.update_or_create(
        contact=contact,
        defaults={
            "outcome": outcome,
            "rationale": rationale.strip(),
            "decided_by": by,
            "decided_at": timezone.now(),
            "authorised_by": None,
            "authorised_at": None,
            **({} if primary_need is None else {"primary_need": primary_need}),
        },
    )
    _log(by, contact.child, "contact:decision")
    if by.is_manager:
        return authorise_decision(contact=contact, by=by)
    if created:
        _ask_for_authorisation(decision, contact, by)
    return decision


def _ask_for_authorisation(decision: Decision, contact: Contact, by):
    """Tell each MASH manager who may authorise the decision (`_decides_for`): one notice a decision,
    not one each time the worker changes the proposal before it is authorised."""
    if contact.agency is None or contact.agency.kind != Agency.Kind.MASH:
        return
    managers = User.objects.filter(
        role=Role.MASH_MANAGER, is_active=True, agency__authority_id=contact.agency.authority_id
    ).exclude(pk=by.pk)
    link = reverse("contact-authorise", args=[contact.pk])
    for manager in managers:
        notify(
            recipient=manager,
            subject="A MASH decision is waiting for your authorisation",
            body=f"{by.display_name} proposed: {decision.get_outcome_display()}.",
            link=link,
        )


@access_log_last()  # atomic; its access-log rows are appended last
def authorise_decision(*, contact: Contact, by) -> Decision:
    if not (by.is_manager and _decides_for(by, contact)):
        raise PermissionDenied(
            "A MASH manager (or the manager of the team holding the contact) authorises the decision"
        )
    contact = _lock(contact)
    decision = Decision.objects.select_for_update().get(contact=contact)
    if decision.authorised_at:
        raise ValidationError("This decision is already authorised")
    now = timezone.now()
    decision.authorised_by, decision.authorised_at = by, now
    decision.save(update_fields=["authorised_by", "authorised_at"])
    contact.status, contact.decided_at = Contact.Status.DECIDED, now
    contact.version += 1
    contact.save(update_fields=["status", "decided_at", "version"])
    stop_clock("referral_decision", contact, stopped_at=now)
    for rule in RAG_RULES.values():
        stop_clock(rule, contact, stopped_at=now)
    _carry_out(decision, contact, by)
    _log(by, contact.child, "contact:authorise")
    return decision


def _carry_out(decision: Decision, contact: Contact, by):
    authority = contact.agency.authority
    child = contact.child
    Involvement.objects.filter(
        child=child, agency__kind=Agency.Kind.MASH, kind=Involvement.Kind.MASH_CONTACT, end__isnull=True
    ).update(end=timezone.localdate())
    records_changed.send(sender=Involvement, child_ids=[child.pk])
    csc = Agency.objects.filter(authority=authority, kind=Agency.Kind.CSC).order_by("id").first()
    outcome = decision.outcome
    if outcome == Decision.Outcome.ASSESSMENT and csc:
        open_involvement(child=child, agency=csc, kind=Involvement.Kind.CIN)
        # Working Together: 45 working days from the point of referral, not from the decision.
        start_clock("assessment", contact, child=child, started_at=contact.received_at, agency=csc)
        open_assessment(child=child, contact=contact, by=by)
    elif outcome in (Decision.Outcome.STRATEGY_DISCUSSION, Decision.Outcome.IMMEDIATE_PROTECTION) and csc:
        open_involvement(child=child, agency=csc, kind=Involvement.Kind.CP)
        request_strategy_discussion(child=child, contact=contact, by=by, agency=csc)
    elif outcome == Decision.Outcome.CYJS_PREVENTION:
        cyjs = Agency.objects.filter(authority=authority, kind=Agency.Kind.CYJS).order_by("id").first()
        if cyjs:
            open_involvement(child=child, agency=cyjs, kind=Involvement.Kind.YJ_PREVENTION)
    elif outcome == Decision.Outcome.EARLY_HELP and csc:
        open_involvement(child=child, agency=csc, kind=Involvement.Kind.EARLY_HELP)


# --- Feedback ----------------------------------------------------------------

FEEDBACK_WORDS = {
    Decision.Outcome.NFA_SIGNPOST: "We will not take further action. We have suggested other support.",
    Decision.Outcome.EARLY_HELP: "The family will be offered early help.",
    Decision.Outcome.ASSESSMENT: "A social worker will assess the child's needs.",
    Decision.Outcome.STRATEGY_DISCUSSION: "We are holding a strategy discussion with police and health.",
    Decision.Outcome.IMMEDIATE_PROTECTION: "We are acting now to keep the child safe.",
    Decision.Outcome.CYJS_PREVENTION: "The child and youth justice service will offer prevention support.",
}


@transaction.atomic
def send_feedback(*, contact: Contact, by, reasons: str) -> Feedback:
    """Tell the referrer what happened and why, in plain words; stops the CYJS follow-up clock."""
    _require_holder(by, contact)
    decision = getattr(contact, "decision", None)
    if contact.is_open or decision is None:
        raise ValidationError("Decide the contact before sending feedback")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Explain the reasons in plain words"})
    now = timezone.now()
    feedback = Feedback.objects.create(
        contact=contact, outcome=FEEDBACK_WORDS[decision.outcome], reasons=reasons, sent_by=by, sent_at=now
    )
    if contact.referrer_user:
        notify(
            recipient=contact.referrer_user,
            subject="The outcome of your referral",
            body=f"{feedback.outcome} {reasons}",
            link=reverse("contact-detail", args=[contact.pk]),
        )
    stop_clock("mash_outcome_to_cyjs", contact, stopped_at=now)
    _log(by, contact.child, "contact:feedback")
    return feedback


# --- Professional disagreement -------------------------------------------------

STAGE_ROLES: dict[int, tuple[str, ...]] = {
    Disagreement.Stage.PRACTITIONER: (Role.MASH_WORKER, Role.PRACTITIONER),
    Disagreement.Stage.TEAM_MANAGER: (Role.MASH_MANAGER, Role.TEAM_MANAGER),
    Disagreement.Stage.SENIOR_MANAGER: (Role.SENIOR_MANAGER,),
    Disagreement.Stage.HEAD_OF_SERVICE: (Role.HEAD_OF_SERVICE,),
}


@transaction.atomic
def raise_disagreement(*, contact: Contact, by, reason: str) -> Disagreement:
    if contact.referrer_user_id != by.pk:
        raise PermissionDenied("Only the referrer can challenge this decision")
    if contact.is_open:
        raise ValidationError("There is no decision to challenge yet")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why you disagree with the decision"})
    if contact.disagreements.filter(status=Disagreement.Status.OPEN).exists():
        raise ValidationError("A disagreement about this decision is already open")
    disagreement = Disagreement.objects.create(
        contact=contact, raised_by=by, raised_at=timezone.now(), reason=reason.strip()
    )
    start_clock("escalation_stage_response", disagreement, child=contact.child, agency=contact.agency)
    _log(by, contact.child, "contact:disagreement")
    return disagreement


@transaction.atomic
def respond_to_disagreement(*, disagreement: Disagreement, by, response: str) -> DisagreementResponse:
    if by.role not in STAGE_ROLES[disagreement.stage] or by.agency_id != disagreement.contact.agency_id:
        raise PermissionDenied("This stage is answered by someone else")
    if not (response or "").strip():
        raise ValidationError({"response": "Enter your response"})
    answer = DisagreementResponse.objects.create(
        disagreement=disagreement,
        stage=disagreement.stage,
        response=response.strip(),
        responded_by=by,
        responded_at=timezone.now(),
    )
    stop_clock("escalation_stage_response", disagreement)
    _log(by, disagreement.contact.child, "contact:disagreement-response")
    return answer


@transaction.atomic
def escalate_disagreement(*, disagreement: Disagreement, by) -> Disagreement:
    """Not satisfied: the next stage up, with its own response clock."""
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    if disagreement.raised_by_id != by.pk or disagreement.status != Disagreement.Status.OPEN:
        raise PermissionDenied("Only the person who raised an open disagreement can escalate it")
    if disagreement.stage >= Disagreement.Stage.HEAD_OF_SERVICE:
        raise ValidationError("This is the last stage: take it to the safeguarding partnership")
    cancel_clock("escalation_stage_response", disagreement, reason="Escalated")
    disagreement.stage += 1
    disagreement.save(update_fields=["stage"])
    start_clock(
        "escalation_stage_response", disagreement, child=disagreement.contact.child, agency=disagreement.contact.agency
    )
    _log(by, disagreement.contact.child, "contact:disagreement-escalate")
    return disagreement


@transaction.atomic
def resolve_disagreement(*, disagreement: Disagreement, by, resolution: str) -> Disagreement:
    if not (resolution or "").strip():
        raise ValidationError({"resolution": "Record how it was resolved"})
    if disagreement.status != Disagreement.Status.OPEN:
        raise ValidationError("This disagreement is already resolved")
    at_stage = by.role in STAGE_ROLES[disagreement.stage] and by.agency_id == disagreement.contact.agency_id
    if by.pk != disagreement.raised_by_id and not at_stage:
        raise PermissionDenied("Only the referrer or the person at this stage can resolve it")
    disagreement.status, disagreement.resolution, disagreement.resolved_at = (
        Disagreement.Status.RESOLVED,
        resolution.strip(),
        timezone.now(),
    )
    disagreement.save(update_fields=["status", "resolution", "resolved_at"])
    cancel_clock("escalation_stage_response", disagreement, reason="Resolved")
    _log(by, disagreement.contact.child, "contact:disagreement-resolve")
    return disagreement
