"""Lighthouse on the public pages (issue 16, item 10): performance, accessibility, best practices and SEO at 100, in
Finnish, Swedish and English.

Before: best practices 96 (the console's 404 for /favicon.ico), SEO 90 (no meta description), performance left out
and only Finnish pages checked.

How it stays quick and independent of the machine's load:
- Performance is measured with `throttlingMethod: "provided"`: the page load as it happens on 127.0.0.1, with no
  simulated slow network and CPU. Lighthouse's default (simulated throttling) multiplies the observed main-thread
  time, so its score followed how busy the machine was, not the page.
- One Chromium for every page (tests/support/lighthouse/run.mjs calls Lighthouse's Node API once per page, each in
  a fresh tab), each category reduced to its scored audits (same scores, less to gather). A measured load needs
  Lighthouse's quiet windows of about 5 s, so a page costs some 15-25 s on a busy machine: to stay within about
  3 minutes per pass, the full set runs in one pass only, as the scores depend on the pages the app renders, not on
  the database behind them: the SQLite pass checks the five pages in all three languages; the PostgreSQL pass
  checks the five pages in Finnish and one page each in Swedish and English (the directory in Swedish: its names, municipalities and order change with the language; the
  front page in English: meetings, groups and posts, with the Finnish fallback of texts that have no English).
- Each tab sends the language as its Accept-Language, as a first visit from a Swedish or English browser does, and
  the test checks that the page came in that language (`<html lang>`).

Lighthouse comes from tests/support/lighthouse (`npm ci`, done by scripts/test.sh) and drives Debian's Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from network.demo import load_demo

from ..conftest import CHROMIUM, DATABASE_URL, missing_component

pytestmark = pytest.mark.browser

RUNNER_DIRECTORY = Path(__file__).resolve().parent.parent / "support" / "lighthouse"
LIGHTHOUSE = RUNNER_DIRECTORY / "node_modules" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("/", "/meetings", "/organisations", "/posts", "/subscribe")
HEADERS = {"fi": "fi-FI,fi;q=0.9", "sv": "sv-FI,sv;q=0.9", "en": "en-GB,en;q=0.9"}
# The PostgreSQL pass's sample: (language, the pages checked in it).
SAMPLE = (("fi", PAGES), ("sv", ("/organisations",)), ("en", ("/",)))


def _checked_pages() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(language, pages) to check in this pass: everything on SQLite, the sample on PostgreSQL."""
    if make_url(DATABASE_URL).get_backend_name() == "sqlite":
        return tuple((language, PAGES) for language in HEADERS)
    return SAMPLE


def _run(jobs: list[dict], tmp_path: Path, name: str) -> list[dict]:
    jobs_file, output = tmp_path / f"{name}-jobs.json", tmp_path / f"{name}-results.json"
    jobs_file.write_text(json.dumps({"categories": list(CATEGORIES), "pages": jobs}))
    completed = subprocess.run(["node", str(RUNNER_DIRECTORY / "run.mjs"), str(jobs_file), str(output)],
                               env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                               timeout=600, check=False)
    if not output.exists():
        pytest.fail(f"Lighthouse did not run: {completed.stderr[-2000:]}")
    return json.loads(output.read_text())


def _unmeasured(result: dict) -> bool:
    return bool(result.get("runtimeError")) or any(score is None for score in result["scores"].values())


def test_public_pages_score_100_in_every_category_and_language(app, live_server, tmp_path):
    if not LIGHTHOUSE.exists() or not shutil.which("node"):
        missing_component("Lighthouse is not installed (npm ci --prefix tests/support/lighthouse)")
    if not Path(CHROMIUM).exists():
        missing_component(f"Chromium not found at {CHROMIUM}")
    load_demo()
    jobs = [{"url": live_server.url + path, "language": HEADERS[language], "expected": language}
            for language, paths in _checked_pages() for path in paths]
    results = _run(jobs, tmp_path, "first")
    # A busy machine sometimes loses the page-load trace (NO_NAVSTART), or an audit errors and leaves its category
    # unscored (None: not measured, which is not a score): those pages get two more tries, and a third miss fails.
    # A page that was measured keeps its score: only a measurement is retried, never a score below 100.
    for attempt in (1, 2):
        retry = [job for job, result in zip(jobs, results, strict=True) if _unmeasured(result)]
        if not retry:
            break
        again = iter(_run(retry, tmp_path, f"retry-{attempt}"))
        results = [next(again) if _unmeasured(result) else result for result in results]
    problems = {}
    for job, result in zip(jobs, results, strict=True):
        key = f"{job['expected']} {job['url'].removeprefix(live_server.url)}"
        if result.get("runtimeError"):
            problems[key] = result["runtimeError"]
        elif result["htmlLang"] != job["expected"] or any(score != 1 for score in result["scores"].values()):
            problems[key] = (result["htmlLang"], result["scores"], result["failing"])
    assert not problems, problems
