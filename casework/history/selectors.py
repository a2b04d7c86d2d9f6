"""The change history of a child's record: who changed which fields, from what to what.

The rows come from pghistory's aggregate query over the event tables (`MiddlewareEvents`), which
works out each change's `pgh_diff` against the record's previous copy in SQL. Two things are
ours: the tables a viewer may read (a youth justice section they may not read is left out) and
how each table reaches the child (a `child` column, or a parent's: see `tracked.Tracked.through`).
Both live here so the rest of the system never touches pghistory's query internals.

Values are shown as a practitioner reads them: choice labels, people's names, dates in words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import dateformat, timezone
from pghistory.models import EventsQuery, EventsQueryCompiler, EventsQuerySet, MiddlewareEvents

from config.uk_time import zone_note

from ..justice.sharing import readable_sections
from ..models import Child
from .tracked import BY_EVENT_MODEL_LABEL, TRACKED, Tracked

NOT_RECORDED = "not recorded"


class _ChildEventsCompiler(EventsQueryCompiler):
    """pghistory's aggregate query, limited to one child's rows in each table."""

    @property
    def across(self):
        return self.query.across

    def _get_where_clause(self, event_model):
        tracked = BY_EVENT_MODEL_LABEL[event_model._meta.label]
        child_pk = int(self.query.child_pk)
        if tracked.model is Child:
            return f'WHERE _event."pgh_obj_id" = {child_pk}'
        if tracked.through:
            parents = " OR ".join(
                f'_event."{column}" IN (SELECT "id" FROM "{parent._meta.db_table}" WHERE "child_id" = {child_pk})'
                for column, parent in tracked.through
            )
            return f"WHERE {parents}"
        return f'WHERE _event."child_id" = {child_pk}'


class _ChildEventsQuery(EventsQuery):
    child_pk = None

    def get_compiler(self, *args, **kwargs):
        compiler = super().get_compiler(*args, **kwargs)
        compiler.__class__ = _ChildEventsCompiler
        return compiler


def readable_records(viewer) -> list[Tracked]:
    """The kinds of record whose history this viewer may read (youth justice sections by the protocol)."""
    sections = readable_sections(viewer)
    return [t for t in TRACKED if t.section is None or t.section in sections]


def change_events(*, child, viewer, records: list[Tracked] | None = None):
    """The child's change events the viewer may read, newest first, as a lazy queryset (for paging).

    The caller must already have opened the child for the viewer (accounts.access).
    """
    query = _ChildEventsQuery(MiddlewareEvents)
    query.child_pk = child.pk
    records = readable_records(viewer) if records is None else records
    rows = EventsQuerySet(model=MiddlewareEvents, query=query).across(*[t.event_model for t in records])
    for tracked in records:
        if not tracked.show_added:
            rows = rows.exclude(pgh_model=tracked.event_model._meta.label, pgh_label="added")
    return rows.select_related("user").order_by("-pgh_created_at")


# --- As the page and the API show them ---------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    record: str
    added: bool
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.record} {'added' if self.added else 'changed'}"


def _who(event) -> str:
    if event.user_id and event.user is not None:
        return event.user.display_name
    actor = (event.pgh_context or {}).get("actor")
    return actor or "Not recorded"


def field_label(model_field) -> str:
    text = str(model_field.verbose_name)
    return text[:1].upper() + text[1:]


def _when(value: str) -> str:
    moment = datetime.fromisoformat(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return dateformat.format(moment, "j F Y, H:i") + zone_note(moment)


def _plain_value(model_field, value, names) -> str:
    if value is None or value == "" or value == []:
        return NOT_RECORDED
    if model_field.is_relation:
        return names.get((model_field.related_model, value), "someone or something no longer recorded")
    if model_field.choices:
        choices = dict(model_field.flatchoices)
        return str(choices.get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(model_field, models.DateTimeField):
        return _when(value)
    if isinstance(model_field, models.DateField):
        return dateformat.format(date.fromisoformat(value), "j F Y")
    if isinstance(value, list):
        base = getattr(model_field, "base_field", None)
        choices = dict(base.flatchoices) if base is not None and base.choices else {}
        return ", ".join(str(choices.get(item, item)) for item in value) or NOT_RECORDED
    if isinstance(value, dict):
        return "changed"
    return str(value)


def _related_names(wanted) -> dict:
    """Names for the people, agencies and teams the page's changes point to: one query a kind."""
    names = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = getattr(obj, "display_name", None) or str(obj)
    return names


def shown_fields(tracked: Tracked) -> dict:
    """The record's fields by column, less the links to the child and its parent (they never change)."""
    hidden = {"child"}
    return {f.column: f for f in tracked.model._meta.concrete_fields if f.name not in hidden and not f.primary_key}


def history_entries(events) -> list[HistoryEntry]:
    """A page of change events in words."""
    events = list(events)
    wanted: defaultdict[type[models.Model], set[int]] = defaultdict(set)
    plans = []
    for event in events:
        tracked = BY_EVENT_MODEL_LABEL[event.pgh_model]
        shown = shown_fields(tracked)
        diff = [(shown[column], pair) for column, pair in (event.pgh_diff or {}).items() if column in shown]
        for model_field, pair in diff:
            if model_field.is_relation:
                wanted[model_field.related_model].update(v for v in pair if v is not None)
        plans.append((event, tracked, diff))
    names = _related_names(wanted)
    entries = []
    for event, tracked, diff in plans:
        changes = [
            FieldChange(field_label(f), _plain_value(f, before, names), _plain_value(f, after, names))
            for f, (before, after) in sorted(diff, key=lambda item: item[0].creation_counter)
        ]
        record = tracked.label
        if tracked.named_by and (event.pgh_data or {}).get(tracked.named_by):
            record = f"{record}: {event.pgh_data[tracked.named_by]}"
        entries.append(HistoryEntry(event.pgh_created_at, _who(event), record, event.pgh_label == "added", changes))
    return entries
