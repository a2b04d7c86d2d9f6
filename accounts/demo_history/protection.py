"""Child protection over the year: strategy discussions, section 47 enquiries, initial and review
conferences, plans and core groups, with their clocks as casework.enquiry.services and
casework.conference.services start and stop them. Also plans that began before the year (some more
than two years ago) and children on a second plan."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from casework.models import (
    AbuseCategory,
    ChildProtectionConference,
    ChildProtectionPlan,
    CoreGroupMeeting,
    Involvement,
    Section47Enquiry,
    StrategyDiscussion,
)
from notifications.calendar import add_working_days
from referrals.models import Decision

from .front_door import NEEDS_MET, POLICE, SCHOOL, decided_referral
from .people import Children
from .writer import HistoryWriter

Conference = ChildProtectionConference
Outcome = Decision.Outcome
CATEGORIES = (
    [AbuseCategory.NEGLECT] * 4
    + [AbuseCategory.EMOTIONAL] * 3
    + [AbuseCategory.PHYSICAL] * 2
    + [
        AbuseCategory.SEXUAL,
        AbuseCategory.MULTIPLE,
    ]
)
LATE_CONFERENCE = "The chair's first available date was after the timescale."


class Protection:
    def __init__(self, writer: HistoryWriter, children: Children):
        self.w = writer
        self.children = children

    def load(self, from_front_door):
        for contact, decided, involvement in from_front_door:
            self.strategy(contact, decided, involvement)
        self.plans_from_before()

    def strategy(self, contact, decided: datetime, involvement):
        w, rng = self.w, self.w.rng
        child, lead = contact.child, involvement.allocated_worker
        discussion = w.add(StrategyDiscussion(child=child, contact=contact, created_by=w.mash.manager))
        held = w.after_working_days(decided, rng.choice((0, 1, 1, 2)))
        if held >= w.now:
            return  # to be held
        discussion.status, discussion.held_at = StrategyDiscussion.Status.HELD, held
        discussion.format = rng.choice(list(StrategyDiscussion.Format.values))
        discussion.risk_level = rng.choice(list(StrategyDiscussion.RiskLevel.values))
        discussion.initiates_section_47 = rng.random() < 0.85
        discussion.decision_rationale = "Fictional demo rationale agreed with police and health."
        discussion.criminal_investigation = rng.random() < 0.3
        discussion.recorded_by = lead or w.csc.manager
        discussion.version = 2
        if not discussion.initiates_section_47:
            self.close(involvement, held, "No section 47 enquiry needed.")
            return
        enquiry = w.add(
            Section47Enquiry(
                child=child,
                strategy_discussion=discussion,
                started_on=timezone.localtime(held).date(),
                lead_social_worker=lead,
                joint_with_police=discussion.criminal_investigation,
                created_by=lead or w.csc.manager,
            )
        )
        self.enquiry(enquiry, held, involvement)

    def enquiry(self, enquiry, held: datetime, involvement):
        """Concluded about eight working days on: not substantiated cancels the conference clock."""
        w, rng = self.w, self.w.rng
        lead = enquiry.lead_social_worker
        concluded = w.after_working_days(held, rng.randint(5, 10))
        substantiated = rng.random() < 0.7
        icpc = dict(child=enquiry.child, anchor_at=held, agency=w.csc.agency, responsible=lead)
        if concluded >= w.now:
            w.clock("icpc", enquiry, **icpc)
            return
        self.conclude(enquiry, concluded, substantiated=substantiated)
        if not substantiated:
            w.clock("icpc", enquiry, **icpc, cancelled="Concerns not substantiated: no initial conference")
            self.close(involvement, concluded, "Concerns not substantiated.")
            return
        due_at = w.due("icpc", held).due_at
        conference_at = w.finish("icpc", concluded, due_at, late=0.15, overdue=0.3)
        if conference_at is not None:
            conference_at = w.on_working_day(conference_at, earliest=concluded)
        w.clock("icpc", enquiry, **icpc, done_at=conference_at, lateness_reason=LATE_CONFERENCE)
        if conference_at is None:
            arranged = w.add(
                Conference(
                    child=enquiry.child, kind=Conference.Kind.INITIAL, enquiry=enquiry, created_by=lead or w.csc.manager
                ),
                "initial_conference",
            )
            # Every conference waiting to be held has its chair, so the chair's tray shows it.
            arranged.chair = w.rng.choice(w.chairs)
            if due_at > w.now:
                arranged.scheduled_for = due_at - timedelta(hours=5)
            return
        if rng.random() < 0.12:
            self.initial_conference(enquiry.child, conference_at, lead, enquiry=enquiry, plan_needed=False)
            self.close(involvement, conference_at, "The conference decided no plan was needed.")
            return
        self.plan(enquiry.child, conference_at, lead, enquiry=enquiry, involvement=involvement)

    def conclude(self, enquiry, concluded: datetime, *, substantiated: bool):
        enquiry.status, enquiry.outcome_recorded_at = Section47Enquiry.Status.CONCLUDED, concluded
        enquiry.outcome_recorded_by = enquiry.lead_social_worker
        enquiry.child_seen_on = enquiry.started_on + timedelta(days=1)
        enquiry.outcome_rationale = "Fictional demo rationale for the outcome of the enquiries."
        enquiry.enquiries_summary = "Fictional demo summary of what the enquiries found."
        if substantiated:
            enquiry.outcome = Section47Enquiry.Outcome.SUBSTANTIATED
        else:
            enquiry.outcome, enquiry.next_step = Section47Enquiry.Outcome.NOT_SUBSTANTIATED, "nfa"

    def close(self, involvement, at: datetime, reason: str, code: str = NEEDS_MET):
        """Close the child protection work; `code` is why, in the census's codes (after a strategy
        discussion or enquiry the case is not closed "after assessment": RC8 and RC9 are for a
        single assessment's outcome)."""
        involvement.end = max(timezone.localtime(at).date(), involvement.start)
        involvement.closed_by, involvement.closure_reason = involvement.allocated_worker, reason
        involvement.closure_code = code

    def initial_conference(self, child, held_at, lead, *, enquiry=None, plan_needed=True):
        chair = self.w.rng.choice(self.w.chairs)
        return self.w.backdate(
            self._initial_conference(child, held_at, lead, chair, enquiry, plan_needed), held_at - timedelta(days=7)
        )

    def _initial_conference(self, child, held_at, lead, chair, enquiry, plan_needed):
        return self.w.add(
            Conference(
                child=child,
                kind=Conference.Kind.INITIAL,
                status=Conference.Status.HELD,
                enquiry=enquiry,
                scheduled_for=held_at,
                held_at=held_at,
                chair=chair,
                reports_shared_with_parents=True,
                parents_told_about_advocacy=True,
                plan_needed=plan_needed,
                category=self.w.rng.choice(CATEGORIES) if plan_needed else "",
                lead_social_worker=lead,
                decision_reasons="Fictional demo reasons given by the conference.",
                outline_plan="Fictional demo outline plan." if plan_needed else "",
                recorded_by=chair,
                version=2,
                created_by=lead or self.w.csc.manager,
            ),
            "initial_conference",
        )

    def plan(self, child, held_at: datetime, lead, *, enquiry=None, involvement=None, ends_by=None, may_end=True):
        """A plan from an initial conference, its first core group and its reviews until now (or
        until a review ends it, or `ends_by` for a plan that ended before the year)."""
        w, rng = self.w, self.w.rng
        if enquiry is None:
            enquiry, involvement = self.enquiry_before(child, held_at, lead)
        conference = self.initial_conference(child, held_at, lead, enquiry=enquiry)
        plan = w.add(
            ChildProtectionPlan(
                child=child,
                initial_conference=conference,
                started_on=timezone.localtime(held_at).date(),
                category=conference.category,
                lead_social_worker=lead,
                detail="Fictional demo plan: what must change, by how much and by when.",
                created_by=conference.chair,
            )
        )
        w.backdate(plan, held_at)
        on_plan = dict(child=child, agency=w.csc.agency, responsible=lead)
        core_due = w.due("core_group_first", held_at).due_at
        core_at = w.finish("core_group_first", held_at, core_due, late=0.1, overdue=0.3)
        w.clock("core_group_first", plan, anchor_at=held_at, done_at=core_at, **on_plan)
        if core_at is not None:
            w.add(
                CoreGroupMeeting(
                    plan=plan,
                    child=child,
                    held_on=timezone.localtime(core_at).date(),
                    progress="Fictional demo progress.",
                    recorded_by=lead,
                )
            )
        code, previous = "cp_review_first", held_at
        while True:
            due_at = w.due(code, previous).due_at
            limit = ends_by or w.now
            review_at = w.finish(code, previous, due_at, late=0.12, overdue=0.3) if due_at <= limit else None
            if ends_by is not None and (review_at is None or review_at > ends_by):
                review_at = min(ends_by, due_at)
            if review_at is not None:
                review_at = w.on_working_day(review_at, earliest=previous + timedelta(days=1))
            ending = ends_by is not None and review_at >= ends_by
            if may_end and review_at is not None and review_at > held_at + timedelta(days=240):
                ending = ending or rng.random() < 0.3
            w.clock(code, plan, anchor_at=previous, started_at=previous, done_at=review_at, **on_plan)
            if review_at is None:
                self.arrange_review(plan, due_at, lead)
                return plan
            self.review(plan, review_at, lead, continues=not ending)
            if ending:
                self.end(plan, involvement, review_at)
                return plan
            code, previous = "cp_review_next", review_at

    def enquiry_before(self, child, held_at: datetime, lead):
        """What led to an initial conference held at `held_at` (a working day) for work that began
        without the year's front door: the referral decided for a strategy discussion, the child
        protection involvement it opened, the discussion and the section 47 enquiry it started,
        concluded with the concerns substantiated, the conference in time. Returns (enquiry, involvement)."""
        w, rng = self.w, self.w.rng
        conference_day = timezone.localtime(held_at).date()
        discussed_on = add_working_days(conference_day, -rng.randint(8, 13), calendar=w.calendar)
        referred_on = add_working_days(discussed_on, -rng.choice((0, 1, 1, 2)), calendar=w.calendar)
        category = rng.choice(["neglect", "physical", "emotional", "sexual", "domestic_abuse"])
        contact = decided_referral(
            w,
            child,
            w.moment(referred_on, 9, rng.choice((5, 20, 35))),
            referrer=rng.choice((POLICE, SCHOOL, POLICE)),
            outcome=Outcome.STRATEGY_DISCUSSION,
            categories=[category],
            rationale="Fictional demo rationale: reasonable cause to suspect significant harm.",
        )
        involvement = w.add(
            Involvement(
                child=child,
                agency=w.csc.agency,
                kind=Involvement.Kind.CP,
                start=referred_on,
                allocated_worker=lead,
                team=w.csc.team if lead else None,
            )
        )
        held = w.moment(discussed_on, 14)
        discussion = w.add(
            StrategyDiscussion(
                child=child,
                contact=contact,
                status=StrategyDiscussion.Status.HELD,
                held_at=held,
                format=rng.choice(list(StrategyDiscussion.Format.values)),
                risk_level=StrategyDiscussion.RiskLevel.HIGH,
                initiates_section_47=True,
                decision_rationale="Fictional demo rationale agreed with police and health.",
                criminal_investigation=rng.random() < 0.3,
                recorded_by=lead or w.csc.manager,
                version=2,
                created_by=w.mash.manager,
            )
        )
        enquiry = w.add(
            Section47Enquiry(
                child=child,
                strategy_discussion=discussion,
                started_on=discussed_on,
                lead_social_worker=lead,
                joint_with_police=discussion.criminal_investigation,
                created_by=lead or w.csc.manager,
            )
        )
        concluded_on = add_working_days(discussed_on, rng.randint(5, 7), calendar=w.calendar)
        self.conclude(enquiry, w.moment(min(concluded_on, conference_day), 11), substantiated=True)
        on_enquiry = dict(child=child, agency=w.csc.agency, responsible=lead)
        w.clock("icpc", enquiry, anchor_at=held, done_at=held_at, lateness_reason=LATE_CONFERENCE, **on_enquiry)
        return enquiry, involvement

    def arrange_review(self, plan, due_at: datetime, lead):
        """The next review, arranged with its chair: on a date before it is due, or not yet dated if overdue."""
        w = self.w
        arranged = w.add(
            Conference(
                child=plan.child,
                kind=Conference.Kind.REVIEW,
                plan=plan,
                chair=w.rng.choice(w.chairs),
                created_by=lead or w.csc.manager,
            ),
            "review_conference",
        )
        if due_at > w.now:
            last = timezone.localtime(due_at).date() - timedelta(days=1)
            day = w.working_day_in(max(last - timedelta(days=7), timezone.localdate(w.now)), last)
            arranged.scheduled_for = timezone.make_aware(datetime.combine(day, time(w.rng.choice((10, 14)))))

    def review(self, plan, held_at, lead, *, continues: bool):
        chair = self.w.rng.choice(self.w.chairs)
        review = self.w.add(
            Conference(
                child=plan.child,
                kind=Conference.Kind.REVIEW,
                status=Conference.Status.HELD,
                plan=plan,
                scheduled_for=held_at,
                held_at=held_at,
                chair=chair,
                reports_shared_with_parents=True,
                parents_told_about_advocacy=True,
                plan_needed=continues,
                category=plan.category if continues else "",
                lead_social_worker=lead,
                decision_reasons="Fictional demo reasons given by the review conference.",
                recorded_by=chair,
                version=2,
                created_by=lead or self.w.csc.manager,
            ),
            "review_conference",
        )
        self.w.backdate(review, held_at - timedelta(days=14))

    def end(self, plan, involvement, at: datetime):
        plan.status, plan.ended_on = ChildProtectionPlan.Status.ENDED, timezone.localtime(at).date()
        plan.end_reason = ChildProtectionPlan.EndReason.NO_LONGER_AT_RISK
        plan.ended_by, plan.version = plan.initial_conference.chair, 2
        self.close(involvement, at, "The child protection plan ended.")

    def plans_from_before(self):
        """Plans that began before the year (a third more than two years ago), and children whose
        plan in the year is their second."""
        w, rng = self.w, self.w.rng
        # Born well before the referral that began the first plan (some weeks before it).
        referred_by = timedelta(weeks=6)
        for n in range(14):
            earliest, latest = (1000, 760) if n < 5 else (700, 380)  # days ago
            began = w.working_day_in(w.today - timedelta(days=earliest), w.today - timedelta(days=latest))
            child = self.children.new(youngest=2, oldest=14, by=w.csc.manager, born_by=began - referred_by)
            self.plan_from_before(child, w.office_moment(began))
        for _ in range(8):
            first = w.office_moment(w.working_day_in(w.today - timedelta(days=1100), w.today - timedelta(days=800)))
            born_by = timezone.localdate(first) - referred_by
            child = self.children.new(youngest=4, oldest=15, by=w.csc.manager, born_by=born_by)
            ended = first + timedelta(days=rng.randint(300, 420))
            lead = w.pick(w.csc)
            self.plan(child, first, lead, ends_by=ended)
            again = w.office_moment(w.working_day_in(w.start + timedelta(days=20), w.today - timedelta(days=20)))
            self.plan(child, again, w.pick(w.csc))

    def plan_from_before(self, child, began: datetime):
        self.plan(child, began, self.w.pick(self.w.csc), may_end=False)
