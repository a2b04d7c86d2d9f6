"""A year of contacts at the MASH: ratings, decisions and what each decision started, as
referrals.services (receive_contact, set_rag, record_decision, authorise_decision) records them,
and the single assessments that follow, as casework.assessment.services records them."""

from datetime import datetime, timedelta

from django.utils import timezone

from casework.models import Assessment, ChildInNeedPlan, Involvement
from referrals.models import Contact, Decision, RagChange

from .people import Children
from .writer import HistoryWriter

Kind = Involvement.Kind
Outcome = Decision.Outcome
RAG_RULES = {"red": "mash_rag_red", "amber": "mash_rag_amber", "green": "mash_rag_green"}
# Who refers: name, agency, role and the census's referral source code for them.
REFERRERS = [
    ("A class teacher", "education", "designated safeguarding lead", "2A"),
    ("A health visitor", "health", "health visitor", "3B"),
    ("A police officer", "police", "public protection unit", "6"),
    ("A GP", "health", "general practitioner", "3A"),
    ("A youth worker", "other", "youth worker", "8"),
    ("A neighbour", "public", "member of the public", "1B"),
]
POLICE, SCHOOL, HOSPITAL = REFERRERS[2], REFERRERS[0], ("A hospital doctor", "health", "paediatrician", "3E")
YOUTH_JUSTICE = ("A youth justice officer", "cyjs", "youth justice officer", "7")
CATEGORIES = ["neglect", "emotional", "physical", "domestic_abuse", "missing", "cce", "mental_health", "sexual"]
# The child's main need (census primary need code) when a contact about these concerns becomes a
# referral for assessment; a referral for a strategy discussion is about abuse or neglect (N1).
NEED_BY_CATEGORY = {
    "neglect": "N1",
    "emotional": "N1",
    "physical": "N1",
    "sexual": "N1",
    "domestic_abuse": "N5",  # family dysfunction
    "missing": "N5",
    "cce": "N6",  # socially unacceptable behaviour
    "mental_health": "N2",  # the child's illness
}
# What an assessment finds about these concerns (census factor codes), and what it may find
# about the parents besides.
FACTORS_BY_CATEGORY = {
    "neglect": ["16A"],
    "emotional": ["17A"],
    "physical": ["18B"],
    "sexual": ["19B"],
    "domestic_abuse": ["3A", "3B"],
    "missing": ["10A"],
    "cce": ["24A"],
    "mental_health": ["4A"],
}
PARENT_FACTORS = ["1B", "2B", "4B", "3B", "6B"]
NO_FACTORS = "21"
# Why a children's social care episode closed (census reason for closure codes).
NEEDS_MET = "RC7"  # services ended: no longer in need
CLOSED_NFA = "RC8"  # closed after assessment, no further action
CLOSED_EARLY_HELP = "RC9"  # closed after assessment, passed to early help
OUTCOMES = [
    (Outcome.NFA_SIGNPOST, 30),
    (Outcome.EARLY_HELP, 14),
    (Outcome.ASSESSMENT, 36),
    (Outcome.STRATEGY_DISCUSSION, 15),
    (Outcome.CYJS_PREVENTION, 5),
]


def primary_need(outcome, categories) -> str:
    """The census's primary need, asked when a contact becomes a referral to social care."""
    if outcome not in Decision.REFERRAL_OUTCOMES:
        return ""
    if outcome != Outcome.ASSESSMENT:
        return "N1"
    return NEED_BY_CATEGORY.get(categories[0] if categories else "", "N4")


def factors_found(rng, categories, outcome) -> list[str]:
    """What a completed assessment found: the concerns referred, often something about the
    parents too; now and then, for one that closes, nothing at all."""
    if outcome != Assessment.Outcome.CHILD_IN_NEED_PLAN and rng.random() < 0.06:
        return [NO_FACTORS]
    found = [code for category in categories for code in FACTORS_BY_CATEGORY.get(category, ["20"])]
    if rng.random() < 0.5:
        found.append(rng.choice(PARENT_FACTORS))
    return list(dict.fromkeys(found))


def decided_referral(w: HistoryWriter, child, received: datetime, *, referrer, outcome, categories, rationale, need=""):
    """A contact taken on as a referral to children's social care and decided within the hour, as
    receive_contact, record_decision and authorise_decision leave it: the MASH involvement it opened
    and closed, its decision clock met. For work that began without the year's front door (plans
    and care from before the year, remands): the referral that began it."""
    name, agency, role, source = referrer
    received = min(received, w.now - timedelta(hours=1))
    worker = w.pick(w.mash)
    decided = received + timedelta(minutes=w.rng.randint(20, 55))
    contact = w.add(
        Contact(
            child=child,
            received_at=received,
            referrer_name=name,
            referrer_agency=agency,
            referrer_role=role,
            referrer_contact="Through the office switchboard",
            referral_source=source,
            concerns="Fictional demo concern recorded for the history of the service.",
            categories=list(categories),
            consent=Contact.Consent.NOT_SOUGHT,
            consent_reason="Asking could put the child at risk.",
            allocated_to=worker,
            team=w.mash.team,
            agency=w.mash.agency,
            decision_due_at=w.due("referral_decision", received).due_at,
            status=Contact.Status.DECIDED,
            decided_at=decided,
            version=2,
        )
    )
    day = timezone.localdate(received)
    w.add(
        Involvement(
            child=child,
            agency=w.mash.agency,
            kind=Kind.MASH_CONTACT,
            start=day,
            end=max(timezone.localdate(decided), day),
            team=w.mash.team,
        )
    )
    w.add(
        Decision(
            contact=contact,
            outcome=outcome,
            primary_need=need or primary_need(outcome, categories),
            rationale=rationale,
            decided_by=worker or w.mash.manager,
            decided_at=decided - timedelta(minutes=10),
            authorised_by=w.mash.manager,
            authorised_at=decided,
        )
    )
    w.clock("referral_decision", contact, child=child, anchor_at=received, agency=w.mash.agency, done_at=decided)
    return contact


class FrontDoor:
    def __init__(self, writer: HistoryWriter, children: Children):
        self.w = writer
        self.children = children
        # (child, day their earlier work ended): some are referred again after it.
        self.referred_before: list = []
        # Contacts decided as needing a strategy discussion: (contact, decided_at, CP involvement).
        self.for_strategy: list = []
        self.waiting = 0

    def load(self):
        for first, last in self.w.months():
            for _ in range(self.w.rng.randint(20, 28)):
                self.contact(self.w.working_day_in(first, last))

    def contact(self, day):
        w, rng = self.w, self.w.rng
        received = w.office_moment(day)
        if received > w.now - timedelta(minutes=30):
            received = w.now - timedelta(minutes=rng.randint(30, 300))
            # Just after midnight that is yesterday: the contact's work starts the day it came in.
            day = timezone.localdate(received)
        known = [child for child, free_from in self.referred_before if free_from < day]
        again = known and rng.random() < 0.15
        child = rng.choice(known) if again else self.children.new(by=w.mash.manager, born_by=day)
        if again:  # open to the front door again: free for another referral only once this one ends
            self.referred_before = [(c, free) for c, free in self.referred_before if c is not child]
        referrer, agency, role, source = rng.choice(REFERRERS)
        worker = w.pick(w.mash)
        decision_due = w.due("referral_decision", received)
        contact = w.add(
            Contact(
                child=child,
                received_at=received,
                referrer_name=referrer,
                referrer_agency=agency,
                referrer_role=role,
                referrer_contact="Through the office switchboard",
                referral_source=source,
                concerns="Fictional demo concern recorded for the history of the service.",
                categories=[rng.choice(CATEGORIES)],
                consent=Contact.Consent.GIVEN if rng.random() < 0.85 else Contact.Consent.NOT_SOUGHT,
                consent_reason="" if rng.random() < 0.85 else "Asking could put the child at risk.",
                allocated_to=worker,
                team=w.mash.team,
                agency=w.mash.agency,
                decision_due_at=decision_due.due_at,
            )
        )
        if contact.consent == Contact.Consent.NOT_SOUGHT and not contact.consent_reason:
            contact.consent_reason = "Asking could put the child at risk."
        w.add(Involvement(child=child, agency=w.mash.agency, kind=Kind.MASH_CONTACT, start=day, team=w.mash.team))
        mash_involvement = w._rows["Involvement"][-1]
        rag_clock = self.rate(contact, received, worker)
        # Decided by whichever is due first: the rating's screening target or the decision itself.
        first_due = ("referral_decision", decision_due.due_at)
        if rag_clock and rag_clock[1] < decision_due.due_at:
            first_due = rag_clock[:2]
        decided = w.finish(first_due[0], received, first_due[1], late=0.1, overdue=0.15)
        w.clock(
            "referral_decision",
            contact,
            child=child,
            anchor_at=received,
            agency=w.mash.agency,
            done_at=decided,
        )
        if rag_clock:
            w.clock(
                rag_clock[0],
                contact,
                child=child,
                anchor_at=rag_clock[2],
                agency=w.mash.agency,
                responsible=worker,
                done_at=decided,
            )
        if decided is None:
            self.undecided(contact, received, worker)
            return
        contact.status, contact.decided_at, contact.version = Contact.Status.DECIDED, decided, contact.version + 1
        mash_involvement.end = timezone.localtime(decided).date()
        outcome = self.w.rng.choices([o for o, _ in OUTCOMES], weights=[n for _, n in OUTCOMES])[0]
        w.add(
            Decision(
                contact=contact,
                outcome=outcome,
                primary_need=primary_need(outcome, contact.categories),
                rationale="Fictional demo rationale: the information gathered supports this decision.",
                decided_by=worker,
                decided_at=decided - timedelta(minutes=20),
                authorised_by=w.mash.manager,
                authorised_at=decided,
            )
        )
        self.carry_out(contact, outcome, decided)

    def rate(self, contact, received, worker):
        """Rate at screening (set_rag); a few are re-rated, which cancels the first rating's clock.
        Returns (rule code, due moment, rated at) of the rating in force, or None if not rated."""
        w, rng = self.w, self.w.rng
        rated = received + timedelta(minutes=rng.randint(10, 50))
        if rated > w.now or (received > w.now - timedelta(days=2) and rng.random() < 0.4):
            return None  # still waiting to be screened
        rag = rng.choices(["red", "amber", "green", "none"], weights=[15, 45, 35, 5])[0]
        changes = [("", rag, "", rated)]
        if rag == "amber" and rng.random() < 0.1:
            w.clock(
                "mash_rag_amber",
                contact,
                child=contact.child,
                anchor_at=rated,
                agency=w.mash.agency,
                responsible=worker,
                cancelled="Rating changed",
            )
            rated += timedelta(minutes=rng.randint(20, 90))
            rag = "red"
            changes.append(("amber", "red", "Agency checks showed a recent serious injury.", rated))
        for before, after, why, at in changes:
            w.add(
                RagChange(
                    contact=contact, from_rag=before, to_rag=after, rationale=why, changed_by=worker, changed_at=at
                )
            )
        contact.rag, contact.rag_rationale, contact.rag_rank = rag, changes[-1][2], Contact.RAG_RANKS[rag]
        contact.version += len(changes)
        if rag not in RAG_RULES:
            return None
        return RAG_RULES[rag], w.due(RAG_RULES[rag], rated).due_at, rated

    def undecided(self, contact, received, worker):
        """Still open: some have a proposed decision waiting for a MASH manager's authorisation."""
        if contact.rag and self.w.rng.random() < 0.35:
            self.w.add(
                Decision(
                    contact=contact,
                    outcome=Outcome.ASSESSMENT,
                    primary_need=primary_need(Outcome.ASSESSMENT, contact.categories),
                    rationale="Fictional demo rationale: needs assessment by a social worker.",
                    decided_by=worker,
                    decided_at=min(received + timedelta(hours=3), self.w.now - timedelta(minutes=5)),
                )
            )

    # What a decision starts (referrals.services._carry_out) ---------------------------------

    def carry_out(self, contact, outcome, decided: datetime):
        w = self.w
        child, day = contact.child, timezone.localtime(decided).date()
        if outcome == Outcome.ASSESSMENT:
            self.assessment(contact, decided)
        elif outcome == Outcome.STRATEGY_DISCUSSION:
            worker = w.pick(w.csc)
            involvement = w.add(
                Involvement(
                    child=child, agency=w.csc.agency, kind=Kind.CP, start=day, allocated_worker=worker, team=w.csc.team
                )
            )
            self.for_strategy.append((contact, decided, involvement))
        elif outcome == Outcome.CYJS_PREVENTION:
            self.episode(child, w.cyjs, Kind.YJ_PREVENTION, day, weeks=(10, 26))
        elif outcome == Outcome.EARLY_HELP:
            self.episode(child, w.csc, Kind.EARLY_HELP, day, weeks=(8, 30))
            self.referred_before.append((child, day))
        else:
            self.referred_before.append((child, day))

    def episode(self, child, service, kind, day, *, weeks):
        """A piece of work that runs for some weeks, allocated to one of the team's workers."""
        end = day + timedelta(weeks=self.w.rng.randint(*weeks))
        self.w.add(
            Involvement(
                child=child,
                agency=service.agency,
                kind=kind,
                start=day,
                end=end if end < self.w.today else None,
                allocated_worker=self.w.pick(service),
                team=service.team,
                closure_reason="Work completed." if end < self.w.today else "",
            )
        )

    def assessment(self, contact, decided: datetime):
        """The 45-working-day assessment: its clock runs from the referral, on the contact."""
        w, rng = self.w, self.w.rng
        child, day = contact.child, timezone.localtime(decided).date()
        # Recent work still waiting for a worker (at least one, for Team work to put first).
        unallocated = decided > w.now - timedelta(days=21) and (rng.random() < 0.35 or not self.waiting)
        self.waiting += int(unallocated)
        worker = None if unallocated else w.pick(w.csc)
        involvement = w.add(
            Involvement(
                child=child, agency=w.csc.agency, kind=Kind.CIN, start=day, allocated_worker=worker, team=w.csc.team
            )
        )
        assessment = w.add(
            Assessment(
                child=child,
                contact=contact,
                referral_received_at=contact.received_at,
                started_on=day,
                social_worker=worker,
                created_by=w.mash.manager,
            )
        )
        w.backdate(assessment, decided)
        due_at = w.due("assessment", contact.received_at).due_at
        done = None if unallocated else w.finish("assessment", decided, due_at, late=0.18, overdue=0.25)
        late_reason = "The family were away for three weeks." if done and done > due_at else ""
        w.clock(
            "assessment",
            contact,
            child=child,
            anchor_at=contact.received_at,
            agency=w.csc.agency,
            responsible=worker,
            done_at=done,
            lateness_reason=late_reason,
        )
        if worker is not None:
            assessment.child_seen_on = min(day + timedelta(days=rng.randint(1, 7)), w.today)
            assessment.child_seen_alone = rng.random() < 0.7
        if done is None:
            if worker is not None and decided < w.now - timedelta(days=30) and rng.random() < 0.4:
                assessment.status = Assessment.Status.AWAITING_SIGN_OFF
                assessment.analysis = "Fictional demo analysis, waiting for the manager's sign-off."
            return
        self.complete(assessment, involvement, done, late_reason)

    def complete(self, assessment, involvement, done: datetime, late_reason: str):
        w, rng = self.w, self.w.rng
        outcome = rng.choices(
            [
                Assessment.Outcome.NO_FURTHER_ACTION,
                Assessment.Outcome.CHILD_IN_NEED_PLAN,
                Assessment.Outcome.STEP_DOWN_EARLY_HELP,
            ],
            weights=[40, 45, 15],
        )[0]
        worker = assessment.social_worker
        assessment.status, assessment.outcome = Assessment.Status.COMPLETED, outcome
        assessment.analysis = "Fictional demo analysis of the child's needs and the family's strengths."
        assessment.outcome_rationale = "Fictional demo rationale for the outcome."
        assessment.completed_at, assessment.completed_by = done - timedelta(hours=4), worker
        assessment.signed_off_at, assessment.signed_off_by = done, w.csc.manager
        assessment.lateness_reason = late_reason
        assessment.factors = factors_found(rng, assessment.contact.categories, outcome)
        assessment.version = 4
        day = timezone.localtime(done).date()
        if outcome != Assessment.Outcome.CHILD_IN_NEED_PLAN:
            involvement.end, involvement.closed_by = day, worker
            involvement.closure_reason = assessment.get_outcome_display()
            involvement.closure_code = (
                CLOSED_NFA if outcome == Assessment.Outcome.NO_FURTHER_ACTION else CLOSED_EARLY_HELP
            )
            self.referred_before.append((assessment.child, day))
            return
        ends = day + timedelta(weeks=rng.randint(16, 52))
        ended = ends < w.today
        w.add(
            ChildInNeedPlan(
                child=assessment.child,
                assessment=assessment,
                started_on=day,
                lead_social_worker=worker,
                outcomes="Fictional demo outcomes for the child.",
                status=ChildInNeedPlan.Status.ENDED if ended else ChildInNeedPlan.Status.ACTIVE,
                ended_on=ends if ended else None,
                end_reason="Needs met." if ended else "",
                created_by=worker,
            )
        )
        if ended:
            involvement.end, involvement.closed_by, involvement.closure_reason = ends, worker, "Needs met."
            involvement.closure_code = NEEDS_MET
