"""The results page and the yearly self-assessment report: their context, the spreadsheet parts (XLSX, CSV) with
a codebook, and the PDF (WeasyPrint).
"""

from __future__ import annotations

import importlib
import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..orgs.regions import kind_label
from ..registries import figures_for_year
from ..spreadsheets import Sheet, export_filename, spreadsheet_response
from . import builder, charts, results
from .goals import GOALS, goal_label
from .models import (
    CHOICE_KINDS,
    NUMERIC_KINDS,
    SCALES,
    QuestionOption,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyResponse,
)
from .suppression import THRESHOLD

GOAL_SCALE = (0, 100)
STYLESHEET_LINK = re.compile(r"<link rel=\"stylesheet\"[^>]*>")


def results_context(survey: Survey, *, public: bool) -> dict[str, Any]:
    """Everything the results page (and the report's survey part) shows for `survey`; `public` leaves out the
    free-text answers and the response rate by kind.
    """
    question_results = results.question_results(survey)
    past = results.history(until_year=survey.year)
    years, trend_list = past.years, past.trends
    labels = [str(y) for y in years]
    trend_charts = []
    for trend in trend_list:
        if trend.kind not in NUMERIC_KINDS:
            continue
        low, high = SCALES[trend.kind]
        values = [trend.points.get(y, (0, None))[1] for y in years]
        trend_charts.append((trend, charts.line_chart(labels, values, low, high),
                             [(y, *trend.points[y]) if y in trend.points else (y, None, None) for y in years]))
    choice_charts = []
    for trend in trend_list:
        if trend.kind not in CHOICE_KINDS or not trend.options:
            continue
        shares = [[trend.share(value, y) for y in years] for value, _label in trend.options]
        series = [(label, values) for (_value, label), values in zip(trend.options, shares, strict=True)]
        rows = [(y, trend.points[y][0] if y in trend.points else None, [values[i] for values in shares])
                for i, y in enumerate(years)]
        choice_charts.append((trend, charts.multi_line_chart(labels, series, 0, 100, digits=0), rows))
    goal_years, goal_map = past.years, past.goals
    goal_charts = []
    for goal in GOALS:
        if goal not in goal_map:
            continue
        values = [goal_map[goal].get(y, (0, None))[1] for y in goal_years]
        goal_charts.append((goal, goal_label(goal),
                            charts.line_chart([str(y) for y in goal_years], values, *GOAL_SCALE, digits=0),
                            [(y, *goal_map[goal][y]) if y in goal_map[goal] else (y, None, None)
                             for y in goal_years]))
    distribution_charts = {
        r.question.id: charts.bar_chart([(label, count) for _code, label, count in r.distribution])
        for r in question_results if r.distribution and not r.hidden
    }
    kind_columns, kind_cells = results.breakdown(survey, "org_kind")
    region_columns, region_cells = results.breakdown(survey, "region")
    overall, rates = results.response_rates(survey)
    return {
        "survey": survey,
        "public": public,
        "responses": results.response_count(survey),
        "question_results": question_results,
        "distribution_charts": distribution_charts,
        "trend_charts": trend_charts,
        "choice_charts": choice_charts,
        "goal_charts": goal_charts,
        "years": years,
        "kind_columns": kind_columns,
        "kind_cells": kind_cells,
        "region_columns": region_columns,
        "region_cells": region_cells,
        "overall_rate": overall,
        "rates": [] if public else rates,
        "free_texts": {} if public else results.free_texts(survey),
        "numeric_kinds": NUMERIC_KINDS,
    }


def report_context(year: int) -> dict[str, Any]:
    """The self-assessment report of `year`: the survey's results (if there is a survey) and the activity figures
    every domain contributes for that year.
    """
    survey = builder.survey_for_year(year)
    context: dict[str, Any] = {"year": year, "figures": figures_for_year(year), "survey": survey}
    if survey is not None:
        context.update(results_context(survey, public=False))
    return context


def _fmt(value: float | None, digits: int = 2) -> str:
    # Exports are read by programs (spreadsheets, statistics tools): a point in every language, unlike the pages.
    return "" if value is None else f"{value:.{digits}f}"


def k_anonymous_groups(groups: Sequence[tuple[str | None, str | None]],
                       k: int = THRESHOLD) -> list[tuple[str, str]]:
    """The (kind, region) quasi-identifiers of exported rows, generalised by blanking so that every combination
    shown is shared by at least `k` rows.

    Takes one (organisation kind, region) pair per row, None for an unknown value, and `k`, the minimum group size
    (default: the project's small-count threshold). Returns the pairs in the same order with None as "" and:
    first the region blanked in rows whose (kind, region) pair occurs in fewer than `k` rows, then the kind blanked
    in rows whose (kind, blank region) group has fewer than `k` rows; then, while the rows with both values blank
    are fewer than `k` (but some), the smallest group still shown is blanked too (complementary suppression). Every
    returned pair therefore occurs at least `k` times, unless there are fewer than `k` rows in all.
    Raises ValueError when `k` is less than 1.
    Standard: k-anonymity by generalisation to a suppressed value (L. Sweeney, "k-anonymity: a model for
    protecting privacy", International Journal of Uncertainty, Fuzziness and Knowledge-Based Systems 10(5),
    2002, 557-570).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    pairs = [(kind or "", region or "") for kind, region in groups]
    pair_counts = Counter(pairs)
    pairs = [(kind, region if region and pair_counts[(kind, region)] >= k else "") for kind, region in pairs]
    kind_counts = Counter(kind for kind, region in pairs if not region)
    pairs = [(kind if region or (kind and kind_counts[kind] >= k) else "", region) for kind, region in pairs]
    # Complementary suppression: a few fully blanked rows could be told apart by elimination (the response rate by
    # kind names every kind), so while that group is smaller than k the smallest shown group joins it.
    counts = Counter(pairs)
    while 0 < counts[("", "")] < k and len(counts) > 1:
        smallest = min((pair for pair in counts if pair != ("", "")), key=lambda pair: (counts[pair], pair))
        counts[("", "")] += counts.pop(smallest)
        pairs = [("", "") if pair == smallest else pair for pair in pairs]
    return pairs


def _answers_sheet(survey: Survey) -> Sheet:
    """One row per response with no identity: a running number (rows shuffled), the organisation's kind and region
    (generalised by k_anonymous_groups: each kind-and-region combination shown is shared by at least THRESHOLD
    responses), then one column per question key.
    """
    questions = list(survey.questions)
    responses = db.session.execute(select(SurveyResponse.id, SurveyResponse.org_kind, SurveyResponse.region)
                                   .where(SurveyResponse.survey_id == survey.id)).all()
    values: dict[str, dict[int, list[str]]] = {}
    for response_id, question_id, number, text in db.session.execute(
            select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.number, SurveyAnswer.text)
            .join(SurveyResponse).where(SurveyResponse.survey_id == survey.id)).all():
        values.setdefault(response_id, {})[question_id] = [str(number) if number is not None else text]
    for response_id, question_id, value in db.session.execute(
            select(SurveyAnswerChoice.response_id, SurveyAnswerChoice.question_id, QuestionOption.value)
            .join(SurveyResponse).join(QuestionOption, QuestionOption.id == SurveyAnswerChoice.option_id)
            .where(SurveyResponse.survey_id == survey.id).order_by(QuestionOption.position)).all():
        values.setdefault(response_id, {}).setdefault(question_id, []).append(value)
    rows = []
    shuffled = list(responses)
    random.SystemRandom().shuffle(shuffled)
    groups = k_anonymous_groups([(r.org_kind, r.region) for r in shuffled])
    for number, (response, (kind, region)) in enumerate(zip(shuffled, groups, strict=True), start=1):
        answers = values.get(response.id, {})
        rows.append([number, kind, region,
                     *(" ".join(answers.get(q.id, [])) if q.kind == "multiple" else "".join(answers.get(q.id, []))
                       for q in questions)])
    return Sheet(_("Answers"), ["n", "org_kind", "region", *(q.key for q in questions)], rows)


def _codebook(survey: Survey) -> Sheet:
    rows = [["n", _("Running number of the response (random order)"), "", "", "", "", ""],
            ["org_kind", _("Kind of organisation (blank where fewer than 5 responses share the kind and region)"), "", "", "", "",
             "; ".join(f"{code}={kind_label(code)}" for code in ("municipality", "wellbeing_county", "state",
                                                                 "civil_society", "research_education", "other"))],
            ["region", _("Region (blank where fewer than 5 responses share the kind and region)"), "", "", "", "", ""]]
    for q in survey.questions:
        if q.kind in NUMERIC_KINDS:
            low, high = SCALES[q.kind]
            coding = f"{low}–{high}"
        elif q.kind in CHOICE_KINDS:
            coding = "; ".join(f"{o.value}={o.label}" for o in q.options)
        else:
            coding = _("free text")
        rows.append([q.key, q.text_fi, q.text_sv or "", q.text_en or "", q.kind, q.goal or "", coding])
    return Sheet(_("Codebook"), [_("Key"), _("Finnish"), _("Swedish"), _("English"), _("Kind"), _("Goal"),
                                 _("Values")], rows)


def report_sheets(year: int) -> list[Sheet]:
    """The report's parts as sheets: summary, activity figures, questions, distributions, trends (means, and the
    choice questions' option shares), goals, breakdowns
    by kind and region, response rate, answers (no identity) and the codebook. Aborts 404 without anything.
    """
    context = report_context(year)
    figures = context["figures"]
    sheets = [Sheet(_("Activity"), [_("Key"), _("Figure"), _("Value"), _("Unit")],
                    [[f.key, str(f.label), f.value, str(f.unit)] for f in figures])]
    survey = context["survey"]
    if survey is None:
        return sheets
    overall = context["overall_rate"]
    sheets.insert(0, Sheet(_("Summary"), [_("Figure"), _("Value")], [
        [_("Year"), year], [_("Responses"), context["responses"]], [_("Invited"), overall.invited],
        [_("Response rate, per cent"), _fmt(overall.rate, 1)]]))
    question_rows, distribution_rows = [], []
    for r in context["question_results"]:
        q = r.question
        question_rows.append([q.key, q.text, q.kind, q.goal or "", r.n,
                              "" if r.hidden else _fmt(r.mean), _("hidden (n < 5)") if r.hidden else ""])
        if not r.hidden:
            distribution_rows += [[q.key, code, label, count] for code, label, count in r.distribution]
    sheets.append(Sheet(_("Questions"), [_("Key"), _("Question"), _("Kind"), _("Goal"), "n", _("Mean"),
                                         _("Note")], question_rows))
    sheets.append(Sheet(_("Distribution"), [_("Key"), _("Value"), _("Label"), _("Count")], distribution_rows))
    trend_rows = [[trend.key, y, n, _fmt(mean)] for trend, _chart, points in context["trend_charts"]
                  for y, n, mean in points if n is not None]
    sheets.append(Sheet(_("Trends"), [_("Key"), _("Year"), "n", _("Mean")], trend_rows))
    option_rows = [[trend.key, value, label, y, n, _fmt(row_shares[i], 1)]
                   for trend, _chart, rows in context["choice_charts"] for y, n, row_shares in rows if n is not None
                   for i, (value, label) in enumerate(trend.options) if row_shares[i] is not None]
    sheets.append(Sheet(_("Choice trends"), [_("Key"), _("Value"), _("Label"), _("Year"), "n",
                                             _("Share, per cent")], option_rows))
    goal_rows = [[goal, label, y, count, _fmt(score, 1)] for goal, label, _chart, points in context["goal_charts"]
                 for y, count, score in points if count is not None]
    sheets.append(Sheet(_("Goals"), [_("Goal"), _("Label"), _("Year"), _("Questions"), _("Score 0–100")],
                        goal_rows))
    for title, cells in ((_("By kind"), context["kind_cells"]), (_("By region"), context["region_cells"])):
        rows = []
        for r in context["question_results"]:
            for cell in cells.get(r.question.id, []):
                rows.append([r.question.key, cell.key or "", cell.label, "" if cell.hidden else cell.n,
                             "" if cell.hidden else _fmt(cell.mean)])
        sheets.append(Sheet(title, [_("Key"), _("Code"), _("Group"), "n", _("Mean")], rows))
    sheets.append(Sheet(_("Response rate"), [_("Kind"), _("Invited"), _("Responses"), _("Response rate, per cent")],
                        [[rate.label, rate.invited, "" if rate.answered is None else rate.answered,
                          _fmt(rate.rate, 1)] for rate in [overall, *context["rates"]]]))
    sheets.append(_answers_sheet(survey))
    sheets.append(_codebook(survey))
    return sheets


PARTS = ("summary", "activity", "questions", "distribution", "trends", "choice-trends", "goals", "by-kind", "by-region",
         "response-rate", "answers", "codebook")


def spreadsheet(year: int, fmt: str, part: str | None = None) -> Response:
    """The report as an XLSX workbook (one sheet per part) or one part as CSV (`part`, default "questions")."""
    sheets = report_sheets(year)
    if fmt == "csv":
        survey = builder.survey_for_year(year)
        names = PARTS if survey is not None else ("activity",)
        wanted = part or ("questions" if survey is not None else "activity")
        if wanted not in names:
            abort(404)
        return spreadsheet_response(sheets[names.index(wanted)], "csv", f"self-assessment-{year}-{wanted}")
    return spreadsheet_response(sheets, "xlsx", f"self-assessment-{year}")


def pdf_bytes(html: str) -> bytes:
    """The report's HTML as PDF with WeasyPrint and the site's and the print stylesheets (WeasyPrint is loaded on
    first use: it needs the pango libraries, which the rest of the application does not).
    """
    weasyprint = importlib.import_module("weasyprint")
    css = Path(current_app.static_folder or "static") / "css"
    stylesheets = [weasyprint.CSS(filename=str(css / name)) for name in ("site.css", "surveys.css")]
    # The page's own <link> stylesheets are given from the disk instead: nothing is fetched by URL.
    html = STYLESHEET_LINK.sub("", html)
    return weasyprint.HTML(string=html, base_url=str(css)).write_pdf(stylesheets=stylesheets)


def pdf_response(html: str, year: int) -> Response:
    """A download of the report as PDF."""
    response = Response(pdf_bytes(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{export_filename(f"self-assessment-{year}", "pdf")}"'
    return response
