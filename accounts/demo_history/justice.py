"""Looked-after children and youth justice over the year: remands with their placement planning
clocks, children in care, court orders and custodial sentences with the resettlement countdown,
serious incidents with the YJB notice, and harmful sexual behaviour hub AIM assessments; each
written as casework.court, orders, incidents and hsb services would write it."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from casework.models import HsbConsultation, Involvement, Remand, SeriousIncident, YouthJusticeOrder
from referrals.models import Decision

from .front_door import HOSPITAL, NEEDS_MET, POLICE, SCHOOL, YOUTH_JUSTICE, decided_referral
from .people import Children
from .writer import HistoryWriter

Kind = Involvement.Kind
Outcome = Decision.Outcome
# How a time in care ended, in the census's reasons for closure: (code, what the worker wrote).
LEFT_CARE = [
    (NEEDS_MET, "Returned home to a parent; no longer in need of services."),
    (NEEDS_MET, "Returned home to a parent; no longer in need of services."),
    ("RC4", "A special guardianship order was made."),
    ("RC3", "A child arrangements order was made for the child to live with a relative."),
]


class Justice:
    def __init__(self, writer: HistoryWriter, children: Children):
        self.w = writer
        self.children = children
        self.sentenced: list = []

    def load(self):
        self.in_care()
        months = self.w.months()
        for n, (first, last) in enumerate(months):
            self.remand(self.w.working_day_in(first, last))
            for _ in range(2):
                self.community_order(self.w.working_day_in(first, last))
            # An incident is about a child serving a sentence from an earlier month (open to CYJS).
            self.serious_incident(first, last, newest=n == len(months) - 1)
            self.custodial_order(self.w.working_day_in(first, last))
            self.hsb(self.w.working_day_in(first, last))

    def involvement(self, child, service, kind, start, *, end=None, **extra):
        return self.w.add(
            Involvement(
                child=child,
                agency=service.agency,
                kind=kind,
                start=start,
                end=end if end is not None and end < self.w.today else None,
                allocated_worker=self.w.pick(service),
                team=service.team,
                **extra,
            )
        )

    def in_care(self):
        """Children looked after under a care order or by agreement, some since before the year."""
        w, rng = self.w, self.w.rng
        for n in range(24):
            start = w.working_day_in(w.today - timedelta(days=1500), w.today - timedelta(days=10))
            child = self.children.new(youngest=1, oldest=16, by=w.csc.manager, born_by=start - timedelta(days=60))
            basis = rng.choice([Involvement.LegalBasis.CARE_ORDER, Involvement.LegalBasis.SECTION_20])
            # Looked after the day the referral came in: the police or a hospital found the child
            # unsafe at home, or a school found the child with no one to look after them.
            decided_referral(
                w,
                child,
                w.office_moment(start),
                referrer=rng.choice((POLICE, HOSPITAL, SCHOOL)),
                outcome=Outcome.IMMEDIATE_PROTECTION,
                categories=[rng.choice(["neglect", "physical", "emotional"])],
                rationale="Fictional demo rationale: the child cannot safely stay at home tonight.",
            )
            end = start + timedelta(days=rng.randint(200, 900)) if n % 4 == 0 else None
            code, why = rng.choice(LEFT_CARE)
            cla = self.involvement(child, w.csc, Kind.CLA, start, end=end, legal_basis=basis, is_lead_agency=True)
            if cla.end is not None:
                cla.closure_code, cla.closure_reason, cla.closed_by = code, why, cla.allocated_worker

    def remand(self, day):
        """Remand to local authority accommodation: looked after from its start, a CSC CLA
        involvement, and the placement planning meeting and CLA notices due in 5 working days."""
        w, rng = self.w, self.w.rng
        child = self.children.new(youngest=12, oldest=17, by=w.cyjs.manager)
        end = day + timedelta(days=rng.randint(14, 70))
        self.involvement(child, w.cyjs, Kind.YJ_REMAND, day, end=end, is_lead_agency=True)
        # The youth justice officer at court tells the front door the child is remanded to the
        # council's care: a referral for social care's assessment of the child's needs.
        decided_referral(
            w,
            child,
            w.moment(day, 15, rng.choice((10, 30, 50))),
            referrer=YOUTH_JUSTICE,
            outcome=Outcome.ASSESSMENT,
            categories=["other"],
            rationale="Fictional demo rationale: remanded to local authority accommodation, so looked after.",
            need="N6",  # socially unacceptable behaviour
        )
        cla = self.involvement(child, w.csc, Kind.CLA, day, end=end, legal_basis=Involvement.LegalBasis.REMAND_LA)
        if cla.end is not None:
            cla.closure_code, cla.closed_by = NEEDS_MET, cla.allocated_worker
            cla.closure_reason = "The remand ended: released on bail to live at home."
        remand = w.add(
            Remand(
                child=child,
                kind=Remand.Kind.LOCAL_AUTHORITY,
                started_on=day,
                ended_on=cla.end,
                looked_after=True,
                cla_involvement=cla,
                placement=rng.choice([Remand.Placement.FOSTER_CARE, Remand.Placement.RESIDENTIAL]),
                created_by=cla.allocated_worker or w.cyjs.manager,
            )
        )
        anchor = w.moment(day)
        meeting = w.finish("placement_planning_meeting", anchor, w.due("placement_planning_meeting", anchor).due_at)
        if meeting is not None:
            remand.placement_planning_meeting_on = timezone.localtime(meeting).date()
        on_remand = dict(child=child, anchor_at=anchor, agency=w.csc.agency, responsible=cla.allocated_worker)
        w.clock("placement_planning_meeting", remand, done_at=meeting, **on_remand)
        told = w.finish("cla_notifications", anchor, w.due("cla_notifications", anchor).due_at)
        w.clock("cla_notifications", remand, done_at=told, **on_remand)

    def community_order(self, day):
        w, rng = self.w, self.w.rng
        child = self.children.new(youngest=11, oldest=17, by=w.cyjs.manager)
        kind = rng.choice([YouthJusticeOrder.Kind.REFERRAL_ORDER, YouthJusticeOrder.Kind.YOUTH_REHABILITATION_ORDER])
        ends = day + timedelta(days=rng.randint(90, 365))
        involvement = self.involvement(child, w.cyjs, Kind.YJ_COURT_ORDER, day, end=ends, is_lead_agency=True)
        w.add(
            YouthJusticeOrder(
                child=child,
                agency=w.cyjs.agency,
                involvement=involvement,
                kind=kind,
                made_on=day,
                ends_on=ends,
                ended_on=involvement.end,
                requirements="Fictional demo requirements: supervision and reparation.",
                created_by=involvement.allocated_worker or w.cyjs.manager,
            )
        )

    def custodial_order(self, day):
        """A detention and training order: the resettlement plan is due 21 days before release."""
        w, rng = self.w, self.w.rng
        child = self.children.new(youngest=14, oldest=17, by=w.cyjs.manager)
        self.sentenced.append(child)
        release = day + timedelta(days=rng.randint(60, 180))
        involvement = self.involvement(child, w.cyjs, Kind.YJ_CUSTODY, day, is_lead_agency=True)
        order = w.add(
            YouthJusticeOrder(
                child=child,
                agency=w.cyjs.agency,
                involvement=involvement,
                kind=YouthJusticeOrder.Kind.DETENTION_AND_TRAINING_ORDER,
                made_on=day,
                ends_on=day + 2 * (release - day),
                expected_release_on=release,
                establishment_name="A fictional young offender institution",
                created_by=involvement.allocated_worker or w.cyjs.manager,
            )
        )
        anchor = timezone.make_aware(datetime.combine(release, time(9)))
        started = w.moment(day, 15)
        plan_done = w.finish("resettlement_planning", started, w.due("resettlement_planning", anchor).due_at)
        if plan_done is not None:
            order.resettlement_plan_completed_on = timezone.localtime(plan_done).date()
            order.post_release_accommodation = "Home with a parent"
        w.clock(
            "resettlement_planning",
            order,
            child=child,
            anchor_at=anchor,
            started_at=started,
            agency=w.cyjs.agency,
            responsible=involvement.allocated_worker,
            done_at=plan_done,
        )

    def serious_incident(self, first, last, *, newest: bool):
        """A very serious offence: the YJB is told on the day of the charge (yjb_serious_incident_notification)."""
        w, rng = self.w, self.w.rng
        if not self.sentenced:
            self.custodial_order(first)
        child = rng.choice(self.sentenced)
        if newest:
            charged = w.now - timedelta(minutes=5) if w.now.hour < 9 else w.moment(w.today, 9)
            occurred = charged - timedelta(hours=20)
        else:
            occurred = w.office_moment(w.working_day_in(first, last))
            charged = occurred + timedelta(hours=rng.randint(6, 40))
        aware = occurred + timedelta(hours=2)
        charged = min(max(charged, aware), w.now)
        worker = w.pick(w.cyjs)
        due_at = w.due("yjb_serious_incident_notification", charged).due_at
        told = None if newest else w.finish("yjb_serious_incident_notification", charged, due_at, late=0.2, overdue=0.3)
        submitted_at = told + timedelta(days=2) if told is not None and told < w.now - timedelta(days=3) else None
        submitted = submitted_at is not None
        incident = w.add(
            SeriousIncident(
                child=child,
                agency=w.cyjs.agency,
                occurred_at=occurred,
                aware_at=aware,
                charged_at=charged,
                category=SeriousIncident.Category.SERIOUS_OFFENCE,
                summary="Fictional demo summary of a serious offence.",
                known_to=SeriousIncident.KnownTo.CYJS_ONLY,
                status=SeriousIncident.Status.SUBMITTED if submitted else SeriousIncident.Status.DRAFT,
                completed_by=worker,
                verified_by=w.cyjs.manager if submitted else None,
                verified_at=told - timedelta(hours=3) if submitted_at and told else None,
                quality_assured_by=w.cyjs.manager if submitted else None,
                quality_assured_at=told - timedelta(hours=1) if submitted_at and told else None,
                submitted_by=w.cyjs.manager if submitted else None,
                submitted_at=submitted_at,
                yjb_notifiable=True,
                yjb_notified_at=told,
                csc_told_at=told,
            )
        )
        w.backdate(incident, aware + timedelta(minutes=30))
        w.clock(
            "yjb_serious_incident_notification",
            incident,
            child=child,
            anchor_at=charged,
            started_at=charged,
            agency=w.cyjs.agency,
            done_at=told,
        )

    def hsb(self, day):
        """A consultation accepted by the hub: the AIM assessment is due 45 working days from
        the first meeting with the child."""
        w, rng = self.w, self.w.rng
        child = self.children.new(youngest=10, oldest=17, by=w.csc.manager)
        practitioner = w.pick(w.cyjs)
        requested = day - timedelta(days=rng.randint(7, 20))
        met = day
        status = HsbConsultation.Status.AIM_ASSESSMENT
        consultation = w.add(
            HsbConsultation(
                child=child,
                requested_by=w.pick(w.csc) or w.csc.manager,
                requested_on=requested,
                behaviour_last_on=requested - timedelta(days=rng.randint(3, 30)),
                lives_in_authority=True,
                concerns="Fictional demo concerns about harmful sexual behaviour.",
                status=status,
                consultation_on=requested + timedelta(days=3),
                hackett=rng.choice([HsbConsultation.Hackett.PROBLEMATIC, HsbConsultation.Hackett.ABUSIVE]),
                consultation_outcome="Fictional demo outcome: an AIM assessment is needed.",
                aim_practitioner=practitioner,
                first_meeting_with_child_on=met,
            )
        )
        self.w.add(
            Involvement(
                child=child,
                agency=w.cyjs.agency,
                kind=Kind.HSB_HUB,
                start=requested + timedelta(days=3),
                allocated_worker=practitioner,
                team=w.cyjs.team,
            )
        )
        anchor = timezone.make_aware(datetime.combine(met, time(12)))
        done = w.finish("aim_assessment", anchor, w.due("aim_assessment", anchor).due_at)
        if done is not None:
            consultation.aim_completed_on = timezone.localtime(done).date()
        w.clock(
            "aim_assessment",
            consultation,
            child=child,
            anchor_at=anchor,
            started_at=w.moment(met),
            agency=practitioner.agency if practitioner else w.cyjs.agency,
            responsible=practitioner,
            done_at=done,
        )
