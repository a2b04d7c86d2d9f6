"""The child's chronology, and the pathway summary on the child's record page.

The chronology is built from the records themselves, one small function per
source, all listed in `SOURCES` at the bottom of this module. Another part of
the system adds its own source with `register_source` (the youth-justice work
will add custody, court and orders that way) without touching these.

Each source is one query (with `select_related`), so the number of queries
does not grow with the number of entries.

Sources: seed 000 ¶8.1 (case notes); somerset-vs-lancashire §1.6 (003 L130: the YJS
"brings a chronology of its involvement" to the strategy meeting, hence the
filter by agency); Lancashire part A P1 step 8 and F10.
MASH's working notes (triage, checks, the decision's rationale) are never shown:
only that a contact was received and what was decided (README, front door).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, IntegerField, Q, When
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from casework.justice.sharing import readable_sections
from casework.text import one_line
from notifications.clocks import due_text
from notifications.models import Deadline
from referrals.models import Contact

from ..models import (
    Assessment,
    CaseNote,
    ChildInNeedMeeting,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    CoreGroupMeeting,
    Involvement,
    Section47Enquiry,
    SignificantEvent,
    StrategyDiscussion,
)

CSC = Agency.Kind.CSC
AGENCY_KIND_LABELS = dict(Agency.Kind.choices)


@dataclass(frozen=True)
class Entry:
    """One line of the chronology."""

    when: datetime | date
    event_type: str
    event_type_label: str
    agency_kind: str
    agency_name: str
    title: str
    summary: str = ""
    url_name: str | None = None
    pk: int | None = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)

    @property
    def local_when(self):
        return timezone.localtime(self.when) if self.has_time else self.when

    @property
    def sort_moment(self) -> datetime:
        """A day without a time sorts at the end of that day (it usually follows the day's timed events)."""
        if self.has_time:
            return self.when
        return timezone.make_aware(datetime.combine(self.when, time.max))

    @property
    def agency_kind_label(self) -> str:
        return AGENCY_KIND_LABELS.get(self.agency_kind, self.agency_kind)

    @property
    def url(self) -> str | None:
        return reverse(self.url_name, args=[self.pk]) if self.url_name and self.pk else None


@dataclass(frozen=True)
class Source:
    """Where entries of one event type come from.

    `fetch(child, agency_kinds)` returns the entries (one query). `agency_kinds`
    lists the agency kinds a source can produce, when it is fixed (so a filter on
    other agencies skips its query); None means any.
    """

    event_type: str
    label: str
    fetch: Callable[..., Iterable[Entry]]
    agency_kinds: frozenset[str] | None = field(default=None)
    # A youth justice section (JointWorkingProtocol.Section): shown only to viewers who may read it.
    section: str | None = field(default=None)


def _csc_name(user) -> str:
    """The name of the social care agency whose record this is (its author's agency)."""
    if user is not None and user.agency_id and user.agency.kind == CSC:
        return user.agency.name
    return AGENCY_KIND_LABELS[CSC]


# --- The sources: one function each --------------------------------------------------


def contact_entries(child, agency_kinds):
    """Contacts received and decided. Never the triage notes, checks or the decision's reasons."""
    rows = Contact.objects.filter(child=child).select_related("agency", "decision")
    if agency_kinds is not None:
        # A contact without an agency is MASH's.
        held_by = Q(agency__kind__in=list(agency_kinds))
        rows = rows.filter(held_by | Q(agency__isnull=True) if Agency.Kind.MASH in agency_kinds else held_by)
    for contact in rows:
        kind = contact.agency.kind if contact.agency_id else Agency.Kind.MASH
        name = contact.agency.name if contact.agency_id else AGENCY_KIND_LABELS[Agency.Kind.MASH]
        who = contact.referrer_agency or contact.get_source_display()
        yield Entry(
            contact.received_at,
            "contact",
            "Contact",
            kind,
            name,
            "Contact received",
            f"From {who}",
            "contact-detail",
            contact.pk,
        )
        decision = getattr(contact, "decision", None)
        if contact.status == Contact.Status.DECIDED and decision is not None:
            yield Entry(
                contact.decided_at,
                "contact",
                "Contact",
                kind,
                name,
                "Contact decided",
                f"Outcome: {decision.get_outcome_display()}",
                "contact-detail",
                contact.pk,
            )


def involvement_entries(child, agency_kinds):
    rows = Involvement.objects.filter(child=child).select_related("agency")
    if agency_kinds is not None:
        rows = rows.filter(agency__kind__in=agency_kinds)
    for inv in rows:
        kind, name = inv.agency.kind, inv.agency.name
        yield Entry(inv.start, "involvement", "Involvement", kind, name, f"{inv.get_kind_display()} opened", "")
        if inv.end:
            yield Entry(inv.end, "involvement", "Involvement", kind, name, f"{inv.get_kind_display()} closed", "")


def assessment_entries(child, agency_kinds):
    for a in Assessment.objects.filter(child=child).select_related("created_by__agency", "social_worker"):
        name = _csc_name(a.created_by)
        worker = (
            f"Social worker: {a.social_worker.display_name}" if a.social_worker_id else "No social worker allocated yet"
        )
        yield Entry(
            a.started_on, "assessment", "Assessment", CSC, name, "Assessment started", worker, "assessment-detail", a.pk
        )
        if a.status == Assessment.Status.COMPLETED and a.completed_at:
            yield Entry(
                a.completed_at,
                "assessment",
                "Assessment",
                CSC,
                name,
                "Assessment completed",
                f"Outcome: {a.get_outcome_display()}" if a.outcome else "",
                "assessment-detail",
                a.pk,
            )


def strategy_discussion_entries(child, agency_kinds):
    rows = StrategyDiscussion.objects.filter(child=child, status=StrategyDiscussion.Status.HELD).select_related(
        "created_by__agency"
    )
    for sd in rows:
        decided = "Section 47 enquiries to start" if sd.initiates_section_47 else "No section 47 enquiries"
        how = f"{sd.get_format_display()}. " if sd.format else ""
        yield Entry(
            sd.held_at,
            "strategy_discussion",
            "Strategy discussion",
            CSC,
            _csc_name(sd.created_by),
            "Strategy discussion held",
            f"{how}Decision: {decided}",
            "strategy-discussion-detail",
            sd.pk,
        )


def section_47_entries(child, agency_kinds):
    for e in Section47Enquiry.objects.filter(child=child).select_related("created_by__agency"):
        name = _csc_name(e.created_by)
        joint = "Joint with the police" if e.joint_with_police else "Children's social care alone"
        yield Entry(
            e.started_on,
            "section_47",
            "Section 47 enquiry",
            CSC,
            name,
            "Section 47 enquiry started",
            joint,
            "section-47-detail",
            e.pk,
        )
        if e.status == Section47Enquiry.Status.CONCLUDED:
            yield Entry(
                e.outcome_recorded_at or e.started_on,
                "section_47",
                "Section 47 enquiry",
                CSC,
                name,
                "Section 47 enquiry concluded",
                e.get_outcome_display(),
                "section-47-detail",
                e.pk,
            )


def conference_entries(child, agency_kinds):
    rows = ChildProtectionConference.objects.filter(
        child=child, status=ChildProtectionConference.Status.HELD
    ).select_related("created_by__agency")
    for c in rows:
        if c.plan_needed:
            outcome = f"Child protection plan needed: {c.get_category_display().lower()}"
        else:
            outcome = "No child protection plan needed"
        yield Entry(
            c.held_at,
            "conference",
            "Conference",
            CSC,
            _csc_name(c.created_by),
            f"{c.get_kind_display()} held",
            outcome,
            "conference-detail",
            c.pk,
        )


def cp_plan_entries(child, agency_kinds):
    for p in ChildProtectionPlan.objects.filter(child=child).select_related("created_by__agency"):
        name = _csc_name(p.created_by)
        yield Entry(
            p.started_on,
            "cp_plan",
            "Child protection plan",
            CSC,
            name,
            "Child protection plan started",
            f"Category: {p.get_category_display().lower()}",
            "cp-plan-detail",
            p.pk,
        )
        if p.status == ChildProtectionPlan.Status.ENDED and p.ended_on:
            yield Entry(
                p.ended_on,
                "cp_plan",
                "Child protection plan",
                CSC,
                name,
                "Child protection plan ended",
                p.get_end_reason_display(),
                "cp-plan-detail",
                p.pk,
            )


def core_group_entries(child, agency_kinds):
    rows = CoreGroupMeeting.objects.filter(child=child).select_related(
        "recorded_by__agency", "plan__created_by__agency"
    )
    for m in rows:
        name = _csc_name(m.recorded_by if m.recorded_by_id else m.plan.created_by)
        yield Entry(
            m.held_on,
            "core_group",
            "Core group meeting",
            CSC,
            name,
            "Core group meeting",
            one_line(m.decisions),
            "cp-plan-detail",
            m.plan_id,
        )


def cin_plan_entries(child, agency_kinds):
    for p in ChildInNeedPlan.objects.filter(child=child).select_related("created_by__agency"):
        name = _csc_name(p.created_by)
        yield Entry(
            p.started_on,
            "cin_plan",
            "Child in need plan",
            CSC,
            name,
            "Child in need plan started",
            "",
            "cin-plan-detail",
            p.pk,
        )
        if p.status == ChildInNeedPlan.Status.ENDED and p.ended_on:
            yield Entry(
                p.ended_on,
                "cin_plan",
                "Child in need plan",
                CSC,
                name,
                "Child in need plan ended",
                one_line(p.end_reason),
                "cin-plan-detail",
                p.pk,
            )


def cin_meeting_entries(child, agency_kinds):
    rows = ChildInNeedMeeting.objects.filter(child=child, held_on__isnull=False).select_related("created_by__agency")
    for m in rows:
        yield Entry(
            m.held_on,
            "cin_meeting",
            "Child in need meeting",
            CSC,
            _csc_name(m.created_by),
            "Child in need meeting held",
            one_line(m.decisions),
            "cin-plan-detail",
            m.plan_id,
        )


def case_note_entries(child, agency_kinds):
    rows = CaseNote.objects.filter(child=child).select_related("agency")
    if agency_kinds is not None:
        rows = rows.filter(agency__kind__in=agency_kinds)
    for n in rows:
        yield Entry(
            n.occurred_at,
            "case_note",
            "Case note",
            n.agency.kind,
            n.agency.name,
            n.get_kind_display(),
            one_line(n.summary),
            "case-note-detail",
            n.pk,
        )


def significant_event_entries(child, agency_kinds):
    rows = SignificantEvent.objects.filter(child=child).select_related("agency")
    if agency_kinds is not None:
        rows = rows.filter(agency__kind__in=agency_kinds)
    for e in rows:
        yield Entry(
            e.occurred_on,
            "significant_event",
            "Significant event",
            e.agency.kind,
            e.agency.name,
            e.title,
            one_line(e.detail),
        )


CSC_ONLY = frozenset({CSC})

# The registry: every source of the chronology, in the order its event types are offered as filters.
SOURCES: list[Source] = [
    Source("contact", "Contacts and decisions", contact_entries),
    Source("involvement", "Involvements opened and closed", involvement_entries),
    Source("assessment", "Assessments", assessment_entries, CSC_ONLY),
    Source("strategy_discussion", "Strategy discussions", strategy_discussion_entries, CSC_ONLY),
    Source("section_47", "Section 47 enquiries", section_47_entries, CSC_ONLY),
    Source("conference", "Child protection conferences", conference_entries, CSC_ONLY),
    Source("cp_plan", "Child protection plans", cp_plan_entries, CSC_ONLY),
    Source("core_group", "Core group meetings", core_group_entries, CSC_ONLY),
    Source("cin_plan", "Child in need plans", cin_plan_entries, CSC_ONLY),
    Source("cin_meeting", "Child in need meetings", cin_meeting_entries, CSC_ONLY),
    Source("case_note", "Case notes", case_note_entries),
    Source("significant_event", "Significant events", significant_event_entries),
]


def register_source(source: Source) -> None:
    """Add a source from another part of the system (once; registering the same event type again replaces it)."""
    for index, existing in enumerate(SOURCES):
        if existing.event_type == source.event_type:
            SOURCES[index] = source
            return
    SOURCES.append(source)


def event_type_choices() -> list[tuple[str, str]]:
    return [(s.event_type, s.label) for s in SOURCES]


def agency_kind_choices() -> list[tuple[str, str]]:
    return list(Agency.Kind.choices)


def chronology(*, child, agency_kinds=None, event_types=None, viewer=None) -> list[Entry]:
    """Everything recorded about the child, newest first, optionally only some agencies or event types.

    With a `viewer`, youth justice sections they may not read are left out
    (casework.justice.sharing). One query per source that can match the filters,
    whatever the number of entries.
    """
    kinds = frozenset(agency_kinds) if agency_kinds else None
    types = frozenset(event_types) if event_types else None
    sections = readable_sections(viewer) if viewer is not None else None
    entries: list[Entry] = []
    for source in SOURCES:
        if types is not None and source.event_type not in types:
            continue
        if source.section is not None and sections is not None and source.section not in sections:
            continue
        if kinds is not None and source.agency_kinds is not None and not (kinds & source.agency_kinds):
            continue
        entries.extend(source.fetch(child, kinds))
    if kinds is not None:
        entries = [e for e in entries if e.agency_kind in kinds]
    order = {s.event_type: i for i, s in enumerate(SOURCES)}
    entries.sort(key=lambda e: (e.sort_moment, order.get(e.event_type, 0)), reverse=True)
    return entries


# --- The pathway section of the child's record page -------------------------------------

RECENT_DAYS = 90
SUMMARY_RULES = ("assessment", "icpc", "cp_review_first", "cp_review_next", "transfer_in_conference")


@dataclass
class PathwaySummary:
    assessment: Assessment | None = None
    assessment_due: Deadline | None = None
    strategy_discussions: list = field(default_factory=list)
    section_47: Section47Enquiry | None = None
    next_conference: ChildProtectionConference | None = None
    conference_due: Deadline | None = None
    cp_plan: ChildProtectionPlan | None = None
    next_review: Deadline | None = None
    cin_plan: ChildInNeedPlan | None = None

    @staticmethod
    def _due(deadline) -> str:
        return due_text(deadline) if deadline is not None else ""

    @property
    def assessment_due_text(self) -> str:
        return self._due(self.assessment_due)

    @property
    def conference_due_text(self) -> str:
        return self._due(self.conference_due)

    @property
    def next_review_text(self) -> str:
        return self._due(self.next_review)

    @property
    def is_empty(self) -> bool:
        return not (
            self.assessment
            or self.strategy_discussions
            or self.section_47
            or self.next_conference
            or self.conference_due
            or self.cp_plan
            or self.cin_plan
        )


def pathway_summary(*, child) -> PathwaySummary:
    """Where the child is on the child protection and child in need pathway. Seven queries, whatever the history."""
    summary = PathwaySummary()
    deadlines: dict[str, Deadline] = {}
    for d in Deadline.objects.filter(
        child=child, status__in=Deadline.OPEN_STATUSES, rule_code__in=SUMMARY_RULES
    ).order_by("due_at"):
        deadlines.setdefault(d.rule_code, d)
    # The open assessment, or else the one finished most recently.
    summary.assessment = (
        Assessment.objects.filter(child=child)
        .select_related("social_worker")
        .annotate(
            finished=Case(When(status=Assessment.Status.COMPLETED, then=1), default=0, output_field=IntegerField())
        )
        .order_by("finished", "-started_on", "-id")
        .first()
    )
    if summary.assessment and summary.assessment.status != Assessment.Status.COMPLETED:
        summary.assessment_due = deadlines.get("assessment")
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    summary.strategy_discussions = list(
        StrategyDiscussion.objects.filter(child=child)
        .filter(Q(status=StrategyDiscussion.Status.PENDING) | Q(held_at__gte=since))
        .annotate(
            held=Case(When(status=StrategyDiscussion.Status.HELD, then=1), default=0, output_field=IntegerField())
        )
        .order_by("held", "-held_at", "-created_at")[:3]
    )
    summary.section_47 = (
        Section47Enquiry.objects.filter(child=child, status=Section47Enquiry.Status.OPEN)
        .select_related("lead_social_worker")
        .order_by("-started_on", "-id")
        .first()
    )
    summary.next_conference = (
        ChildProtectionConference.objects.filter(child=child, status=ChildProtectionConference.Status.SCHEDULED)
        .order_by("scheduled_for", "id")
        .first()
    )
    summary.conference_due = deadlines.get("icpc") or deadlines.get("transfer_in_conference")
    summary.cp_plan = (
        ChildProtectionPlan.objects.filter(child=child, status=ChildProtectionPlan.Status.ACTIVE)
        .select_related("lead_social_worker")
        .first()
    )
    if summary.cp_plan:
        summary.next_review = deadlines.get("cp_review_first") or deadlines.get("cp_review_next")
    summary.cin_plan = (
        ChildInNeedPlan.objects.filter(child=child, status=ChildInNeedPlan.Status.ACTIVE)
        .select_related("lead_social_worker")
        .first()
    )
    return summary
