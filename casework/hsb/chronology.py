"""This part's chronology sources, registered with casework.chronology.selectors.register_source.

HSB hub consultations (seed 000 HSB hub appendix; part B PH1–PH4) are in Section.HSB, so a viewer
sees their entries only where the joint working protocol lets them read the hub's section. The
request (and a refusal) is children's social care's; the hub's steps are the child and youth
justice service's.
"""

from accounts.models import Agency
from casework.text import day_text

from ..chronology.selectors import AGENCY_KIND_LABELS, Entry, Source, register_source
from ..justice.sharing import Section
from ..models import HsbConsultation

CSC, CYJS = Agency.Kind.CSC, Agency.Kind.CYJS
EVENT = "hsb_consultation"
LABEL = "HSB hub"
URL = "hsb-consultation-detail"


def hsb_entries(child, agency_kinds):
    """The request, the refusal or the hub's steps: one query."""
    rows = HsbConsultation.objects.filter(child=child).select_related(
        "requested_by__agency", "aim_practitioner__agency"
    )
    for c in rows:
        entries = []
        requester = c.requested_by.agency.name if c.requested_by.agency_id else AGENCY_KIND_LABELS[CSC]
        hub = (
            c.aim_practitioner.agency.name
            if c.aim_practitioner_id and c.aim_practitioner.agency_id
            else AGENCY_KIND_LABELS[CYJS]
        )
        entries.append(
            Entry(
                c.requested_on,
                EVENT,
                LABEL,
                CSC,
                requester,
                "HSB hub consultation requested",
                c.concerns[:200],
                URL,
                c.pk,
            )
        )
        if c.status == HsbConsultation.Status.REFUSED:
            entries.append(
                Entry(
                    c.requested_on,
                    EVENT,
                    LABEL,
                    CSC,
                    requester,
                    "HSB hub request not accepted",
                    c.refusal_reason.replace("\n", ". "),
                    URL,
                    c.pk,
                )
            )
        if c.consultation_on:
            entries.append(
                Entry(
                    c.consultation_on,
                    EVENT,
                    LABEL,
                    CYJS,
                    hub,
                    "HSB hub consultation held",
                    f"Hackett's continuum: {c.get_hackett_display()}",
                    URL,
                    c.pk,
                )
            )
        if c.pattern_mapping_on:
            entries.append(
                Entry(c.pattern_mapping_on, EVENT, LABEL, CYJS, hub, "Pattern mapping meeting", "", URL, c.pk)
            )
        if c.first_meeting_with_child_on:
            entries.append(
                Entry(
                    c.first_meeting_with_child_on,
                    EVENT,
                    LABEL,
                    CYJS,
                    hub,
                    "AIM assessment started",
                    f"First meeting with the child. AIM practitioner: {c.aim_practitioner.display_name}"
                    if c.aim_practitioner_id
                    else "",
                    URL,
                    c.pk,
                )
            )
        if c.aim_completed_on:
            entries.append(
                Entry(c.aim_completed_on, EVENT, LABEL, CYJS, hub, "AIM assessment completed", "", URL, c.pk)
            )
        if c.planning_meeting_on:
            entries.append(
                Entry(
                    c.planning_meeting_on,
                    EVENT,
                    LABEL,
                    CYJS,
                    hub,
                    "AIM outcome and planning meeting",
                    f"Review by {day_text(c.review_on)}" if c.review_on else "",
                    URL,
                    c.pk,
                )
            )
        if c.closed_on:
            entries.append(Entry(c.closed_on, EVENT, LABEL, CYJS, hub, "HSB hub consultation closed", "", URL, c.pk))
        for entry in entries:
            if agency_kinds is None or entry.agency_kind in agency_kinds:
                yield entry


register_source(Source(EVENT, LABEL, hsb_entries, frozenset({CSC, CYJS}), section=Section.HSB))
