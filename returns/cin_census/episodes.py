"""A child's children in need episodes, worked out from what the records hold.

The census counts a child's time with children's social care in episodes: each starts with a
referral and ends when the case closes. This system records the referral (a contact decided as
a referral at the front door) and the social care involvements that follow it (child in need,
child protection, looked after), so:

- Each run of children's social care involvements with no gap between them (one may close the
  day before the next opens) is one episode. It closes when the last of them closes, for the
  reason recorded when that one was closed.
- Its referral is the latest referral received on or before the first involvement opened and
  after the previous episode closed. A referral received while an episode is open is not a new
  episode (the DfE counts it in the open one). With no referral found, the episode's referral
  date is the day the first involvement opened and its source and need are left empty, which the
  data quality page reports.
- Assessments, child in need plans, section 47 enquiries and child protection plans belong to
  the episode open on the day they started.
- A referral with no further action: an episode that closed with none of those, and in which the
  child was not looked after.

Only what falls in the collection year is returned: episodes open at some time in the year, and
within them the things open at some time in it. A date after the year's end is left out, as if
it had not happened yet (its end, authorisation or closure), so that a past year's return is
the same whenever it is made.

Pure functions over plain records, so the rules are tested without a database.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .years import CollectionYear


@dataclass(frozen=True)
class InvolvementSpan:
    start: date
    end: date | None
    closure_code: str = ""
    looked_after: bool = False


@dataclass(frozen=True)
class Referral:
    received_on: date
    source: str = ""
    primary_need: str = ""


@dataclass(frozen=True)
class AssessmentDates:
    start: date
    authorised: date | None = None
    factors: tuple[str, ...] = ()

    @property
    def end(self) -> date | None:
        return self.authorised


@dataclass(frozen=True)
class PlanDates:
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Enquiry:
    start: date
    icpc_target: date | None = None
    icpc_on: date | None = None
    concluded_on: date | None = None

    @property
    def icpc_not_required(self) -> bool:
        return self.icpc_on is None and self.concluded_on is not None

    @property
    def end(self) -> date | None:
        return self.icpc_on or self.concluded_on


@dataclass(frozen=True)
class ProtectionPlan:
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    reviews: tuple[date, ...] = ()


@dataclass
class Episode:
    referral_on: date
    source: str
    primary_need: str
    closed_on: date | None
    closure_code: str
    no_further_action: bool = False
    assessments: list[AssessmentDates] = field(default_factory=list)
    cin_plans: list[PlanDates] = field(default_factory=list)
    enquiries: list[Enquiry] = field(default_factory=list)
    cp_plans: list[ProtectionPlan] = field(default_factory=list)


@dataclass(frozen=True)
class ChildHistory:
    involvements: tuple[InvolvementSpan, ...]
    referrals: tuple[Referral, ...] = ()
    assessments: tuple[AssessmentDates, ...] = ()
    cin_plans: tuple[PlanDates, ...] = ()
    enquiries: tuple[Enquiry, ...] = ()
    cp_plans: tuple[ProtectionPlan, ...] = ()


def _runs(spans) -> list[InvolvementSpan]:
    """Involvements merged into unbroken runs; a run's closure code is that of its last to close."""
    runs: list[InvolvementSpan] = []
    for span in sorted(spans, key=lambda s: s.start):
        if runs:
            last = runs[-1]
            if last.end is None or span.start <= last.end + timedelta(days=1):
                looked_after = last.looked_after or span.looked_after
                if last.end is None or span.end is None:
                    runs[-1] = InvolvementSpan(last.start, None, "", looked_after)
                elif span.end >= last.end:
                    runs[-1] = InvolvementSpan(last.start, span.end, span.closure_code, looked_after)
                else:
                    runs[-1] = replace(last, looked_after=looked_after)
                continue
        runs.append(span)
    return runs


def _referral_for(run: InvolvementSpan, after: date | None, referrals) -> Referral:
    candidates = [r for r in referrals if r.received_on <= run.start and (after is None or r.received_on > after)]
    if not candidates:
        return Referral(received_on=run.start)
    return max(candidates, key=lambda r: r.received_on)


def _owner(episodes: list[Episode], day: date) -> Episode | None:
    """The episode open on `day`: the last to start on or before it, if it had not closed."""
    owner = None
    for episode in episodes:
        if episode.referral_on <= day:
            owner = episode
    if owner is None or (owner.closed_on is not None and day > owner.closed_on):
        return None
    return owner


def _overlaps(start: date, end: date | None, year: CollectionYear) -> bool:
    return start <= year.end and (end is None or end >= year.start)


def _by_year_end(day: date | None, year: CollectionYear) -> date | None:
    return day if day is not None and day <= year.end else None


def all_episodes(history: ChildHistory) -> list[Episode]:
    episodes: list[Episode] = []
    previous_end: date | None = None
    for run in _runs(history.involvements):
        referral = _referral_for(run, previous_end, history.referrals)
        episodes.append(
            Episode(
                referral_on=referral.received_on,
                source=referral.source,
                primary_need=referral.primary_need,
                closed_on=run.end,
                closure_code=run.closure_code if run.end else "",
                # Looked after is more than no further action, even with nothing else recorded.
                no_further_action=not run.looked_after,
            )
        )
        previous_end = run.end
    for kind in ("assessments", "cin_plans", "enquiries", "cp_plans"):
        for record in getattr(history, kind):
            owner = _owner(episodes, record.start)
            if owner is not None:
                getattr(owner, kind).append(record)
    for episode in episodes:
        episode.no_further_action = (
            episode.no_further_action
            and episode.closed_on is not None
            and not (episode.assessments or episode.cin_plans or episode.enquiries or episode.cp_plans)
        )
    return episodes


def episodes_in_year(history: ChildHistory, year: CollectionYear) -> list[Episode]:
    """The child's episodes as the census for `year` reports them (empty: not in this census)."""
    reported = []
    for episode in all_episodes(history):
        if not _overlaps(episode.referral_on, episode.closed_on, year):
            continue
        closed_on = _by_year_end(episode.closed_on, year)
        reported.append(
            replace(
                episode,
                closed_on=closed_on,
                closure_code=episode.closure_code if closed_on else "",
                # Still open at the year's end: not yet known to have led to nothing.
                no_further_action=episode.no_further_action and closed_on is not None,
                assessments=[
                    replace(
                        a,
                        authorised=_by_year_end(a.authorised, year),
                        factors=a.factors if _by_year_end(a.authorised, year) else (),
                    )
                    for a in episode.assessments
                    if _overlaps(a.start, a.end, year)
                ],
                cin_plans=[
                    replace(p, end=_by_year_end(p.end, year))
                    for p in episode.cin_plans
                    if _overlaps(p.start, p.end, year)
                ],
                enquiries=[
                    replace(e, icpc_on=_by_year_end(e.icpc_on, year), concluded_on=_by_year_end(e.concluded_on, year))
                    for e in episode.enquiries
                    if _overlaps(e.start, e.end, year)
                ],
                cp_plans=[
                    replace(
                        p,
                        end=_by_year_end(p.end, year),
                        reviews=tuple(d for d in p.reviews if year.start <= d <= year.end),
                    )
                    for p in episode.cp_plans
                    if _overlaps(p.start, p.end, year)
                ],
            )
        )
    return reported
