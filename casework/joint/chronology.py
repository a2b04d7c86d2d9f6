"""This part's chronology sources, registered with casework.chronology.selectors.register_source.

Source "lead_agency" (Section.JOINT): lead agency decisions and their planning meetings (000 ¶2.3,
¶21.1; 003 L84–93, which asks for the planning meeting to be on both agencies' records).

Source "joint_disagreement" (Section.JOINT): joint working disagreements, only where the authority
they were raised in sets `JointWorkingProtocol.disagreements_on_record`. By default (Lancashire) they
are not on the record: part B PE (L9763) keeps the challenge "NOT on a child's record unless
relevant to the child"; where one is relevant, the worker records that in a case note.
"""

from datetime import datetime

from accounts.models import Agency
from casework.text import day_text, one_line

from ..chronology.selectors import Entry, Source, register_source
from ..justice.sharing import Section
from ..models import JointWorkingDisagreement, LeadAgencyDecision

EVENT = "lead_agency"
LABEL = "Lead agency"
KINDS = frozenset({Agency.Kind.CSC, Agency.Kind.CYJS})


def lead_agency_entries(child, agency_kinds):
    """A decision and its planning meeting, under the deciding manager's agency: one query."""
    rows = LeadAgencyDecision.objects.filter(child=child).select_related("lead_agency", "decided_by__agency")
    if agency_kinds is not None:
        rows = rows.filter(decided_by__agency__kind__in=list(agency_kinds))
    for decision in rows:
        agency = decision.decided_by.agency
        kind = agency.kind if agency is not None else Agency.Kind.CSC
        name = agency.name if agency is not None else ""
        yield Entry(
            decision.decided_on,
            EVENT,
            LABEL,
            kind,
            name,
            f"Lead agency: {decision.lead_agency.name}",
            one_line(decision.reasons),
            "lead-agency-detail",
            decision.pk,
        )
        if decision.planning_meeting_on:
            summary = decision.task_split
            if decision.review_on:
                summary = f"{summary} Review {day_text(decision.review_on)}."
            yield Entry(
                decision.planning_meeting_on,
                EVENT,
                LABEL,
                kind,
                name,
                "Joint planning meeting held",
                one_line(summary),
                "lead-agency-detail",
                decision.pk,
            )


register_source(Source(EVENT, LABEL, lead_agency_entries, KINDS, section=Section.JOINT))


DISAGREEMENT_EVENT = "joint_disagreement"
DISAGREEMENT_LABEL = "Joint working disagreement"


def _step_label(steps, stage):
    return steps[stage - 1]["label"] if 1 <= stage <= len(steps) else f"stage {stage}"


def disagreement_entries(child, agency_kinds):
    """Raised, each escalation and the resolution, under the raising manager's agency, for
    disagreements raised where the protocol puts them on the child's record: one query."""
    rows = JointWorkingDisagreement.objects.filter(
        child=child, raised_by__agency__authority__joint_working_protocol__disagreements_on_record=True
    ).select_related("raised_by__agency")
    if agency_kinds is not None:
        rows = rows.filter(raised_by__agency__kind__in=list(agency_kinds))
    for d in rows:
        agency = d.raised_by.agency
        kind, name = agency.kind, agency.name
        steps = d.ladder_steps
        for h in d.history:
            when = datetime.fromisoformat(h["when"])
            if h["what"] == "raised":
                title, summary = f"Disagreement raised (stage 1: {_step_label(steps, 1)})", one_line(h.get("text"))
            elif h["what"] == "escalated":
                title, summary = f"Disagreement escalated to stage {h['stage']}: {_step_label(steps, h['stage'])}", ""
            elif h["what"] == "resolved":
                title, summary = "Disagreement resolved", one_line(h.get("text"))
            else:
                continue
            yield Entry(
                when,
                DISAGREEMENT_EVENT,
                DISAGREEMENT_LABEL,
                kind,
                name,
                title,
                summary,
                "joint-disagreement-detail",
                d.pk,
            )


register_source(Source(DISAGREEMENT_EVENT, DISAGREEMENT_LABEL, disagreement_entries, KINDS, section=Section.JOINT))
