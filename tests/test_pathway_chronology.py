"""Case notes, significant events and the chronology: services, selector, pages, PDF and API.

Seed 000 ¶8.1: a welfare discussion is recorded with its date and who took part, and
ends with who will do what, or that no further action will be taken.
"""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, Agency, Role
from casework.chronology import selectors, services
from casework.chronology.selectors import Entry, Source, chronology
from casework.models import AgreedAction, CaseNote, SignificantEvent
from tests.browser.conftest import SCREENSHOTS
from tests.chronology_builders import MASH_SECRET, add_contact, days_ago, full_history, moment, world_with_child
from tests.factories import ChildFactory, UserFactory, grant
from tests.pathway_builders import api_for, client_for

pytestmark = pytest.mark.django_db

ALL_TYPES = {
    "contact",
    "involvement",
    "assessment",
    "strategy_discussion",
    "section_47",
    "conference",
    "cp_plan",
    "core_group",
    "cin_plan",
    "cin_meeting",
    "case_note",
    "significant_event",
}


@pytest.fixture
def world():
    return world_with_child()


@pytest.fixture
def history(world):
    return full_history(world)


def log_rows(child, what):
    return list(AccessEvent.objects.filter(child_id=child.pk, what=what).order_by("id"))


def note_kwargs(**overrides):
    data = {
        "kind": CaseNote.Kind.PHONE_CALL,
        "occurred_at": timezone.now() - timedelta(hours=2),
        "took_part": "Riley Stone (CYJS); Casey's mother",
        "summary": "Mother said Casey has not been at school this week.",
        "actions": [
            {
                "description": "Call the school",
                "owner_name": "Riley Stone",
                "due_on": timezone.localdate() + timedelta(days=2),
            }
        ],
        "no_further_action": False,
    }
    data.update(overrides)
    return data


# --- Case notes: the service ----------------------------------------------------------


class TestRecordCaseNote:
    def test_a_note_with_actions_is_saved_for_the_writers_agency_and_logged(self, world):
        note = services.record_case_note(child=world.child, by=world.cyjs_worker, **note_kwargs())
        assert note.agency == world.cyjs
        assert note.recorded_by == world.cyjs_worker
        assert note.no_further_action is False
        action = AgreedAction.objects.get(case_note=note)
        assert (action.description, action.owner_name, action.child_id) == (
            "Call the school",
            "Riley Stone",
            world.child.pk,
        )
        assert action.due_on == timezone.localdate() + timedelta(days=2)
        rows = log_rows(world.child, "case-note:record")
        assert len(rows) == 1 and rows[0].action == AccessEvent.Action.WRITE and rows[0].user_id == world.cyjs_worker.pk

    def test_a_note_with_no_further_action_and_no_actions_is_saved(self, world):
        note = services.record_case_note(
            child=world.child, by=world.csc_worker, **note_kwargs(actions=[], no_further_action=True)
        )
        assert note.no_further_action and note.agency == world.csc and not note.actions.exists()

    def test_blank_action_rows_are_ignored(self, world):
        rows = [{"description": "", "owner_name": "", "due_on": None}] * 3 + [
            {"description": "Visit", "owner_name": "Sam"}
        ]
        note = services.record_case_note(child=world.child, by=world.csc_worker, **note_kwargs(actions=rows))
        assert list(note.actions.values_list("description", flat=True)) == ["Visit"]

    @pytest.mark.parametrize(
        "overrides, field, message",
        [
            ({"summary": "  "}, "summary", "Enter a summary of what happened"),
            ({"took_part": ""}, "took_part", "Enter who took part"),
            ({"kind": "gossip"}, "kind", "Choose what kind of note this is"),
            ({"actions": [], "no_further_action": False}, "actions", services.NEITHER_MESSAGE),
            ({"no_further_action": True}, "actions", services.BOTH_MESSAGE),
            (
                {"actions": [{"description": "Call the school", "owner_name": ""}]},
                "actions",
                "Action 1: say who will do it",
            ),
            ({"actions": [{"description": "", "owner_name": "Riley"}]}, "actions", "Action 1: say what will be done"),
        ],
    )
    def test_refusals(self, world, overrides, field, message):
        with pytest.raises(ValidationError) as caught:
            services.record_case_note(child=world.child, by=world.cyjs_worker, **note_kwargs(**overrides))
        assert message in caught.value.message_dict[field]
        assert not CaseNote.objects.exists() and not AgreedAction.objects.exists()
        assert not log_rows(world.child, "case-note:record")

    def test_a_time_in_the_future_is_refused(self, world):
        with pytest.raises(ValidationError) as caught:
            services.record_case_note(
                child=world.child, by=world.csc_worker, **note_kwargs(occurred_at=timezone.now() + timedelta(minutes=5))
            )
        assert caught.value.message_dict["occurred_at"] == ["When it happened must be now or in the past"]
        assert not CaseNote.objects.exists()

    def test_a_role_that_may_not_write_is_refused(self, world):
        service_account = UserFactory(role=Role.SERVICE_ACCOUNT, agency=world.csc)
        with pytest.raises(PermissionDenied):
            services.record_case_note(child=world.child, by=service_account, **note_kwargs())
        assert not CaseNote.objects.exists()

    def test_someone_who_cannot_see_the_child_is_refused(self, world):
        other_child = ChildFactory()
        with pytest.raises(PermissionDenied):
            services.record_case_note(child=other_child, by=world.cyjs_worker, **note_kwargs())
        assert not CaseNote.objects.exists()

    def test_a_mash_worker_who_can_see_the_child_records_for_mash(self, world):
        add_contact(world, world.child, received=1)  # open MASH contact: MASH can see the child
        note = services.record_case_note(child=world.child, by=world.mash_worker, **note_kwargs())
        assert note.agency == world.mash


class TestRecordSignificantEvent:
    def test_saved_for_the_writers_agency_and_logged(self, world):
        event = services.record_significant_event(
            child=world.child,
            by=world.cyjs_worker,
            occurred_on=days_ago(3),
            title="Admitted to hospital",
            detail="Two nights",
        )
        assert (event.agency, event.title, event.detail) == (world.cyjs, "Admitted to hospital", "Two nights")
        assert len(log_rows(world.child, "significant-event:record")) == 1

    @pytest.mark.parametrize(
        "occurred_on, title, field",
        [
            (None, "Moved", "occurred_on"),
            ("future", "Moved", "occurred_on"),
            ("today", "  ", "title"),
            ("today", "x" * 201, "title"),
        ],
    )
    def test_refusals(self, world, occurred_on, title, field):
        when = {"future": timezone.localdate() + timedelta(days=1), "today": timezone.localdate(), None: None}[
            occurred_on
        ]
        with pytest.raises(ValidationError) as caught:
            services.record_significant_event(child=world.child, by=world.csc_worker, occurred_on=when, title=title)
        assert field in caught.value.message_dict
        assert not SignificantEvent.objects.exists()

    def test_a_role_that_may_not_write_is_refused(self, world):
        service_account = UserFactory(role=Role.SERVICE_ACCOUNT, agency=world.csc)
        with pytest.raises(PermissionDenied):
            services.record_significant_event(
                child=world.child, by=service_account, occurred_on=days_ago(1), title="Moved"
            )


# --- The chronology selector -------------------------------------------------------------


class TestChronology:
    def test_every_source_is_present(self, world, history):
        entries = chronology(child=world.child)
        assert {e.event_type for e in entries} == ALL_TYPES
        titles = {(e.event_type, e.title) for e in entries}
        for expected in [
            ("contact", "Contact received"),
            ("contact", "Contact decided"),
            ("involvement", "Child protection opened"),
            ("involvement", "Youth justice prevention opened"),
            ("involvement", "Other closed"),
            ("assessment", "Assessment started"),
            ("assessment", "Assessment completed"),
            ("strategy_discussion", "Strategy discussion held"),
            ("section_47", "Section 47 enquiry started"),
            ("section_47", "Section 47 enquiry concluded"),
            ("conference", "Initial conference held"),
            ("cp_plan", "Child protection plan started"),
            ("core_group", "Core group meeting"),
            ("cin_plan", "Child in need plan started"),
            ("cin_plan", "Child in need plan ended"),
            ("cin_meeting", "Child in need meeting held"),
            ("case_note", "Visit"),
            ("significant_event", "Moved to live with grandmother"),
        ]:
            assert expected in titles

    def test_newest_first(self, world, history):
        entries = chronology(child=world.child)
        moments = [e.sort_moment for e in entries]
        assert moments == sorted(moments, reverse=True)
        assert entries[0].title == "Moved to live with grandmother"
        assert entries[1].event_type == "case_note"
        assert entries[-1].title == "Youth justice prevention opened"  # 200 days ago
        received = next(i for i, e in enumerate(entries) if e.title == "Contact received")
        decided = next(i for i, e in enumerate(entries) if e.title == "Contact decided")
        assert decided < received

    def test_entries_name_the_agency_and_link_to_their_record(self, world, history):
        entries = {e.title: e for e in chronology(child=world.child)}
        note = entries["Visit"]
        assert (note.agency_kind, note.agency_name) == ("cyjs", world.cyjs.name)
        assert note.summary.startswith("Home visit.")
        assert note.url == reverse("case-note-detail", args=[history.case_note.pk])
        assert entries["Assessment started"].url == reverse("assessment-detail", args=[history.assessment.pk])
        assert entries["Assessment started"].agency_name == world.csc.name
        assert entries["Initial conference held"].summary == "Child protection plan needed: neglect"
        assert entries["Contact decided"].summary == "Outcome: Assessment under section 17"
        assert entries["Contact received"].agency_kind == "mash"

    def test_mash_working_notes_are_never_shown(self, world, history):
        for entry in chronology(child=world.child):
            assert MASH_SECRET not in f"{entry.title} {entry.summary}"

    def test_an_undecided_contact_shows_only_that_it_was_received(self, world):
        add_contact(world, world.child, received=1)
        contact_entries = [e for e in chronology(child=world.child) if e.event_type == "contact"]
        assert [e.title for e in contact_entries] == ["Contact received"]

    def test_pending_and_unheld_records_are_not_events(self, world):
        from casework.models import StrategyDiscussion

        StrategyDiscussion.objects.create(child=world.child, created_by=world.csc_worker)
        assert not [e for e in chronology(child=world.child) if e.event_type == "strategy_discussion"]

    def test_filter_by_agency(self, world, history):
        entries = chronology(child=world.child, agency_kinds=["cyjs"])
        assert {e.agency_kind for e in entries} == {"cyjs"}
        assert {e.title for e in entries} == {"Visit", "Youth justice prevention opened"}
        mash = chronology(child=world.child, agency_kinds=["mash"])
        assert {e.title for e in mash} == {"Contact received", "Contact decided"}

    def test_filter_by_type(self, world, history):
        entries = chronology(child=world.child, event_types=["case_note", "significant_event"])
        assert [e.event_type for e in entries] == ["significant_event", "case_note"]

    def test_filters_combine(self, world, history):
        assert chronology(child=world.child, agency_kinds=["cyjs"], event_types=["assessment"]) == []
        csc_assessments = chronology(child=world.child, agency_kinds=["csc"], event_types=["assessment"])
        assert [e.title for e in csc_assessments] == ["Assessment completed", "Assessment started"]

    def test_queries_do_not_grow_with_entries(self, world, history, django_assert_max_num_queries):
        def count():
            with CaptureQueriesContext(connection) as queries:
                entries = chronology(child=world.child)
            return len(queries), len(entries)

        few_queries, few_entries = count()
        for n in range(15):
            CaseNote.objects.create(
                child=world.child,
                agency=world.csc,
                kind=CaseNote.Kind.VISIT,
                occurred_at=moment(n + 11),
                took_part="Sam",
                summary=f"Visit {n}",
                no_further_action=True,
                recorded_by=world.csc_worker,
            )
            SignificantEvent.objects.create(
                child=world.child,
                agency=world.cyjs,
                occurred_on=days_ago(n + 1),
                title=f"E{n}",
                recorded_by=world.cyjs_worker,
            )
            add_contact(world, world.child, received=n + 70, decided=n + 69)
        many_queries, many_entries = count()
        assert many_entries == few_entries + 15 * 4
        assert many_queries == few_queries == len(selectors.SOURCES)
        with django_assert_max_num_queries(len(selectors.SOURCES)):
            chronology(child=world.child)

    def test_a_filter_skips_sources_that_cannot_match(self, world, history):
        with CaptureQueriesContext(connection) as queries:
            chronology(child=world.child, event_types=["case_note"])
        assert len(queries) == 1
        with CaptureQueriesContext(connection) as queries:
            chronology(child=world.child, agency_kinds=["cyjs"])
        # Only the sources that can produce CYJS entries are asked: those of any agency (contacts,
        # involvements, notes, events) and the youth justice ones; none of the CSC-only sources.
        can_match = [s for s in selectors.SOURCES if s.agency_kinds is None or Agency.Kind.CYJS in s.agency_kinds]
        assert 4 < len(can_match) < len(selectors.SOURCES)
        assert len(queries) == len(can_match)

    def test_another_part_of_the_system_can_add_a_source(self, world):
        def court_entries(child, agency_kinds):
            yield Entry(moment(2), "court", "Court", Agency.Kind.CYJS, "Youth court", "First hearing", "Bail granted")

        before = list(selectors.SOURCES)
        try:
            selectors.register_source(Source("court", "Court hearings", court_entries, frozenset({Agency.Kind.CYJS})))
            assert ("court", "Court hearings") in selectors.event_type_choices()
            assert [e.title for e in chronology(child=world.child, event_types=["court"])] == ["First hearing"]
            assert chronology(child=world.child, event_types=["court"], agency_kinds=["csc"]) == []
        finally:
            selectors.SOURCES[:] = before


# --- Pages -----------------------------------------------------------------------------


class TestChronologyPage:
    def test_shows_entries_and_is_logged(self, world, history):
        response = client_for(world.csc_worker).get(reverse("child-chronology", args=[world.child.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Moved to live with grandmother" in body
        assert "Strategy discussion held" in body
        assert reverse("case-note-detail", args=[history.case_note.pk]) in body
        assert MASH_SECRET not in body
        assert len(log_rows(world.child, "page:chronology")) == 1

    def test_filters_and_the_pdf_link_keeps_them(self, world, history):
        url = reverse("child-chronology", args=[world.child.pk])
        response = client_for(world.csc_worker).get(url, {"agency": "cyjs", "type": ["case_note", "involvement"]})
        body = response.content.decode()
        assert "Home visit." in body
        assert "Moved to live with grandmother" not in body
        assert "Strategy discussion held" not in body
        pdf_url = reverse("child-chronology-pdf", args=[world.child.pk])
        assert f'href="{pdf_url}?agency=cyjs&amp;type=case_note&amp;type=involvement"' in body
        assert 'value="cyjs" checked' in body

    def test_a_cyjs_user_who_can_see_the_child_reads_it(self, world, history):
        response = client_for(world.cyjs_worker).get(reverse("child-chronology", args=[world.child.pk]))
        assert response.status_code == 200
        assert "Initial conference held" in response.content.decode()

    def test_a_cyjs_user_who_cannot_see_the_child_is_refused(self, world, history):
        stranger = UserFactory(agency=world.cyjs)
        other = ChildFactory()
        response = client_for(stranger).get(reverse("child-chronology", args=[other.pk]))
        assert response.status_code in (403, 404)
        outsider_response = client_for(UserFactory(agency=police_agency(world))).get(
            reverse("child-chronology", args=[world.child.pk])
        )
        assert outsider_response.status_code in (403, 404)
        assert "Moved to live with grandmother" not in outsider_response.content.decode()

    def test_the_pdf_is_a_pdf_and_is_logged(self, world, history):
        response = client_for(world.csc_worker).get(reverse("child-chronology-pdf", args=[world.child.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "no-store"
        assert response.content.startswith(b"%PDF")
        rows = log_rows(world.child, "pdf:chronology")
        assert len(rows) == 1 and rows[0].outcome == AccessEvent.Outcome.ALLOWED
        # Kept (gitignored) so a person can look at it: pdftoppm -png -r 60 var/screenshots/chronology.pdf /tmp/chron
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "chronology.pdf").write_bytes(response.content)

    def test_the_pdf_keeps_the_filters(self, world, history):
        if not shutil.which("pdftotext"):
            pytest.skip("pdftotext (poppler-utils) is not installed")
        response = client_for(world.csc_worker).get(
            reverse("child-chronology-pdf", args=[world.child.pk]), {"agency": "cyjs"}
        )
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Home visit." in text and "Child and youth justice service" in text
        assert "Moved to live with" not in text and "Strategy discussion held" not in text
        assert MASH_SECRET not in text

    def test_the_pdf_is_refused_without_access(self, world, history):
        response = client_for(UserFactory(agency=police_agency(world))).get(
            reverse("child-chronology-pdf", args=[world.child.pk])
        )
        assert response.status_code in (403, 404)
        assert not response.content.startswith(b"%PDF")


def police_agency(world):
    """A police agency in the same authority: not working with the child."""
    from tests.factories import AgencyFactory

    return AgencyFactory(authority=world.authority, kind=Agency.Kind.POLICE)


def note_form(**overrides):
    when = timezone.localtime() - timedelta(hours=1)
    data = {
        "kind": "visit",
        "occurred_on_day": str(when.day),
        "occurred_on_month": str(when.month),
        "occurred_on_year": str(when.year),
        "occurred_time": when.strftime("%H:%M"),
        "took_part": "Casey; Riley Stone (CYJS)",
        "summary": "Visited at home. Casey is worried about a friend.",
        "action_1_description": "Speak to the school's safeguarding lead",
        "action_1_owner_name": "Riley Stone",
        "action_1_due_on_day": "",
        "action_1_due_on_month": "",
        "action_1_due_on_year": "",
    }
    data.update(overrides)
    return data


class TestCaseNotePages:
    def test_the_form_is_shown_and_logged(self, world):
        response = client_for(world.cyjs_worker).get(reverse("case-note-new", args=[world.child.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "cannot be changed once it is saved" in body
        assert 'name="action_5_description"' in body and 'name="action_6_description"' not in body
        assert len(log_rows(world.child, "page:case-note-new")) == 1

    def test_a_note_is_saved_and_shown(self, world):
        client = client_for(world.cyjs_worker)
        response = client.post(reverse("case-note-new", args=[world.child.pk]), note_form())
        note = CaseNote.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("case-note-detail", args=[note.pk])
        assert note.agency == world.cyjs and note.kind == "visit"
        assert list(note.actions.values_list("owner_name", flat=True)) == ["Riley Stone"]
        page = client.get(response["Location"])
        body = page.content.decode()
        assert "Casey is worried about a friend" in body and "Speak to the school" in body
        assert "not changed after they are saved" in body
        assert len(log_rows(world.child, "page:case-note")) == 1
        assert len(log_rows(world.child, "case-note:record")) == 1

    def test_neither_actions_nor_nfa_shows_the_error(self, world):
        response = client_for(world.cyjs_worker).post(
            reverse("case-note-new", args=[world.child.pk]), note_form(action_1_description="", action_1_owner_name="")
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "There is a problem" in body
        assert services.NEITHER_MESSAGE in body
        assert 'href="#id_action_1_description"' in body
        assert not CaseNote.objects.exists()

    def test_a_half_filled_later_row_points_at_its_empty_field_and_opens_more_actions(self, world):
        response = client_for(world.cyjs_worker).post(
            reverse("case-note-new", args=[world.child.pk]), note_form(action_3_description="Book a room")
        )
        body = response.content.decode()
        assert 'href="#id_action_3_owner_name">Action 3: say who will do it' in body
        assert '<details class="govuk-details" open>' in body
        assert not CaseNote.objects.exists()

    def test_more_actions_are_folded_away_until_used(self, world):
        body = client_for(world.cyjs_worker).get(reverse("case-note-new", args=[world.child.pk])).content.decode()
        assert '<details class="govuk-details">' in body and "Add more actions" in body

    def test_a_bad_time_and_a_future_time_are_errors(self, world):
        url = reverse("case-note-new", args=[world.child.pk])
        client = client_for(world.cyjs_worker)
        assert "for example 14:30" in client.post(url, note_form(occurred_time="25:00")).content.decode()
        tomorrow = timezone.localdate() + timedelta(days=1)
        future = note_form(
            occurred_on_day=str(tomorrow.day),
            occurred_on_month=str(tomorrow.month),
            occurred_on_year=str(tomorrow.year),
        )
        body = client.post(url, future).content.decode()
        assert "When it happened must be now or in the past" in body
        assert 'href="#id_occurred_on_0"' in body
        assert not CaseNote.objects.exists()

    def test_a_role_that_may_not_write_gets_403(self, world):
        service_account = UserFactory(role=Role.SERVICE_ACCOUNT, agency=world.csc)
        client = client_for(service_account)
        assert client.get(reverse("case-note-new", args=[world.child.pk])).status_code == 403
        assert client.post(reverse("case-note-new", args=[world.child.pk]), note_form()).status_code == 403
        assert not CaseNote.objects.exists()

    def test_a_note_on_a_child_the_user_cannot_see_is_not_shown(self, world, history):
        outsider = UserFactory(agency=police_agency(world))
        response = client_for(outsider).get(reverse("case-note-detail", args=[history.case_note.pk]))
        assert response.status_code in (403, 404)
        assert "Home visit" not in response.content.decode()
        assert log_rows(world.child, "page:case-note")[-1].outcome == AccessEvent.Outcome.DENIED


class TestSignificantEventPage:
    def test_an_event_is_added_and_appears_in_the_chronology(self, world):
        client = client_for(world.csc_worker)
        day = days_ago(2)
        response = client.post(
            reverse("significant-event-new", args=[world.child.pk]),
            {
                "occurred_on_day": day.day,
                "occurred_on_month": day.month,
                "occurred_on_year": day.year,
                "title": "Started at a new school",
                "detail": "",
            },
        )
        assert response.status_code == 302 and response["Location"] == reverse(
            "child-chronology", args=[world.child.pk]
        )
        assert "Started at a new school" in client.get(response["Location"]).content.decode()

    def test_a_missing_title_is_an_error(self, world):
        day = days_ago(2)
        response = client_for(world.csc_worker).post(
            reverse("significant-event-new", args=[world.child.pk]),
            {"occurred_on_day": day.day, "occurred_on_month": day.month, "occurred_on_year": day.year, "title": ""},
        )
        assert "Enter what happened" in response.content.decode()
        assert not SignificantEvent.objects.exists()


# --- API -------------------------------------------------------------------------------

NOTES = "/api/v1/case-notes/"


def note_body(child, **overrides):
    body = {
        "child": child.pk,
        "kind": "meeting",
        "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "took_part": "Riley Stone; Casey's mother",
        "summary": "Planning meeting about school.",
        "actions": [
            {
                "description": "Book a review",
                "owner_name": "Riley Stone",
                "due_on": str(timezone.localdate() + timedelta(days=7)),
            }
        ],
    }
    body.update(overrides)
    return body


class TestCaseNoteApi:
    def test_create(self, world):
        response = api_for(world.cyjs_worker).post(NOTES, note_body(world.child), format="json")
        assert response.status_code == 201, response.data
        assert response.data["agency_kind"] == "cyjs"
        assert response.data["actions"][0]["owner_name"] == "Riley Stone"
        assert len(log_rows(world.child, "case-note:record")) == 1

    def test_field_errors(self, world):
        response = api_for(world.cyjs_worker).post(NOTES, note_body(world.child, summary="", actions=[]), format="json")
        assert response.status_code == 400
        assert response.data["summary"] == ["Enter a summary of what happened"]
        assert response.data["actions"] == [services.NEITHER_MESSAGE]
        assert not CaseNote.objects.exists()

    def test_future_time_is_400(self, world):
        body = note_body(world.child, occurred_at=(timezone.now() + timedelta(hours=1)).isoformat())
        response = api_for(world.cyjs_worker).post(NOTES, body, format="json")
        assert response.status_code == 400 and "occurred_at" in response.data

    def test_a_role_that_may_not_write_gets_403(self, world):
        service_account = UserFactory(role=Role.SERVICE_ACCOUNT, agency=world.csc)
        response = api_for(service_account).post(NOTES, note_body(world.child), format="json")
        assert response.status_code == 403
        assert not CaseNote.objects.exists()

    def test_a_child_not_visible_is_404(self, world):
        other = ChildFactory()
        response = api_for(world.cyjs_worker).post(NOTES, note_body(other), format="json")
        assert response.status_code == 404
        assert log_rows(other, "api:case-notes-create")[-1].outcome == AccessEvent.Outcome.DENIED
        missing = {**note_body(other), "child": 999999}
        assert api_for(world.cyjs_worker).post(NOTES, missing, format="json").status_code == 404

    def test_list_only_visible_children_and_filter_by_child(self, world, history):
        other = ChildFactory()
        hidden = CaseNote.objects.create(
            child=other,
            agency=world.csc,
            kind="visit",
            occurred_at=moment(1),
            took_part="x",
            summary="hidden note",
            no_further_action=True,
            recorded_by=world.csc_worker,
        )
        client = api_for(world.cyjs_worker)
        ids = [row["id"] for row in client.get(NOTES).data["results"]]
        assert ids == [history.case_note.pk]
        assert hidden.pk not in ids
        assert client.get(NOTES, {"child": other.pk}).data["results"] == []
        assert [r["id"] for r in client.get(NOTES, {"child": world.child.pk}).data["results"]] == [history.case_note.pk]
        search = AccessEvent.objects.filter(what="api:case-notes-list").last()
        assert search.action == AccessEvent.Action.SEARCH and str(world.child.pk) in search.detail

    def test_retrieve_and_404_for_a_child_not_visible(self, world, history):
        client = api_for(world.cyjs_worker)
        assert client.get(f"{NOTES}{history.case_note.pk}/").data["summary"].startswith("Home visit")
        outsider = UserFactory(agency=police_agency(world))
        assert api_for(outsider).get(f"{NOTES}{history.case_note.pk}/").status_code == 404
        assert log_rows(world.child, "api:case-notes-detail")[-1].outcome == AccessEvent.Outcome.DENIED

    def test_notes_cannot_be_changed(self, world, history):
        client = api_for(world.csc_worker)
        assert client.patch(f"{NOTES}{history.case_note.pk}/", {"summary": "changed"}, format="json").status_code == 405
        assert client.delete(f"{NOTES}{history.case_note.pk}/").status_code == 405


class TestChronologyApi:
    def url(self, child):
        return f"/api/v1/children/{child.pk}/chronology/"

    def test_lists_entries_newest_first_and_is_logged(self, world, history):
        response = api_for(world.csc_worker).get(self.url(world.child))
        assert response.status_code == 200
        assert response.data[0]["title"] == "Moved to live with grandmother"
        assert response.data[0]["when"] == days_ago(5).isoformat() and response.data[0]["has_time"] is False
        assert {row["event_type"] for row in response.data} == ALL_TYPES
        assert len(log_rows(world.child, "api:children-chronology")) == 1

    def test_filters(self, world, history):
        client = api_for(world.cyjs_worker)
        rows = client.get(self.url(world.child), {"agency": "cyjs"}).data
        assert {r["agency_kind"] for r in rows} == {"cyjs"}
        rows = client.get(self.url(world.child), {"type": "case_note,significant_event"}).data
        assert [r["event_type"] for r in rows] == ["significant_event", "case_note"]
        assert rows[1]["url"] == reverse("case-note-detail", args=[history.case_note.pk])

    def test_an_unknown_filter_is_400(self, world, history):
        response = api_for(world.csc_worker).get(self.url(world.child), {"type": "gossip"})
        assert response.status_code == 400 and "type" in response.data

    def test_a_child_not_visible_is_404(self, world, history):
        outsider = UserFactory(agency=police_agency(world))
        assert api_for(outsider).get(self.url(world.child)).status_code == 404
        assert log_rows(world.child, "api:children-chronology")[-1].outcome == AccessEvent.Outcome.DENIED

    def test_a_cyjs_user_given_access_reads_it(self, world, history):
        other_cyjs = UserFactory(agency=police_agency(world))
        other_cyjs.agency.kind = Agency.Kind.CYJS
        other_cyjs.agency.save()
        assert api_for(other_cyjs).get(self.url(world.child)).status_code == 404
        grant(user=other_cyjs, child=world.child)
        assert api_for(other_cyjs).get(self.url(world.child)).status_code == 200

    def test_documented(self, world):
        schema = api_for(world.csc_worker).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
        assert "/api/v1/children/{id}/chronology/" in schema["paths"]
        params = {p["name"] for p in schema["paths"]["/api/v1/children/{id}/chronology/"]["get"]["parameters"]}
        assert {"agency", "type"} <= params
        assert "/api/v1/case-notes/" in schema["paths"]
        assert "post" in schema["paths"]["/api/v1/case-notes/"]
