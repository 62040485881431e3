"""Survey results benchmark: 10 years x 500 respondents x 40 questions, the results page and the report.

Builds the surveys (the charter template plus extra 1-5 questions up to 40 per year), first with 100 respondents a
year, then adds 400 more, and at each size measures through the Flask test client, as a logged-in coordinator:
  - the results page (/admin/surveys/<year>/results) and the report (/admin/reports/<year>) of the FIRST year
    (trends over 1 year) and of the LAST year (trends over 10 years);
  - the number of SQL statements each page runs and its median time over several requests.

The pass criteria (issue 11): the number of queries is the same for 1 and 10 years and for 100 and 500 respondents,
and a page over 10 years takes at most twice as long as over 1 year.

Usage:
  .venv/bin/python bench/survey.py                          # SQLite file in a temporary directory
  .venv/bin/python bench/survey.py --database-url postgresql+psycopg://network@127.0.0.1:55434/bench
  .venv/bin/python bench/survey.py --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import event, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from network import create_app  # noqa: E402
from network.auth.models import User  # noqa: E402
from network.auth.sessions import start_session  # noqa: E402
from network.extensions import db  # noqa: E402
from network.surveys import builder, summaries  # noqa: E402
from network.surveys.models import (  # noqa: E402
    AGREE5,
    MULTIPLE,
    SCALE10,
    SINGLE,
    TEXT,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyPopulation,
    SurveyResponse,
)

YEARS = 10
QUESTIONS = 40
FIRST_RESPONDENTS, ALL_RESPONDENTS = 100, 500
KINDS = ["municipality", "wellbeing_county", "state", "civil_society", "research_education", "other"]
REGIONS = ["uusimaa", "pirkanmaa", "varsinais-suomi", "pohjois-pohjanmaa", "lappi", "pohjanmaa"]
REPEATS = 5


def build_surveys(first_year: int) -> list:
    surveys = []
    for year in range(first_year, first_year + YEARS):
        survey = builder.create_survey(year, source="copy" if surveys else "template",
                                       opens_on=date(year, 11, 1), closes_on=date(year, 11, 30))
        extra = 1
        while len(survey.questions) < QUESTIONS:
            key = f"extra_{extra:02d}"
            if all(q.key != key for q in survey.questions):
                builder.add_question(survey, builder.QuestionInput(key=key, kind=AGREE5, text_fi=f"Lisäkysymys {extra}",
                                                                   goal="learning" if extra % 2 else None))
                db.session.expire(survey, ["questions"])
            extra += 1
        for kind in KINDS:
            db.session.add(SurveyPopulation(survey_id=survey.id, org_kind=kind, invited=2 * ALL_RESPONDENTS // 6))
        surveys.append(survey)
    db.session.commit()
    return surveys


def add_respondents(surveys: list, count: int, rng: random.Random) -> None:
    """`count` more anonymous responses to every survey, written with bulk inserts."""
    for offset, survey in enumerate(surveys):
        questions = [(q.id, q.kind, [o.id for o in q.options]) for q in survey.questions]
        responses, answers, choices = [], [], []
        for _ in range(count):
            response_id = secrets.token_hex(16)
            responses.append({"id": response_id, "survey_id": survey.id, "org_kind": rng.choice(KINDS),
                              "region": rng.choice(REGIONS)})
            for question_id, kind, options in questions:
                if kind == AGREE5:
                    answers.append({"response_id": response_id, "question_id": question_id,
                                    "number": max(1, min(5, round(rng.gauss(2.5 + offset * 0.15, 1)))), "text": None})
                elif kind == SCALE10:
                    answers.append({"response_id": response_id, "question_id": question_id,
                                    "number": rng.randint(0, 10), "text": None})
                elif kind == SINGLE:
                    choices.append({"response_id": response_id, "question_id": question_id,
                                    "option_id": rng.choice(options)})
                elif kind == MULTIPLE:
                    for option_id in rng.sample(options, 2):
                        choices.append({"response_id": response_id, "question_id": question_id,
                                        "option_id": option_id})
                elif kind == TEXT and rng.random() < 0.2:
                    answers.append({"response_id": response_id, "question_id": question_id, "number": None,
                                    "text": "Kehitysidea"})
        db.session.execute(insert(SurveyResponse), responses)
        db.session.execute(insert(SurveyAnswer), answers)
        db.session.execute(insert(SurveyAnswerChoice), choices)
        # Written behind the application's back: the closed surveys' stored summaries are recomputed.
        summaries.forget(survey.id)
        db.session.commit()


def measure(client, url: str) -> tuple[int, float]:
    """(SQL statements of one request, median seconds over REPEATS requests) for `url`."""
    statements = []

    def count(*_args) -> None:
        statements.append(1)

    client.get(url)  # warm up templates and caches
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - started)
    return len(statements), statistics.median(times)


def run(database_url: str | None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="network-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None})
    rows: list[dict] = []
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        db.create_all()
        coordinator = User(email="bench@example.fi", name="Bench", password_hash="x", role="coordinator")
        db.session.add(coordinator)
        db.session.commit()
        start_session(coordinator, remember=False, user_agent="bench")
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = coordinator.get_id()
            session["_fresh"] = True
        rng = random.Random(11)
        started = time.perf_counter()
        surveys = build_surveys(2017)
        first, last = surveys[0].year, surveys[-1].year
        build_seconds = 0.0
        for respondents in (FIRST_RESPONDENTS, ALL_RESPONDENTS):
            added = respondents - (FIRST_RESPONDENTS if respondents == ALL_RESPONDENTS else 0)
            add_respondents(surveys, added, rng)
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))  # what autovacuum would do after a bulk load
                db.session.commit()
            build_seconds = time.perf_counter() - started
            for page, template in (("results", "/admin/surveys/{year}/results"), ("report", "/admin/reports/{year}")):
                for years, year in ((1, first), (YEARS, last)):
                    queries, seconds = measure(client, template.format(year=year))
                    rows.append({"page": page, "years": years, "respondents": respondents, "queries": queries,
                                 "seconds": seconds})
        answers = db.session.execute(text("SELECT count(*) FROM survey_answers")).scalar()
        choices = db.session.execute(text("SELECT count(*) FROM survey_answer_choices")).scalar()
        database = db.engine.dialect.name + ("+" + db.engine.driver if db.engine.dialect.name != "sqlite" else "")
        if database_url:
            db.session.remove()
            db.drop_all()
    return {"rows": rows, "database": database, "answers": answers, "choices": choices,
            "build_seconds": build_seconds, "load": os.getloadavg()[0]}


def verdict(rows: list[dict]) -> tuple[bool, list[str]]:
    notes, ok = [], True
    for page in ("results", "report"):
        mine = [r for r in rows if r["page"] == page]
        queries = {r["queries"] for r in mine}
        if len(queries) != 1:
            ok = False
            notes.append(f"{page}: the number of queries varies: {sorted(queries)}")
        else:
            notes.append(f"{page}: {queries.pop()} queries for every size (1 or 10 years, 100 or 500 respondents)")
        one = next(r for r in mine if r["years"] == 1 and r["respondents"] == ALL_RESPONDENTS)
        ten = next(r for r in mine if r["years"] == YEARS and r["respondents"] == ALL_RESPONDENTS)
        ratio = ten["seconds"] / one["seconds"]
        if ratio > 2:
            ok = False
        notes.append(f"{page}: 10 years take {ratio:.2f} times as long as 1 year ({'within' if ratio <= 2 else 'OVER'}"
                     f" the limit of 2)")
    return ok, notes


def report_markdown(results: dict, command: str) -> str:
    ok, notes = verdict(results["rows"])
    table = "\n".join(
        f"| {r['page']} | {r['years']} | {r['respondents']} | {r['queries']} | {r['seconds'] * 1000:,.0f} ms |"
        for r in results["rows"])
    bullet_notes = "\n".join(f"- {n}" for n in notes)
    return f"""## Survey results and report, {results["database"].split("+")[0]} (bench/survey.py)

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} (Python {platform.python_version()},
{platform.machine()}, {os.cpu_count()} CPUs, load average {results['load']:.1f} at the end of the run), database:
{results['database']}. {YEARS} yearly surveys of {QUESTIONS} questions each (the charter template plus 1-5
questions), {ALL_RESPONDENTS} respondents a year at the end: {results['answers']:,} number and text answers and
{results['choices']:,} chosen options (built in {results['build_seconds']:.0f} s with bulk inserts). Pages requested
through the Flask test client as a coordinator; time is the median of {REPEATS} requests after a warm-up one;
queries are the SQL statements of one request (session and user loading included).

Command:

    {command}

| page | years in the trends | respondents a year | SQL queries | median time |
|---|---:|---:|---:|---:|
{table}

{bullet_notes}

Result: {"PASS" if ok else "FAIL"}. Aggregation is grouped SQL (n, mean and distribution per question; trends by
question key and goal scores in one statement over a grouped CTE; breakdowns by kind and region), so neither more
years nor more respondents add queries. Three things keep ten years close to one: an index on (question, number)
that covers the aggregates (SQLite reads no answer row, only the index), the trends and goal scores computed in one
pass, and each closed survey's per-question summary (n, mean, 0-100 score) stored the first time its results are
read after closing (forgotten whenever its dates or questions change), so the past years add a few hundred small
rows to read instead of {ALL_RESPONDENTS * QUESTIONS:,} answers each. A survey not closed yet is aggregated from its
answers. Times vary with the machine's load; compare rows of one run.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--write", type=Path, default=None, help="write the result section into this Markdown file")
    args = parser.parse_args(argv)
    command = " ".join(["bench/survey.py", *(argv if argv is not None else sys.argv[1:])])
    results = run(args.database_url)
    text_ = report_markdown(results, f".venv/bin/python {command}")
    print(text_)
    if args.write:
        write_section(args.write, text_)
    return 0 if verdict(results["rows"])[0] else 1


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section in the file (other benchmarks' sections are kept)."""
    heading = section.splitlines()[0]
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if heading in existing:
        before, rest = existing.split(heading, 1)
        after = rest.split("\n## ", 1)
        existing = before.rstrip() + "\n" + (("\n## " + after[1]) if len(after) == 2 else "")
    path.write_text(existing.rstrip() + "\n\n" + section, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
