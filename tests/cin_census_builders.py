"""Children walked through the pathway with the real API, for the CIN census tests.

Every step is what a practitioner sends: a partner's contact, MASH's decision, the assessment
and its sign-off, the strategy discussion, the section 47 outcome, conferences, the closing of
the case. Dates are working days in the 2026-27 collection year. Every name is fictional.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

import time_machine
from rest_framework.test import APIClient

from accounts.access import decide
from casework.models import Child, ChildProtectionPlan, Involvement
from casework.services import update_child
from referrals.models import Contact

API = "/api/v1"


def moment(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@contextmanager
def on(day: str, hour: int = 15):
    with time_machine.travel(moment(day, hour), tick=False):
        yield


def ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


class Pathway:
    """One child's story. Each method is one step, on the day given."""

    def __init__(self, world, first_name: str, date_of_birth: str):
        self.w = world
        self.first_name, self.date_of_birth = first_name, date_of_birth
        # Set by the first contact; 0 until then.
        self.child_id: int = 0
        self.assessment: dict | None = None

    def client(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def contact(self, day: str, *, outcome: str, primary_need: str = "N1", source: str = "2A") -> int:
        with on(day, 9):
            body = {
                "received_at": moment(day, 9).isoformat(),
                "referrer": {"name": "A Referrer", "agency": "A partner", "role": "lead", "contact": "by email"},
                "referral_source": source,
                "child": {"id": self.child_id}
                if self.child_id
                else {"first_name": self.first_name, "last_name": "Censuschild", "date_of_birth": self.date_of_birth},
                "concerns": "Worried about the child at home.",
                "categories": ["neglect"],
                "consent": "given",
            }
            # A child already known is named by id, by someone who may still see them (their
            # social worker); MASH sees the contact in its queue either way.
            sender = self.w.csc_worker if self.child_id else self.w.mash_manager
            contact = ok(self.client(sender).post(f"{API}/contacts/", body, format="json"), 201)
        with on(day, 11):
            decision = {"outcome": outcome, "rationale": "Threshold considered", "primary_need": primary_need}
            ok(
                self.client(self.w.mash_manager).post(
                    f"{API}/contacts/{contact['id']}/decide/", decision, format="json"
                )
            )
        self.child_id = Contact.objects.get(pk=contact["id"]).child_id
        return contact["id"]

    def describe_child(self, day: str, **items) -> None:
        """What the census asks of the child (sex, disability, why there is no pupil number), as
        the child's edit page saves it."""
        child = Child.objects.get(pk=self.child_id)
        with on(day, 16):
            update_child(
                child=child,
                updated_by=self.w.csc_worker,
                decision=decide(self.w.csc_worker, child),
                expected_version=child.version,
                data=items,
            )

    def complete_assessment(self, day: str, signed_day: str, *, outcome: str, factors: list[str]) -> None:
        worker = self.client(self.w.csc_worker)
        with on(day):
            [assessment] = [
                a
                for a in ok(worker.get(f"{API}/assessments/?child={self.child_id}"))["results"]
                if a["status"] == "in_progress"
            ]
            updated = ok(
                worker.patch(
                    f"{API}/assessments/{assessment['id']}/",
                    {
                        "version": assessment["version"],
                        "social_worker": self.w.csc_worker.pk,
                        "child_seen_on": day,
                        "child_seen_alone": True,
                        "analysis": "What the assessment found.",
                    },
                    format="json",
                )
            )
            ok(
                worker.post(
                    f"{API}/assessments/{assessment['id']}/complete/",
                    {
                        "version": updated["version"],
                        "outcome": outcome,
                        "outcome_rationale": "As found",
                        "factors": factors,
                    },
                    format="json",
                )
            )
        with on(signed_day):
            ok(
                self.client(self.w.csc_manager).post(
                    f"{API}/assessments/{assessment['id']}/sign-off/", {"approve": True}, format="json"
                )
            )

    def strategy_discussion(self, day: str, *, section_47: bool) -> int | None:
        worker = self.client(self.w.csc_worker)
        with on(day):
            [pending] = ok(worker.get(f"{API}/strategy-discussions/?child={self.child_id}&status=pending"))["results"]
            held = ok(
                worker.post(
                    f"{API}/strategy-discussions/",
                    {
                        "child": self.child_id,
                        "discussion": pending["id"],
                        "version": pending["version"],
                        "held_at": moment(day).isoformat(),
                        "initiates_section_47": section_47,
                        "attendees": [
                            {
                                "name": "Sol Worker",
                                "organisation": "CSC",
                                "capacity": "social_worker",
                                "user": self.w.csc_worker.pk,
                            },
                            {"name": "DS Example", "organisation": "Police", "capacity": "police"},
                        ],
                        "format": "meeting",
                        "decision_rationale": "Discussed",
                    },
                    format="json",
                ),
                201,
            )
        return held["section_47_enquiry"]

    def substantiated(self, enquiry_id: int, day: str) -> None:
        worker = self.client(self.w.csc_worker)
        with on(day):
            enquiry = ok(worker.get(f"{API}/section-47-enquiries/{enquiry_id}/"))
            ok(
                worker.post(
                    f"{API}/section-47-enquiries/{enquiry_id}/outcome/",
                    {"version": enquiry["version"], "outcome": "substantiated", "outcome_rationale": "Found"},
                    format="json",
                )
            )

    def conference(self, day: str, *, kind: str, enquiry: int | None = None, plan: int | None = None, **decided):
        worker = self.client(self.w.csc_worker)
        with on(day, 8):
            body = {
                "child": self.child_id,
                "kind": kind,
                "scheduled_for": moment(day).isoformat(),
                "chair": self.w.chair.pk,
            }
            body.update({"enquiry": enquiry} if enquiry else {"plan": plan})
            arranged = ok(worker.post(f"{API}/conferences/", body, format="json"), 201)
        with on(day):
            record = {
                "version": arranged["version"],
                "held_at": moment(day).isoformat(),
                "chair": self.w.chair.pk,
                "attendance": [{"participant_id": p["id"], "attended": True} for p in arranged["participants"]],
                "reports_shared_with_parents": True,
                "parents_told_about_advocacy": True,
                "lead_social_worker": self.w.csc_worker.pk,
                "decision_reasons": "Decided",
                "outline_plan": "Visits",
                **decided,
            }
            return ok(worker.post(f"{API}/conferences/{arranged['id']}/record/", record, format="json"))

    def close_social_care(self, day: str, closure_code: str) -> None:
        manager = self.client(self.w.csc_manager)
        with on(day):
            for involvement in Involvement.objects.filter(
                child_id=self.child_id, agency=self.w.csc, end__isnull=True
            ).order_by("pk"):
                ok(
                    manager.post(
                        f"{API}/involvements/{involvement.pk}/close/",
                        {
                            "version": involvement.version,
                            "closed_on": day,
                            "reason": "Work finished",
                            "closure_code": closure_code,
                        },
                        format="json",
                    )
                )

    def plan_id(self) -> int:
        return ChildProtectionPlan.objects.filter(child_id=self.child_id).latest("pk").pk
