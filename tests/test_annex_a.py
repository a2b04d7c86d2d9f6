"""Ofsted's Annex A lists: columns in Ofsted's order, the records each list holds, the CSV files
and workbook agreeing, who may download them, and the access log. Every name is fictional."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessEvent, Role
from casework.assessment import services as assessments
from returns.annex_a.columns import all_lists, annex_list
from returns.annex_a.forms import query_of
from returns.annex_a.sources import Period
from tests.conference_builders import child_on_plan, conference_world
from tests.factories import ChildFactory, ContactFactory, UserFactory, authority_with_agencies
from tests.performance_builders import referral

pytestmark = pytest.mark.django_db
DAY = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def local_day(moment) -> str:
    return f"{timezone.localdate(moment):%d/%m/%Y}"


@pytest.fixture
def w():
    w = conference_world()
    today = timezone.localdate()
    w.period = Period(first=today - timedelta(days=30), last=today)
    w.child.sex, w.child.ethnicity, w.child.disabilities = "F", "WBRI", ["NONE"]
    w.child.save(update_fields=["sex", "ethnicity", "disabilities"])
    w.analyst = UserFactory(role=Role.PERFORMANCE_ANALYST, agency=w.csc, first_name="Ana", last_name="Lyst")
    # A referral in the period, from a school, and a contact from before it.
    w.referral = referral(
        child=w.child, agency=w.mash, decided_at=timezone.now() - timedelta(days=10), by=w.mash_manager
    )
    w.referral.referral_source = "2A"
    w.referral.save(update_fields=["referral_source"])
    w.old_contact = ContactFactory(child=w.child, agency=w.mash, received_at=timezone.now() - timedelta(days=40))
    # An assessment, then section 47 enquiries, an initial conference and a plan for neglect.
    w.assessment = assessments.start_assessment(
        child=w.child,
        by=w.csc_worker,
        referral_received_at=timezone.now() - timedelta(days=9),
        social_worker=w.csc_worker,
    )
    w.icpc, w.plan = child_on_plan(w)
    # Another authority's child, with a contact in the period.
    _, other_mash, _ = authority_with_agencies()
    w.elsewhere = ChildFactory()
    ContactFactory(child=w.elsewhere, agency=other_mash, received_at=timezone.now() - timedelta(days=5))
    return w


def download(client, user, name, period, *args):
    client.force_login(user)
    response = client.get(f"{reverse(name, args=args)}?{query_of(period)}")
    assert response.status_code == 200, response.status_code
    return response


def csv_rows(client, w, code) -> list[list[str]]:
    response = download(client, w.senior, "annex-a-csv", w.period, code)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def by_column(code, rows) -> list[dict[str, str]]:
    chosen = annex_list(code)
    assert chosen is not None
    header = chosen.header
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_each_list_starts_with_ofsteds_headings_in_order(client, w):
    assert [each.number for each in all_lists()] == [1, 3, 4, 5, 6, 7, 8]
    for each in all_lists():
        rows = csv_rows(client, w, each.code)
        assert rows[0] == each.header
        assert rows[0][0] == "Child Unique ID"


def test_contacts_in_the_period_are_listed_and_others_are_not(client, w):
    rows = by_column("contacts", csv_rows(client, w, "contacts"))
    dates = {row["Date of Contact"] for row in rows}
    assert local_day(w.referral.received_at) in dates
    assert local_day(w.old_contact.received_at) not in dates
    ours = [row for row in rows if row["Child Unique ID"] == w.child.return_reference]
    assert ours and ours[0]["Gender"] == "F" and ours[0]["Ethnicity"] == "WBRI"
    assert ours[0]["Date of Birth"] == f"{w.child.date_of_birth:%d/%m/%Y}"
    # The child's reference for returns only: never a name or the database id.
    assert all(row["Child Unique ID"] != str(w.child.pk) for row in rows)
    assert w.child.first_name not in str(rows)


def test_another_authoritys_children_are_left_out(client, w):
    for each in all_lists():
        assert w.elsewhere.return_reference not in str(csv_rows(client, w, each.code))


def test_a_referral_has_its_source_code_and_allocated_worker(client, w):
    (row,) = by_column("referrals", csv_rows(client, w, "referrals"))
    assert row["Date of referral"] == local_day(w.referral.received_at)
    assert row["Referral Source"] == "2A"
    assert row["Referral NFA?"] == "No"
    assert row["Number of Referrals in Last 12 Months"] == "0"
    assert row["Allocated Team"] == w.csc_team.name
    assert row["Allocated Worker"] == w.csc_worker.get_full_name()


def test_an_assessment_row(client, w):
    (row,) = by_column("assessments", csv_rows(client, w, "assessments"))
    assert row["Child Unique ID"] == w.child.return_reference
    assert row["Does the Child have a Disability"] == "No"
    assert row["Continuous Assessment Start Date"] == f"{w.assessment.started_on:%d/%m/%Y}"
    assert row["Continuous Assessment Date of Authorisation"] == ""
    assert row["Was the child assessed as requiring LA children's social care support?"] == ""


def test_a_section_47_enquiry_with_its_initial_conference(client, w):
    (row,) = by_column("section_47", csv_rows(client, w, "section_47"))
    enquiry = w.icpc.enquiry
    assert row["Strategy discussion initiating Section 47 Enquiry Start Date"] == local_day(
        enquiry.strategy_discussion.held_at
    )
    assert row["Date of Initial Child Protection Conference"] == local_day(w.icpc.held_at)
    assert row["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == "Yes"
    assert row["Was an Initial Child Protection Conference deemed unnecessary?"] == "No"
    assert row["Number of Section 47 Enquiries in the last 12 months"] == "0"


def test_a_child_protection_plan_with_its_category_code(client, w):
    (row,) = by_column("child_protection", csv_rows(client, w, "child_protection"))
    assert row["Child Protection Plan Start Date"] == f"{w.plan.started_on:%d/%m/%Y}"
    assert row["Initial Category of Abuse"] == "NEG"
    assert row["Latest Category of Abuse"] == "NEG"
    assert row["Child Protection Plan End Date"] == ""
    assert row["Number of Previous Child Protection Plans"] == "0"
    assert row["Date of the Last Statutory Visit"] == ""  # not held


def test_the_child_in_need_episode_shows_the_plan_as_its_status(client, w):
    (row,) = by_column("children_in_need", csv_rows(client, w, "children_in_need"))
    assert row["CIN Start Date"] == f"{w.csc_involvement.start:%d/%m/%Y}"
    assert row["Case Status"] == "Child Protection plan"
    assert row["Allocated Worker"] == w.csc_worker.get_full_name()


def test_every_date_column_is_dd_mm_yyyy(client, w):
    for each in all_lists():
        for row in by_column(each.code, csv_rows(client, w, each.code)):
            for name, value in row.items():
                if value and ("Date" in name or name.endswith(" Seen")):
                    assert DAY.match(value), (each.code, name, value)


def test_the_workbook_has_a_sheet_a_list_with_the_csv_rows(client, w):
    response = download(client, w.senior, "annex-a-workbook", w.period)
    assert response["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == [each.sheet for each in all_lists()]
    for each in all_lists():
        sheet = [["" if v is None else str(v) for v in row] for row in book[each.sheet].iter_rows(values_only=True)]
        assert sheet == csv_rows(client, w, each.code), each.code


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.MASH_MANAGER, Role.AUDITOR])
def test_only_people_who_prepare_returns_may_see_the_lists(client, w, role):
    client.force_login(UserFactory(role=role, agency=w.csc))
    query = query_of(w.period)
    for url in (reverse("annex-a"), reverse("annex-a-csv", args=["contacts"]), reverse("annex-a-workbook")):
        assert client.get(f"{url}?{query}").status_code == 403, url
    assert not AccessEvent.objects.filter(what__startswith="annex_a:").exists()


def test_each_download_is_on_the_access_log_with_the_children_in_it(client, w):
    csv_rows(client, w, "contacts")
    event = AccessEvent.objects.get(what="annex_a:contacts")
    assert event.user == w.senior
    assert str(w.period) in event.detail
    assert event.detail.endswith(f"returned: {w.child.pk}")
    download(client, w.analyst, "annex-a-workbook", w.period)
    logged = AccessEvent.objects.filter(user=w.analyst).values_list("what", flat=True)
    assert sorted(logged) == sorted(f"annex_a:{each.code}" for each in all_lists())


def test_the_page_lists_each_list_with_its_rows_and_downloads(client, w):
    client.force_login(w.analyst)
    response = client.get(reverse("annex-a"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Ofsted inspection lists (Annex A) –" in html
    assert '<h1 class="govuk-heading-l">Ofsted inspection lists (Annex A)</h1>' in html
    assert "List 1: Contacts" in html and "List 8: Children looked after" in html
    assert reverse("annex-a-csv", args=["referrals"]) in html
    assert "Download all lists (Excel)" in html


@pytest.mark.parametrize(
    "parts, message",
    [
        ({"from_day": "31", "from_month": "2", "from_year": "2026"}, "Start date must be a real date"),
        (
            {"from_day": "2", "from_month": "1", "from_year": "2026", "to_day": "1"},
            "must be the same as the start date",
        ),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(client, w, parts, message):
    client.force_login(w.senior)
    query = {"from_day": "1", "from_month": "1", "from_year": "2026", "to_day": "1", "to_month": "1", "to_year": "2026"}
    response = client.get(reverse("annex-a"), {**query, **parts})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert "<title>Error: " in html
    assert "Download all lists" not in html
    csv_url = reverse("annex-a-csv", args=["contacts"])
    assert client.get(csv_url, {**query, **parts}).status_code == 404


def test_the_command_writes_the_workbook_and_logs_it(w, tmp_path):
    out = tmp_path / "annex-a.xlsx"
    w.authority.la_code = "888"
    w.authority.save(update_fields=["la_code"])
    first, last = w.period.first.isoformat(), w.period.last.isoformat()
    call_command(
        "export_annex_a",
        "--authority",
        "888",
        "--from",
        first,
        "--to",
        last,
        "--out",
        str(out),
        "--by",
        w.analyst.username,
    )
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [each.sheet for each in all_lists()]
    assert AccessEvent.objects.filter(user=w.analyst, what="annex_a:contacts").exists()
