"""Threshold frameworks load from thresholds/data/, completely, and versions are kept."""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import ChildFactory, UserFactory
from thresholds import services
from thresholds.models import Framework, Indicator
from thresholds.services import INDICATORS_FILE, ThresholdDataError

pytestmark = pytest.mark.django_db
SOURCE_CSV = Path("/work/shared/domain/levels-of-need-indicators.csv")


def _rows():
    with open(INDICATORS_FILE, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_both_frameworks_are_loaded_by_the_migration_with_every_indicator():
    rows = _rows()
    assert len(rows) == 301
    for code, expected in (("LAN", 184), ("CBC", 117)):
        fw = Framework.objects.get(code=code, active=True)
        assert fw.levels.count() == 4
        assert fw.indicators.count() == expected == sum(1 for r in rows if r["framework"] == code)
    assert Framework.objects.get(code="LAN", active=True).domains.count() == 13
    assert Framework.objects.get(code="CBC", active=True).domains.count() == 3
    assert set(Indicator.objects.filter(framework__active=True).values_list("code", flat=True)) == {
        r["id"] for r in rows
    }


def test_from_a_clean_database_the_command_loads_both_and_counts_match():
    Framework.objects.all().delete()
    call_command("load_thresholds", "--quiet")
    assert Indicator.objects.filter(framework__active=True).count() == len(_rows())
    assert Indicator.objects.get(framework__code="LAN", code="LAN-L4-HEA-11").flags == ["significant_harm"]
    assert Indicator.objects.get(framework__code="LAN", code="LAN-L1-HEA-01").polarity == "strength"


def test_labels_are_our_own_short_words_with_the_source_line():
    for row in _rows():
        assert 0 < len(row["label"]) <= 70, row["id"]
        assert row["source_file"] and row["line"], row["id"]
    if SOURCE_CSV.exists():  # the verbatim list lives beside the repository, not in it
        verbatim = {r["id"]: r["text"] for r in csv.DictReader(open(SOURCE_CSV, encoding="utf-8"))}
        assert services.check_labels_cover(SOURCE_CSV) == 301
        copied = [r["id"] for r in _rows() if r["label"] == verbatim[r["id"]] and len(r["label"].split()) > 4]
        assert not copied, copied


def test_loading_again_is_idempotent():
    before = Framework.objects.count()
    assert services.sync_frameworks() == {"unchanged": 2, "new_versions": 0, "indicators_loaded": 0}
    assert Framework.objects.count() == before


def test_a_missing_label_fails_loudly_and_changes_nothing(tmp_path):
    broken = tmp_path / "indicators.csv"
    rows = _rows()
    rows[5]["label"] = ""
    with open(broken, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ThresholdDataError, match=rf"{rows[5]['id']}.*no label"):
        services.read_data(indicators_file=broken)
    source = tmp_path / "source.csv"
    source.write_text("id\nLAN-L1-HEA-01\nLAN-XX-NEW-01\n")
    with pytest.raises(CommandError, match="LAN-XX-NEW-01"):
        call_command("load_thresholds", "--check-source", str(source), "--quiet")


def test_a_changed_framework_gets_a_new_version_and_old_assessments_keep_theirs():
    old = Framework.objects.get(code="LAN", active=True)
    user = UserFactory()
    assessment = services.record_assessment(
        framework=old, by=user, child=ChildFactory(), indicator_codes=["LAN-L2-LRN-04"]
    )
    data = services.read_data()
    lan = next(fw for fw in data if fw["code"] == "LAN")
    lan["indicators"][0]["label"] = "Physically well and active"
    counts = services.sync_frameworks(data)
    assert counts["new_versions"] == 1 and counts["unchanged"] == 1
    new = Framework.objects.get(code="LAN", active=True)
    assert new.version == old.version + 1 and new.pk != old.pk
    old.refresh_from_db()
    assert not old.active
    assert new.indicators.get(code="LAN-L1-HEA-01").label == "Physically well and active"
    assert old.indicators.get(code="LAN-L1-HEA-01").label == "Physically well"
    assessment.refresh_from_db()
    assert assessment.framework_id == old.pk
    assert list(assessment.indicators.values_list("framework_id", flat=True)) == [old.pk]
    # Loading the file again (its content is the original) makes yet another version, never reusing old rows.
    services.sync_frameworks()
    assert Framework.objects.get(code="LAN", active=True).version == old.version + 2
