"""Change history: who changed which fields of a child's record, from what to what, and who may read it."""

from datetime import date, timedelta

import pghistory
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AccessEvent
from accounts.tokens import issue_sign_in_token
from casework.history.context import changes_by_system
from casework.models import Child, Involvement, PreventionReferral
from casework.prevention import services as prevention
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies
from tests.pathway_builders import api_for, client_for, date_parts
from tests.prevention_builders import open_to_csc, prevention_world, referral, unshared_protocol

pytestmark = pytest.mark.django_db


def edit_form(child, **changes):
    """What the 'Change the child's details' page posts: the child as they are, with `changes`."""
    data = {
        "first_name": child.first_name,
        "middle_names": child.middle_names,
        "last_name": child.last_name,
        "also_known_as": child.also_known_as,
        "is_born": "yes",
        **date_parts("date_of_birth", child.date_of_birth),
        **date_parts("expected_date_of_birth", None),
        "gender": child.gender,
        "ethnicity": child.ethnicity,
        "nhs_number": child.nhs_number or "",
        "upn": child.upn,
        "yot_reference": child.yot_reference,
        "pnc_reference": child.pnc_reference,
        "address": child.address,
        "postcode": child.postcode,
        "version": str(child.version),
    }
    data.update(changes)
    return data


def history_of(user, child):
    response = api_for(user).get(f"/api/v1/children/{child.pk}/history/")
    assert response.status_code == 200
    return response.json()["results"]


@pytest.fixture
def w():
    w = prevention_world()
    open_to_csc(w)
    return w


class TestRecording:
    def test_a_change_on_the_page_records_who_changed_which_field_from_what_to_what(self, w):
        child = w.child
        response = client_for(w.csc_worker).post(
            f"/children/{child.pk}/edit/", edit_form(child, postcode="ZZ99 9ZZ", gender="2")
        )
        assert response.status_code == 302
        latest = history_of(w.cyjs_worker, child)[0]
        assert latest["who"] == w.csc_worker.display_name
        assert latest["record"] == "Child's details"
        assert latest["added"] is False
        assert {(c["field"], c["before"], c["after"]) for c in latest["changes"]} == {
            ("Postcode", "not recorded", "ZZ99 9ZZ"),
            ("Gender", "Not known", "Female"),
        }

    def test_a_queryset_update_in_a_service_is_recorded(self, w):
        ref = referral(w)
        closed_on = timezone.localdate()
        # close_referral writes through save_if_unchanged: a queryset update, which no model signal sees.
        with pghistory.context(user=w.cyjs_worker.pk):
            prevention.close_referral(referral=ref, by=w.cyjs_worker, expected_version=ref.version, closed_on=closed_on)
        latest = history_of(w.cyjs_worker, w.child)[0]
        assert latest["record"] == "Prevention and diversion referral"
        assert latest["who"] == w.cyjs_worker.display_name
        assert {"field": "Closed on", "before": "not recorded", "after": f"{closed_on:%-d %B %Y}"} in latest["changes"]

    def test_an_api_write_records_the_api_caller(self, w):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {issue_sign_in_token(user=w.cyjs_worker).key}")
        body = {
            "child": w.child.pk,
            "kind": "meeting",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "took_part": "Riley",
            "summary": "Planning meeting about school.",
            "actions": [
                {
                    "description": "Book a review",
                    "owner_name": "Riley Stone",
                    "due_on": str(timezone.localdate() + timedelta(days=7)),
                }
            ],
        }
        assert api.post("/api/v1/case-notes/", body, format="json").status_code == 201
        added = {(e["record"], e["who"]) for e in history_of(w.csc_worker, w.child) if e["added"]}
        assert {("Case note", w.cyjs_worker.display_name), ("Agreed action", w.cyjs_worker.display_name)} <= added

    def test_a_task_names_the_system(self, w):
        with changes_by_system("Deadline checks"):
            Child.objects.filter(pk=w.child.pk).update(address="1 Example Street")
        latest = history_of(w.csc_worker, w.child)[0]
        assert latest["who"] == "Deadline checks"
        assert latest["changes"] == [{"field": "Address", "before": "not recorded", "after": "1 Example Street"}]


class TestWhoMayRead:
    def test_someone_who_may_not_see_the_child_gets_404_from_the_api_and_no_history_on_the_page(self, w):
        elsewhere, _, _ = authority_with_agencies()
        outsider = UserFactory(agency=elsewhere)
        assert api_for(outsider).get(f"/api/v1/children/{w.child.pk}/history/").status_code == 404
        page = client_for(outsider).get(f"/children/{w.child.pk}/history/")
        assert page.status_code in (403, 404)
        assert b"Child's details" not in page.content
        refused = AccessEvent.objects.filter(child_id=w.child.pk, what="page:child-history", user=outsider).get()
        assert refused.outcome == AccessEvent.Outcome.DENIED

    def test_a_restricted_child_is_not_found_on_the_page(self, w):
        Child.objects.filter(pk=w.child.pk).update(restricted=True)
        outsider = UserFactory(agency=w.school)
        assert client_for(outsider).get(f"/children/{w.child.pk}/history/").status_code == 404
        assert api_for(outsider).get(f"/api/v1/children/{w.child.pk}/history/").status_code == 404

    def test_csc_does_not_see_the_history_of_a_youth_justice_record_its_protocol_keeps_from_csc(self, w):
        unshared_protocol(w.authority)
        referral(w)
        assert "Prevention and diversion referral" in {e["record"] for e in history_of(w.cyjs_worker, w.child)}
        assert "Prevention and diversion referral" not in {e["record"] for e in history_of(w.csc_worker, w.child)}
        page = client_for(w.csc_worker).get(f"/children/{w.child.pk}/history/")
        assert page.status_code == 200
        assert b"Prevention and diversion referral" not in page.content

    def test_with_the_default_protocol_csc_sees_it(self, w):
        referral(w)
        assert "Prevention and diversion referral" in {e["record"] for e in history_of(w.csc_worker, w.child)}


class TestPage:
    def test_the_page_shows_labels_not_codes_and_the_read_is_logged(self, w):
        child = w.child
        client = client_for(w.csc_worker)
        client.post(f"/children/{child.pk}/edit/", edit_form(child, ethnicity="WBRI"))
        page = client.get(f"/children/{child.pk}/history/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Ethnicity: from Information not yet obtained to White British" in text
        assert "WBRI" not in text and "NOBT" not in text
        assert w.csc_worker.display_name in text
        assert AccessEvent.objects.filter(child_id=child.pk, what="page:child-history", user=w.csc_worker).exists()

    def test_the_child_record_links_to_it(self, w):
        page = client_for(w.csc_worker).get(f"/children/{w.child.pk}/")
        assert f'href="/children/{w.child.pk}/history/"'.encode() in page.content

    def test_only_the_childs_own_records_are_shown(self, w):
        other = ChildFactory(first_name="Sam", last_name="Otherchild", date_of_birth=date(2014, 1, 1))
        InvolvementFactory(child=other, agency=w.csc, allocated_worker=w.csc_worker, team=w.csc_team)
        with changes_by_system("Deadline checks"):
            Child.objects.filter(pk=other.pk).update(postcode="AB1 2CD")
        records = history_of(w.csc_worker, w.child)
        assert all(c["after"] != "AB1 2CD" for e in records for c in e["changes"])

    def test_a_decision_on_the_childs_contact_is_shown_through_the_contact(self, w):
        from referrals.models import Decision
        from tests.factories import ContactFactory

        contact = ContactFactory(child=w.child, agency=w.mash)
        Decision.objects.create(
            contact=contact,
            outcome=Decision.Outcome.ASSESSMENT,
            rationale="Needs assessing.",
            decided_by=w.mash_worker,
            decided_at=timezone.now(),
        )
        assert "Decision on a contact" in {e["record"] for e in history_of(w.csc_worker, w.child)}

    def test_a_link_to_another_record_shows_that_records_name(self, w):
        record = referral(w)
        involvement = InvolvementFactory(
            child=w.child, agency=w.cyjs, kind=Involvement.Kind.YJ_PREVENTION, start=date(2026, 3, 2)
        )
        with changes_by_system("Deadline checks"):
            PreventionReferral.objects.filter(pk=record.pk).update(involvement=involvement)
        latest = history_of(w.cyjs_worker, w.child)[0]
        assert latest["record"] == "Prevention and diversion referral"
        assert ("Involvement", "not recorded", "Youth justice prevention from 2 Mar 2026") in {
            (c["field"], c["before"], c["after"]) for c in latest["changes"]
        }


def test_history_page_is_paginated(w):
    with changes_by_system("Deadline checks"):
        for n in range(30):
            Child.objects.filter(pk=w.child.pk).update(postcode=f"ZZ{n} 1AA")
    client = client_for(w.csc_worker)
    first = client.get(f"/children/{w.child.pk}/history/")
    assert first.context["page"].paginator.num_pages >= 2
    assert "ZZ29 1AA" in first.content.decode()
    assert "ZZ29 1AA" not in client.get(f"/children/{w.child.pk}/history/?page=2").content.decode()


def test_the_chronology_shows_changes_to_the_childs_details(w):
    from casework.chronology.selectors import chronology

    client_for(w.csc_worker).post(
        f"/children/{w.child.pk}/edit/", edit_form(w.child, address="1 Example Street", postcode="ZZ99 9ZZ")
    )
    entries = [e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "child_details"]
    assert [(e.title, e.agency_name) for e in entries] == [("Child's details changed: address, postcode", w.csc.name)]
    assert entries[0].url == f"/children/{w.child.pk}/history/"


def test_a_meetings_attendance_is_shown_by_participant_name_through_the_meeting():
    from tests.conference_builders import arranged_initial, conference_world, record

    w = conference_world()
    conference = arranged_initial(w)
    with pghistory.context(user=w.csc_worker.pk):
        record(w, conference)
    entries = history_of(w.csc_worker, w.child)
    attended = [e for e in entries if e["record"] == "Meeting participant: PC Pat Officer"]
    assert attended and {"field": "Attended", "before": "not recorded", "after": "Yes"} in attended[0]["changes"]
    # Inviting people is part of arranging the meeting: not listed one by one.
    assert not any(e["record"].startswith("Meeting participant") and e["added"] for e in entries)


def test_bulk_update_is_recorded(w):
    involvements = list(w.child.involvements.all())
    for involvement in involvements:
        involvement.closure_reason = "Work finished"
    with changes_by_system("Deadline checks"):
        Involvement.objects.bulk_update(involvements, ["closure_reason"])
    changed = [e for e in history_of(w.csc_worker, w.child) if e["record"] == "Involvement" and not e["added"]]
    assert len(changed) == len(involvements) == 2
    assert all(
        e["changes"] == [{"field": "Closure reason", "before": "not recorded", "after": "Work finished"}]
        for e in changed
    )
