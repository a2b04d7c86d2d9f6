"""Who took part and who will do what: the rows every pathway service saves the same way.

Strategy discussions, conferences, core groups, child in need meetings and case notes
each take people and agreed actions as lists of dicts (from a page's formset or the
API's JSON); these helpers read and save those rows. Each service keeps its own
wording for what is missing, since each page asks for it differently.
"""

from .models import AgreedAction, Participant

MEETING_ACTION_PROBLEM = "Action {number}: say what will be done and who will do it"


def action_rows(actions):
    """The action rows that hold anything, as (number, row, description, owner_name, due_on).

    Numbered from 1 as the page shows them (blank rows count); text is stripped.
    """
    for number, row in enumerate(actions or (), start=1):
        description = (row.get("description") or "").strip()
        owner_name = (row.get("owner_name") or "").strip()
        due_on = row.get("due_on") or None
        if description or owner_name or due_on:
            yield number, row, description, owner_name, due_on


def clean_meeting_actions(actions) -> tuple[list[dict], str | None]:
    """A meeting's actions (child in need meeting, core group): each needs what and who.

    Returns (rows, problem): `problem` names the first half-filled row, else None.
    """
    cleaned: list[dict] = []
    for number, _row, description, owner_name, due_on in action_rows(actions):
        if not description or not owner_name:
            return cleaned, MEETING_ACTION_PROBLEM.format(number=number)
        cleaned.append({"description": description, "owner_name": owner_name[:200], "due_on": due_on})
    return cleaned, None


def save_actions(child, rows, **parent) -> list[AgreedAction]:
    """Save cleaned action rows ({"description", "owner_name", "due_on"[, "owner"]}) on one parent record."""
    return AgreedAction.objects.bulk_create([AgreedAction(child=child, **parent, **row) for row in rows])


def participant_fields(row, *, name: str, capacity: str) -> dict:
    """A person's details as a Participant takes them, from a row whose name and capacity are checked."""
    return {
        "name": name[:200],
        "organisation": (row.get("organisation") or "").strip()[:200],
        "capacity": capacity,
        "role": (row.get("role") or "").strip()[:200],
        "user": row.get("user"),
    }


def save_participants(rows, **parent) -> list[Participant]:
    """Save people (dicts of Participant fields) on one parent record: a meeting, or a plan's core group."""
    return Participant.objects.bulk_create([Participant(**parent, **row) for row in rows])
