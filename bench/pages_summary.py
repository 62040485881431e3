"""Several runs of bench/pages.py combined: per database and page, the median over the runs of the network-size
percentage of hello and of the cost growth from demo size, judged against the targets of bench/pages.py.

One run's ratios move by 10-30 % between neighbouring measurements even on a quiet machine (two cores shared by
gunicorn, wrk and the database server), so a single run can miss a target on a page whose work did not change;
the median of three runs is the figure to judge.

Usage:
  .venv/bin/python bench/pages_summary.py RUN.json [RUN.json ...] [--write docs/benchmarks.md] [--label LABEL]
where each RUN.json was written by `bench/pages.py --json RUN.json`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import pages  # noqa: E402


def combine(runs: list[dict]) -> dict[str, dict[str, dict]]:
    """{database: {page: figures}} from the runs (dicts as bench/pages.py writes them with --json).

    Figures per page: `runs` (how many runs measured it), `ratios` and `growths` (per run, in run order),
    `ratio` and `growth` (their medians), `same_size_growth` (median over the runs that measured it, or None) and
    `ok` (both medians within the targets). Raises KeyError on a file that is not a bench/pages.py result.
    """
    combined: dict[str, dict[str, dict]] = {}
    for run in runs:
        for database, sizes in run["databases"].items():
            judged = pages.verdict(sizes)
            for page, figures in judged.items():
                entry = combined.setdefault(database, {}).setdefault(
                    page, {"ratios": [], "growths": [], "same_size_growths": []})
                entry["ratios"].append(figures["ratio"])
                entry["growths"].append(figures["growth"])
                if figures["same_size_growth"] is not None:
                    entry["same_size_growths"].append(figures["same_size_growth"])
    for per_page in combined.values():
        for entry in per_page.values():
            entry["runs"] = len(entry["ratios"])
            entry["ratio"] = statistics.median(entry["ratios"])
            entry["growth"] = statistics.median(entry["growths"])
            entry["same_size_growth"] = (statistics.median(entry["same_size_growths"])
                                         if entry["same_size_growths"] else None)
            entry["ok"] = entry["ratio"] >= pages.PAGE_TARGET and entry["growth"] <= pages.GROWTH_LIMIT
    return combined


def report_markdown(combined: dict[str, dict[str, dict]], command: str, label: str | None = None) -> str:
    """The Markdown section for docs/benchmarks.md (its title carries `label` when given)."""
    title = "the median of several runs" + (f", {label}" if label else "")
    lines = [f"## Public pages under load, {title} (bench/pages_summary.py)", "",
             f"Command: `{command}`. Per page: the network-size percentage of hello and the cost growth from demo "
             "size in each run (in run order), their medians, and the target judged on the medians (at least "
             f"{100 * pages.PAGE_TARGET:.0f} %, growth at most {pages.GROWTH_LIMIT}). The last column is the "
             "median growth against a bare answer of the page's own size (runs that measured it).", ""]
    for database, per_page in combined.items():
        lines += [f"### {database}", "",
                  "| page | network % of hello per run | median | cost growth per run | median | target "
                  "| growth against the same size |",
                  "|---|---|---:|---|---:|---|---:|"]
        for page in pages.PAGES:
            entry = per_page[page]
            same = "-" if entry["same_size_growth"] is None else f"{entry['same_size_growth']:.2f}"
            lines.append(
                f"| {page} | {', '.join(f'{100 * r:.1f}' for r in entry['ratios'])} | {100 * entry['ratio']:.1f} "
                f"| {', '.join(f'{g:.2f}' for g in entry['growths'])} | {entry['growth']:.2f} "
                f"| {'met' if entry['ok'] else 'MISSED'} | {same} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, help="JSON files written by bench/pages.py --json")
    parser.add_argument("--write", type=Path, default=None, help="write the section into this Markdown file")
    parser.add_argument("--label", default=None, help="added to the section's title (one section per label)")
    args = parser.parse_args(argv)
    combined = combine([json.loads(path.read_text(encoding="utf-8")) for path in args.runs])
    command = " ".join([".venv/bin/python bench/pages_summary.py", *(argv if argv is not None else sys.argv[1:])])
    text = report_markdown(combined, command, args.label)
    print(text)
    if args.write:
        pages.generate.survey_bench.write_section(args.write, text)
    return 0 if all(entry["ok"] for per_page in combined.values() for entry in per_page.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
