"""The chronology's source for changes to the child's own details, read from the change history.

One query (the child's `ChildChange` rows with their diffs and who made them). Who made the
change gives the agency; a change by the system is shown as children's social care's, which
keeps the child's record.
"""

from accounts.models import Agency

from ..chronology.selectors import AGENCY_KIND_LABELS, Entry, Source, register_source
from .context import keeps_history
from .selectors import change_events, field_label, shown_fields
from .tracked import TRACKED

EVENT, LABEL = "child_details", "Changes to the child's details"
CHILD_DETAILS = TRACKED[0]


def child_details_entries(child, agency_kinds):
    if not keeps_history():
        return
    shown = shown_fields(CHILD_DETAILS)
    rows = (
        change_events(child=child, viewer=None, records=[CHILD_DETAILS])
        .filter(pgh_label="changed")
        .select_related("user__agency")
    )
    for event in rows:
        changed = sorted(
            (shown[column] for column in (event.pgh_diff or {}) if column in shown), key=lambda f: f.creation_counter
        )
        fields = [field_label(f).lower() for f in changed]
        if not fields:
            continue
        agency = event.user.agency if event.user_id and event.user and event.user.agency_id else None
        kind = agency.kind if agency else Agency.Kind.CSC
        name = agency.name if agency else AGENCY_KIND_LABELS[Agency.Kind.CSC]
        yield Entry(
            event.pgh_created_at,
            EVENT,
            LABEL,
            kind,
            name,
            f"Child's details changed: {', '.join(fields)}",
            "",
            "child-history",
            child.pk,
        )


register_source(Source(EVENT, LABEL, child_details_entries))
