"""bench/pages.py in its short mode: it builds both sizes, serves them with gunicorn, loads every page with wrk and
writes its report, every page answering 200. No timing is asserted (the machine is shared)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..conftest import missing_component
from .support import BENCH, pages


def _postgres_bench_url(test_url: str) -> str:
    """A separate database next to the suite's (bench/pages.py empties the database it is given)."""
    url = make_url(test_url)
    bench = url.set(database=f"{url.database}_pages_bench")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": bench.database}):
            connection.execute(text(f'CREATE DATABASE "{bench.database}"'))
    engine.dispose()
    return bench.render_as_string(hide_password=False)


def test_short_mode_reports_every_page_answering_200(tmp_path):
    if shutil.which("wrk") is None:
        missing_component("wrk (Debian package wrk) runs the page benchmark")
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    databases = ["--pg-url", _postgres_bench_url(test_url), "--no-sqlite"] if test_url.startswith("postgresql") else []
    output = tmp_path / "pages.json"
    report = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, str(BENCH / "pages.py"), "--short", "--json", str(output), "--write", str(report),
         "--accept-encoding", "gzip", *databases],
        capture_output=True, text=True, timeout=1100,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    figures = json.loads(output.read_text(encoding="utf-8"))
    assert list(figures["databases"]) == (["postgresql"] if databases else ["sqlite"])
    for sizes in figures["databases"].values():
        assert set(sizes) == {"demo", "network"}
        assert sizes["network"]["rows"]["meeting_registrations"] > sizes["demo"]["rows"]["meeting_registrations"]
        for size in sizes.values():
            assert size["hello"]["rps"] > 0
            assert list(size["pages"]) == list(pages.PAGES)
            for page, measured in size["pages"].items():
                assert measured["status"] == [200], (page, measured)
                assert measured["non_2xx"] == 0, (page, measured)
                # each page is also measured against a bare answer of its own size
                assert measured["bytes"] > 0 and measured["same_size_rps"] > 0, (page, measured)
            # asked for gzip, the pages came compressed: the survey results are mostly repeated chart markup
            assert size["pages"]["survey results"]["bytes"] < 20_000, size["pages"]["survey results"]
    written = report.read_text(encoding="utf-8")
    assert "## Public pages under load" in written
    assert "cost growth against a bare answer of the same size" in written
    assert "Every request sent `Accept-Encoding: gzip`" in written
    for page in pages.PAGES:
        assert f"| {page} (`" in written
