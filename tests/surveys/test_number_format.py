"""The survey's figures in the page's language (a tester saw "Vastausprosentti 49.2 %" and "Keskiarvo 3.38" on the
Finnish and Swedish results): the public summary, the coordinator's results and the self-assessment report (the
PDF prints the same page) write means, rates and chart labels with the language's decimal comma or point and its
per cent sign. The expected figures are worked out here from the answers the test stores."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from network.extensions import db
from network.surveys import builder, charts
from network.surveys.models import SurveyPopulation

from .conftest import add_response

NBSP = "\u00a0"
# The Swedish and Finnish words around the figures, as the catalogs translate them.
WORDS = {
    "fi": {"rate": "Vastausprosentti", "mean": "Keskiarvo"},
    "sv": {"rate": "Svarsfrekvens", "mean": "Medelvärde"},
    "en": {"rate": "Response rate", "mean": "Mean"},
}
THIS_YEAR = [3, 3, 3, 3, 3, 4]  # benefit_faster (1-5): mean 3.1666...
RECOMMEND = [7, 8, 8, 9, 9, 9]  # recommend (0-10): mean 8.333...
LAST_YEAR = [2, 3, 3, 4, 4]  # benefit_faster a year earlier: mean 3.2, a trend with two points
INVITED = 13  # 6 responses of 13 invited: 46.153... per cent


def decimal(value: float, digits: int, lang: str) -> str:
    """How the language writes a decimal number (CLDR): a comma in Finnish and Swedish, a point in English."""
    text = f"{value:.{digits}f}"
    return text if lang == "en" else text.replace(".", ",")


def per_cent(value: float, lang: str) -> str:
    """How the language writes a per cent (CLDR): fi and sv "46,2 %" with a non-breaking space, en "46.2%"."""
    return f"{value:.1f}%" if lang == "en" else f"{decimal(value, 1, lang)}{NBSP}%"


def visible_text(page: str) -> str:
    """The page's text without tags and attributes (chart coordinates have points), entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"')[1].split("</section>")[0]


@pytest.fixture
def results_year(app, coordinator_client):
    """Last year's and this year's surveys with answers, this year's invitations counted, and its summary public."""
    year = 2025
    earlier = builder.create_survey(year - 1, source="template", opens_on=date(year - 1, 11, 1),
                                    closes_on=date(year - 1, 11, 30))
    for value in LAST_YEAR:
        add_response(earlier, benefit_faster=value)
    survey = builder.create_survey(year, source="template", opens_on=date(year, 11, 1),
                                   closes_on=date(year, 11, 30))
    for value, recommend in zip(THIS_YEAR, RECOMMEND, strict=True):
        add_response(survey, "municipality", "uusimaa", benefit_faster=value, recommend=recommend)
    db.session.add(SurveyPopulation(survey_id=survey.id, org_kind="municipality", invited=INVITED))
    db.session.commit()
    assert coordinator_client.post(f"/admin/surveys/{year}/publish", data={"publish": "1"}).status_code == 302
    return year


def expected(lang: str) -> dict[str, str]:
    mean = sum(THIS_YEAR) / len(THIS_YEAR)
    return {
        "mean": decimal(mean, 2, lang),
        "mean_point": f"{mean:.2f}",
        "recommend": decimal(sum(RECOMMEND) / len(RECOMMEND), 2, lang),
        "recommend_point": f"{sum(RECOMMEND) / len(RECOMMEND):.2f}",
        "last_year": decimal(sum(LAST_YEAR) / len(LAST_YEAR), 2, lang),
        "rate": per_cent(100 * len(THIS_YEAR) / INVITED, lang),
        "rate_number": decimal(100 * len(THIS_YEAR) / INVITED, 1, lang),
        "rate_point": f"{100 * len(THIS_YEAR) / INVITED:.1f}",
    }


def assert_localised(page: str, lang: str) -> None:
    """The rate and the means in the language's form, and not in the point form (or with English's spacing)."""
    want, words = expected(lang), WORDS[lang]
    text = visible_text(page)
    responses = visible_text(section(page, "responses-heading"))
    assert f"{words['rate']} {want['rate']}." in responses
    assert f"{words['mean']} {want['mean']}" in text
    assert f"{words['mean']} {want['recommend']}" in text
    if lang == "en":
        assert f"{want['rate_point']} %" not in responses.replace(NBSP, " ")
    else:
        for point in (want["rate_point"], want["mean_point"], want["recommend_point"]):
            assert point not in text
    # The trend chart of the question: its point labels (drawn on the server) and its table.
    trend = section(page, "trends-heading").split('id="trend-benefit_faster-caption"')[1].split("</figure>")[0]
    labels = re.findall(r'<text [^>]*fill="#111">([^<]*)</text>', trend)
    assert labels == [want["last_year"], want["mean"]]
    ticks = re.findall(r'<text [^>]*text-anchor="end"[^>]*>([^<]*)</text>', trend)
    assert ticks == [decimal(v, 1, lang) for v in (1, 2, 3, 4, 5)]
    assert f"<td>{want['mean']}</td>" in trend


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_public_summary_writes_figures_in_the_page_language(results_year, client, lang):
    page = client.get(f"/surveys/{results_year}/results?lang={lang}")
    assert page.status_code == 200
    assert_localised(page.text, lang)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_coordinators_results_write_figures_in_the_page_language(results_year, coordinator_client, lang):
    page = coordinator_client.get(f"/admin/surveys/{results_year}/results?lang={lang}")
    assert page.status_code == 200
    assert_localised(page.text, lang)
    want = expected(lang)
    # The response rate by kind (a "per cent" column: the number alone) and the means by kind.
    assert f"<td>{want['rate_number']}</td>" in section(page.text, "responses-heading")
    assert f"<td>{want['mean']} (n=6)</td>" in section(page.text, "by-kind-heading")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_report_writes_figures_in_the_page_language(results_year, coordinator_client, lang):
    page = coordinator_client.get(f"/admin/reports/{results_year}?lang={lang}")
    assert page.status_code == 200
    assert_localised(page.text, lang)
    # The activity figure of the survey (rounded to one decimal when counted) with the language's per cent.
    activity = section(page.text, "activity-heading")
    assert f"<td>{per_cent(round(100 * len(THIS_YEAR) / INVITED, 1), lang)}</td>" in activity
    old_form = expected(lang)["rate_point"] + (" %" if lang == "en" else "")
    assert old_form not in activity.replace(NBSP, " ")


def test_exports_keep_the_point_for_programs(results_year, coordinator_client):
    """CSV and XLSX are read by programs: the same figures with a point in every language."""
    want = expected("en")
    csv = coordinator_client.get(f"/admin/reports/{results_year}/export.csv?part=questions&lang=fi")
    assert f";{want['mean_point']};" in csv.data.decode("utf-8-sig")
    assert f";{expected('fi')['mean']};" not in csv.data.decode("utf-8-sig")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_chart_labels_follow_the_language(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        chart = charts.line_chart(["2024", "2025"], [3.2, 19 / 6], 1, 5)
        shares = charts.multi_line_chart(["2024", "2025"], [("a", [60.0, 100 / 3])], 0, 100, digits=0)
    assert [p.text for p in chart.series[0].points] == [decimal(3.2, 2, lang), decimal(19 / 6, 2, lang)]
    assert [label for _y, label in chart.y_ticks] == [decimal(v, 1, lang) for v in (1, 2, 3, 4, 5)]
    assert [p.text for p in shares.series[0].points] == ["60", "33"]
    assert [label for _y, label in shares.y_ticks] == ["0", "25", "50", "75", "100"]
