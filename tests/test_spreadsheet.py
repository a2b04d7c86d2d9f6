"""CSV downloads (config.spreadsheet): text that a spreadsheet would run as a formula is written as text."""

import csv
import io

from config.spreadsheet import csv_download, safe_cell


def test_a_cell_that_starts_like_a_formula_is_written_as_text():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell("Jo Demo") == "Jo Demo"
    assert safe_cell(-3) == -3


def test_the_download_is_not_cached_and_holds_the_rows():
    response = csv_download("figures.csv", ["Name", "Count"], [["@SUM(A1)", 3]])
    assert response["Cache-Control"] == "no-store"
    assert 'filename="figures.csv"' in response["Content-Disposition"]
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [["Name", "Count"], ["'@SUM(A1)", "3"]]
