"""bench/pages_summary.py: the median over several runs of bench/pages.py judges each page, so one noisy
measurement neither passes nor fails a page on its own."""

from __future__ import annotations

import json

from .support import pages, pages_summary


def _run(network: dict[str, float], demo: float = 0.30, same_size: bool = True) -> dict:
    def size(ratios: dict[str, float]) -> dict:
        return {"pages": {page: {"ratio": ratios.get(page, demo),
                                 **({"same_size_ratio": ratios.get(page, demo)} if same_size else {})}
                          for page in pages.PAGES}}
    return {"databases": {"sqlite": {"demo": size({}), "network": size(network)}}}


def test_the_median_of_the_runs_judges_each_page(tmp_path):
    runs = [_run({"a meeting": 0.15}), _run({"a meeting": 0.29, "network feed": 0.05}),
            _run({"a meeting": 0.28, "network feed": 0.06}, same_size=False)]
    combined = pages_summary.combine(runs)["sqlite"]
    # one slow measurement (growth 2.0) among three does not fail the page; the median growth is 1.07
    assert combined["a meeting"]["ok"] and round(combined["a meeting"]["growth"], 2) == 1.07
    assert combined["a meeting"]["ratios"] == [0.15, 0.29, 0.28]
    # a page under the target in two runs of three is judged as missing it
    assert not combined["network feed"]["ok"] and combined["network feed"]["ratio"] == 0.06
    # the same-size growth is the median of the runs that measured it
    assert combined["front page"]["same_size_growth"] == 1.0
    paths = []
    for number, run in enumerate(runs):
        paths.append(tmp_path / f"run{number}.json")
        paths[-1].write_text(json.dumps(run), encoding="utf-8")
    report = tmp_path / "benchmarks.md"
    assert pages_summary.main([*map(str, paths), "--write", str(report)]) == 1  # a page misses: exit status 1
    written = report.read_text(encoding="utf-8")
    assert "| network feed | 30.0, 5.0, 6.0 | 6.0 |" in written and "MISSED" in written
    steady = tmp_path / "steady.json"
    steady.write_text(json.dumps(_run({})), encoding="utf-8")
    assert pages_summary.main([str(steady)]) == 0
    # a labelled summary is a section of its own beside the first
    pages_summary.main([str(steady), "--write", str(report), "--label", "compressed"])
    written = report.read_text(encoding="utf-8")
    assert "## Public pages under load, the median of several runs (bench" in written
    assert "## Public pages under load, the median of several runs, compressed (bench" in written
