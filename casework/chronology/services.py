"""Case notes and entries a worker adds to the chronology by hand.

Seed 000 ¶8.1 (L98): "Any discussion about a child's welfare should be recorded
... This should include a note of the date and who took part in the discussion.
At the close of a discussion, there should be clear and explicit agreement about
who will be taking what action, or that no further action will be taken."
Lancashire part A, P1 step 8 and form F10 (date; participants; content; agreed
actions with named owners, or an explicit NFA).

A case note is a record of what happened: it is never edited after it is saved,
so there is no update service here. A correction is a new note.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..meetings import action_rows, save_actions
from ..models import CaseNote, SignificantEvent
from ..permissions import may_write_case_notes, require
from ..recording import log_write, require_access

NEITHER_MESSAGE = "Record who will do what, or that no further action is needed"
BOTH_MESSAGE = "You said no further action is needed: remove the actions, or untick no further action"
MAX_ACTIONS = 20


def _writer_agency(by):
    require(may_write_case_notes(by), "Your role cannot add to a child's record")
    if not by.agency_id:
        # An administrator without an agency: a note is always its agency's record.
        raise PermissionDenied("Only a worker in an agency can add to a child's record")
    return by.agency


def _clean_actions(actions) -> tuple[list[dict], list[str]]:
    """Blank rows are dropped; a row with anything in it needs what and who (000 ¶8.1: 'who will be taking what action')."""
    cleaned, problems = [], []
    for number, row, description, owner_name, due_on in action_rows(actions):
        if not description:
            problems.append(f"Action {number}: say what will be done")
        if not owner_name:
            problems.append(f"Action {number}: say who will do it")
        if due_on is not None and not isinstance(due_on, date):
            problems.append(f"Action {number}: the date must be a real date")
        cleaned.append(
            {"description": description, "owner_name": owner_name[:200], "due_on": due_on, "owner": row.get("owner")}
        )
    if len(cleaned) > MAX_ACTIONS:
        problems.append(f"Record at most {MAX_ACTIONS} actions on one note")
    return cleaned, problems


@transaction.atomic
def record_case_note(
    *,
    child,
    by,
    kind,
    occurred_at: datetime,
    took_part: str,
    summary: str,
    actions=(),
    no_further_action: bool = False,
) -> CaseNote:
    """Record a visit, call, meeting or discussion for the writer's own agency.

    `actions` is a list of {"description", "owner_name", "due_on"} (due_on optional).
    Refused without a summary, without who took part (000 ¶8.1 "who took part"),
    with a time in the future, or with neither an agreed action nor "no further
    action" (000 ¶8.1) — and with both, which would contradict itself.
    """
    decision = require_access(by, child)
    agency = _writer_agency(by)
    errors = {}
    if kind not in CaseNote.Kind.values:
        errors["kind"] = "Choose what kind of note this is"
    if occurred_at is None:
        errors["occurred_at"] = "Enter when it happened"
    elif occurred_at > timezone.now():
        errors["occurred_at"] = "When it happened must be now or in the past"
    took_part = (took_part or "").strip()
    if not took_part:
        errors["took_part"] = "Enter who took part"
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = "Enter a summary of what happened"
    cleaned, problems = _clean_actions(actions)
    if problems:
        errors["actions"] = problems
    elif cleaned and no_further_action:
        errors["actions"] = BOTH_MESSAGE
    elif not cleaned and not no_further_action:
        errors["actions"] = NEITHER_MESSAGE
    if errors:
        raise ValidationError(errors)
    note = CaseNote.objects.create(
        child=child,
        agency=agency,
        kind=kind,
        occurred_at=occurred_at,
        took_part=took_part,
        summary=summary,
        no_further_action=bool(no_further_action),
        recorded_by=by,
    )
    save_actions(child, cleaned, case_note=note)
    log_write(by, child, "case-note:record", decision=decision, detail=f"case note {note.pk}")
    return note


@transaction.atomic
def record_significant_event(*, child, by, occurred_on: date, title: str, detail: str = "") -> SignificantEvent:
    """Add something to the chronology by hand (a move, a hospital admission), for the writer's agency."""
    decision = require_access(by, child)
    agency = _writer_agency(by)
    errors = {}
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date it happened"
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date must be today or in the past"
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter what happened"
    elif len(title) > 200:
        errors["title"] = "What happened must be 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    event = SignificantEvent.objects.create(
        child=child, agency=agency, occurred_on=occurred_on, title=title, detail=(detail or "").strip(), recorded_by=by
    )
    log_write(by, child, "significant-event:record", decision=decision, detail=f"event {event.pk}")
    return event
