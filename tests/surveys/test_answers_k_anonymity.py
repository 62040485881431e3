"""The answers export (CSV part and the XLSX sheet) is k-anonymous in the organisation's kind and region: no
combination of the two narrows a free-text answer down to fewer than THRESHOLD organisations.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from network.extensions import db
from network.surveys.report import k_anonymous_groups
from network.surveys.suppression import THRESHOLD

from ..factories import make_org
from .conftest import add_response, open_survey

# (kind, region, rows): research_education and uusimaa each have at least 5 rows alone, but together only 3.
GROUPS = [
    ("municipality", "uusimaa", THRESHOLD + 1),
    ("research_education", "uusimaa", THRESHOLD - 2),
    ("research_education", "pirkanmaa", 2),
    ("research_education", "lappi", THRESHOLD),
    ("civil_society", "lappi", 2),
]
# After blanking the region of small pairs, then the kind of small (kind, blank region) groups: 2 rows are blank
# in both, fewer than THRESHOLD, which elimination could tell apart, so the smallest group shown,
# ("research_education", ""), is blanked too (complementary suppression).
EXPECTED = Counter({
    ("municipality", "uusimaa"): THRESHOLD + 1,
    ("research_education", "lappi"): THRESHOLD,
    ("", ""): THRESHOLD + 2,
})


@pytest.fixture
def survey(app):
    survey = open_survey()
    for kind, region, _rows in GROUPS:
        # The organisations exist in the register too, so the small pair is real, not just a test artefact.
        make_org(kind=kind, region=region)
    text = next(q for q in survey.questions if q.kind == "text")
    number = 0
    for kind, region, rows in GROUPS:
        for _ in range(rows):
            number += 1
            add_response(survey, kind=kind, region=region, **{text.key: f"Idea number {number}"})
    db.session.commit()
    return survey


def _assert_k_anonymous(pairs: list[tuple[str, str]]) -> None:
    counts = Counter(pairs)
    assert counts == EXPECTED
    assert ("research_education", "uusimaa") not in counts
    for (kind, region), n in counts.items():
        assert n >= THRESHOLD, f"({kind!r}, {region!r}) is shared by only {n} rows"


def test_the_answers_csv_is_k_anonymous_in_kind_and_region(survey, coordinator_client):
    response = coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=answers")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == sum(n for _kind, _region, n in GROUPS)
    assert all(row["n"] for row in rows)
    _assert_k_anonymous([(row["org_kind"], row["region"]) for row in rows])


def test_the_answers_sheet_of_the_workbook_is_k_anonymous_in_kind_and_region(survey, coordinator_client):
    response = coordinator_client.get(f"/admin/reports/{survey.year}/export.xlsx")
    assert response.status_code == 200
    sheets = [ws for ws in load_workbook(io.BytesIO(response.data)).worksheets
              if [c.value for c in ws[1]][:3] == ["n", "org_kind", "region"]]
    assert len(sheets) == 1, "one answers sheet"
    sheet = sheets[0]
    header = [c.value for c in sheet[1]]
    kind_column, region_column = header.index("org_kind"), header.index("region")
    pairs = [(row[kind_column] or "", row[region_column] or "")
             for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(pairs) == sum(n for _kind, _region, n in GROUPS)
    _assert_k_anonymous(pairs)


def test_k_anonymous_groups_blanks_the_region_first_then_the_kind():
    k = 3
    groups = [("a", "x")] * 3 + [("a", "y")] * 2 + [("a", None)] + [("b", "x")] * 2 + [(None, "z")] * 3
    assert k_anonymous_groups(groups, k) == (
        [("a", "x")] * 3 + [("a", "")] * 3 + [("", "")] * 2 + [("", "")] * 3
    ), "order kept, None as blank, ('a', '') reaches k with the unknown region, ('b', '') does not, and the two " \
       "fully blank rows take in the smallest group shown, ('', 'z')"
    assert k_anonymous_groups([], k) == []
    assert k_anonymous_groups([("a", "x")] * 2, 1) == [("a", "x")] * 2


def test_k_anonymous_groups_uses_the_project_threshold_and_refuses_k_below_one():
    assert k_anonymous_groups([("a", "x")] * (THRESHOLD - 1)) == [("", "")] * (THRESHOLD - 1)
    assert k_anonymous_groups([("a", "x")] * THRESHOLD) == [("a", "x")] * THRESHOLD
    with pytest.raises(ValueError):
        k_anonymous_groups([("a", "x")], 0)
