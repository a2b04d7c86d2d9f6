"""What every part of the demo history shares: the authority's people, a seeded random source,
and statutory clocks written as notifications.clocks.start_clock / stop_clock would leave them.

Rows are collected in memory and written with bulk_create, one INSERT batch a model, so a year of
history loads in seconds. Clocks are written last, once their subjects have primary keys.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from accounts.line_management import team_members
from accounts.models import Agency, Role, Team, User
from notifications.calendar import add_working_days
from notifications.clocks import action_times, calendar_for, next_action_at, office_hours_for
from notifications.models import Deadline
from notifications.rules import rule_in_force
from notifications.timescales import compute_due

BATCH = 500

# Children of the history live in the fictional postcode district ZZ9: it marks the history as loaded.
POSTCODE_DISTRICT = "ZZ9"

# Rows that others point at come first. An initial conference comes before the plan it made,
# and the plan before its review conferences.
SAVE_ORDER = [
    "Child",
    "Contact",
    "RagChange",
    "Decision",
    "Involvement",
    "Assessment",
    "ChildInNeedPlan",
    "StrategyDiscussion",
    "Section47Enquiry",
    "initial_conference",
    "ChildProtectionPlan",
    "review_conference",
    "CoreGroupMeeting",
    "Remand",
    "YouthJusticeOrder",
    "SeriousIncident",
    "HsbConsultation",
]


@dataclass
class Service:
    """One agency of the demo authority, its demo team, the team's manager and its workers."""

    agency: Agency | None
    team: Team | None
    manager: User | None
    workers: list[User | None]


class HistoryWriter:
    def __init__(self, *, authority, today: date, seed: int = 888):
        self.rng = random.Random(seed)
        self.authority = authority
        self.today = today
        self.now = timezone.now()
        self.start = today - timedelta(days=365)
        self.calendar = calendar_for(authority)
        self.office = office_hours_for(authority)
        self._rules: dict = {}
        self._types: dict = {}
        self._clocks: list[tuple[Deadline, Model]] = []
        self._rows: dict[str, list] = defaultdict(list)
        self._past: Counter = Counter()
        self._made_at: list[tuple[Model, datetime]] = []
        self._overdue_shown: set[str] = set()
        self.services = {kind: self._service(kind) for kind in (Agency.Kind.CSC, Agency.Kind.CYJS, Agency.Kind.MASH)}
        self.chairs: list[User | None] = list(
            User.objects.filter(agency__authority=authority, role=Role.CONFERENCE_CHAIR, is_active=True).order_by(
                "username"
            )
        ) or [self.csc.manager]

    def _service(self, kind) -> Service:
        agency = Agency.objects.filter(authority=self.authority, kind=kind).order_by("id").first()
        team = Team.objects.filter(agency=agency).select_related("manager").order_by("id").first()
        members = list(team_members(team)) if team else []
        doers = {Role.PRACTITIONER, Role.MASH_WORKER}
        manager = team.manager if team else None
        workers: list[User | None] = [m for m in members if m.role in doers] or [m for m in members if m != manager]
        return Service(agency, team, manager, workers or [manager])

    @property
    def csc(self) -> Service:
        return self.services[Agency.Kind.CSC]

    @property
    def cyjs(self) -> Service:
        return self.services[Agency.Kind.CYJS]

    @property
    def mash(self) -> Service:
        return self.services[Agency.Kind.MASH]

    # Time ---------------------------------------------------------------------------------------

    def moment(self, day: date, hour: int = 12, minute: int = 0) -> datetime:
        """A local moment on `day`, never later than now."""
        return min(timezone.make_aware(datetime.combine(day, time(hour, minute))), self.now)

    def working_day_in(self, first: date, last: date) -> date:
        """A random working day between two dates (inclusive), or `last` if there is none."""
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        working = [d for d in days if self.calendar.is_working_day(d)]
        return self.rng.choice(working) if working else last

    def on_working_day(self, moment: datetime, *, earliest: datetime) -> datetime:
        """The moment moved to a working day (a meeting is not held at a weekend or on a bank
        holiday): the next one if that has come, else the last one not before `earliest`."""
        local = timezone.localtime(moment)
        if self.calendar.is_working_day(local.date()):
            return moment
        later = add_working_days(local.date(), 1, calendar=self.calendar)
        if self.moment(later, local.hour, local.minute) < self.now:
            return self.moment(later, local.hour, local.minute)
        day = local.date() - timedelta(days=1)
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return max(self.moment(day, local.hour, local.minute), earliest)

    def office_moment(self, day: date) -> datetime:
        return self.moment(day, self.rng.randint(8, 16), self.rng.choice((0, 10, 25, 40, 55)))

    def after_working_days(self, moment: datetime, n: int) -> datetime:
        day = add_working_days(timezone.localtime(moment).date(), n, calendar=self.calendar)
        return self.office_moment(day)

    def months(self) -> list[tuple[date, date]]:
        """(first, last) day of each month of the past year, oldest first, the last one ending today."""
        spans, first = [], self.start.replace(day=1)
        while first <= self.today:
            following = (first + timedelta(days=32)).replace(day=1)
            spans.append((max(first, self.start), min(following - timedelta(days=1), self.today)))
            first = following
        return spans

    def pick(self, service: Service) -> User | None:
        return self.rng.choice(service.workers) if service.workers else None

    # Rows ---------------------------------------------------------------------------------------

    def add(self, row, group: str = ""):
        """Keep a row to write later; rows may refer to rows not yet written (saved in SAVE_ORDER)."""
        self._rows[group or type(row).__name__].append(row)
        return row

    def backdate(self, row, moment: datetime):
        """Record when the row was made: created_at is set on insert (auto_now_add), so it is
        put back to the moment in the history afterwards."""
        self._made_at.append((row, moment))
        return row

    def write_rows(self) -> dict[str, int]:
        counts = {}
        for group in SAVE_ORDER:
            rows = self._rows.pop(group, [])
            if rows:
                type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)
                counts[group] = len(rows)
        if self._rows:
            raise ValueError(f"No save order for {sorted(self._rows)}")  # a mistake in this package
        counts["Deadline"] = self._write_clocks()
        made: dict[type[Model], list] = defaultdict(list)
        for row, moment in self._made_at:
            setattr(row, "created_at", moment)  # noqa: B010 (every backdated model has it; Model does not say so)
            made[type(row)].append(row)
        for model, rows in made.items():
            model._default_manager.bulk_update(rows, ["created_at"], batch_size=BATCH)
        return counts

    # Clocks ---------------------------------------------------------------------------------------

    def rule(self, code: str):
        if code not in self._rules:
            self._rules[code] = rule_in_force(code, self.authority)
        return self._rules[code]

    def due(self, code: str, anchor_at: datetime):
        return compute_due(self.rule(code), anchor_at, calendar=self.calendar, office=self.office)

    def finish(self, code: str, begun: datetime, due_at: datetime, *, late=0.15, overdue=0.08) -> datetime | None:
        """When a step timed by rule `code` was done: mostly in time, sometimes late; None while it
        is still to do (not yet due, or overdue in the last four weeks).

        So that every rule shows each kind of clock whatever day the history is loaded, each rule's
        first step due in the last four weeks is left overdue, and every sixth past one is late.
        """
        roll, recent = self.rng.random(), due_at > self.now - timedelta(days=28)
        if due_at > self.now:
            if roll < 0.3 and begun < self.now - timedelta(hours=2):
                return self._in_office_hours(code, begun, begun + (self.now - begun) * self.rng.uniform(0.3, 0.9))
            return None
        if recent and (roll < overdue or code not in self._overdue_shown):
            self._overdue_shown.add(code)
            return None
        self._past[code] += 1
        if self._past[code] % 6 == 3 or self.rng.random() < late:
            done = due_at + timedelta(days=self.rng.randint(3, 12), hours=self.rng.randint(0, 6))
            return self._in_office_hours(code, begun, done) if done < self.now else None
        span = max((due_at - begun).total_seconds(), 60)
        return self._in_office_hours(code, begun, begun + timedelta(seconds=span * self.rng.uniform(0.25, 0.98)))

    def _in_office_hours(self, code: str, begun: datetime, done: datetime) -> datetime:
        """Meetings and decisions timed in days happen in office hours on the day chosen."""
        if self.rule(code).unit in ("hours", "working_hours"):
            return done
        moment = timezone.localtime(done).replace(hour=self.rng.randint(9, 16), minute=self.rng.choice((0, 30)))
        return moment if begun <= moment <= self.now else done

    def clock(
        self,
        code: str,
        subject,
        *,
        child,
        anchor_at: datetime,
        agency,
        started_at: datetime | None = None,
        responsible=None,
        done_at: datetime | None = None,
        cancelled: str = "",
        lateness_reason: str = "Waiting for information from a partner agency.",
    ) -> Deadline:
        """One clock as start_clock writes it, then closed as stop_clock or cancel_clock would
        (or, left open past its due moment, as the sweep leaves it: breached, notices sent)."""
        rule = self.rule(code)
        due = self.due(code, anchor_at)
        deadline = Deadline(
            rule=rule,
            rule_code=rule.code,
            rule_version=rule.version,
            child=child,
            responsible=responsible,
            agency=agency,
            started_at=started_at or anchor_at,
            anchor_at=anchor_at,
            due_at=due.due_at,
            due_date=due.due_date,
            explanation=due.explanation,
            calendar_used=due.calendar_used,
        )
        reminders, _, escalations = action_times(deadline, rule, self.calendar, self.office)
        if cancelled:
            deadline.status, deadline.lateness_reason = Deadline.Status.CANCELLED, cancelled
        elif done_at is not None:
            late = done_at > due.due_at
            deadline.status = Deadline.Status.MET_LATE if late else Deadline.Status.MET
            deadline.met_at = done_at
            deadline.lateness_reason = lateness_reason if late else ""
        elif due.due_at <= self.now:
            deadline.status = Deadline.Status.BREACHED
            deadline.escalation_level = sum(1 for moment in escalations if moment <= self.now)
        deadline.reminders_sent = sum(1 for moment in reminders if moment <= min(self.now, due.due_at))
        if deadline.status == Deadline.Status.BREACHED:
            deadline.reminders_sent = len(reminders)
        deadline.next_action_at = next_action_at(deadline, rule, self.calendar, self.office)
        self._clocks.append((deadline, subject))
        return deadline

    def _write_clocks(self) -> int:
        rows = []
        for deadline, subject in self._clocks:
            model = type(subject)
            if model not in self._types:
                self._types[model] = ContentType.objects.get_for_model(model)
            deadline.subject_type = self._types[model]
            deadline.subject_id = subject.pk
            rows.append(deadline)
        Deadline.objects.bulk_create(rows, batch_size=BATCH)
        self._clocks = []
        return len(rows)
