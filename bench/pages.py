"""Public pages under load: each main page as a ratio of a bare Flask "hello" served the same way, in the same run.

For each database (SQLite file; PostgreSQL with --pg-url) and each size (the demo data; the network size made by
bench/generate.py), the script builds the database, serves the platform with gunicorn (2 sync workers, APP_CONFIG=
production) and bench/hello.py with the same gunicorn settings, and loads every page with wrk (Debian's `wrk`) on
127.0.0.1: front page, meetings list, a meeting, the directory and a directory search, the post archive's first and
last page, a post, the network calendar feed, a working group's page and the published survey results. It reports
requests per second, p50 and p99, and each page's requests per second as a percentage of hello's, measured for the
same time right before that page: the machine is shared, so only the ratios compare across runs. Each page is also
compared with a bare answer of its own size (`/bytes/<n>` of bench/hello.py, measured right after it), which
separates what the application does from what moving a larger body costs.

Targets (issue 15): every page at network size at least 10 % of hello, and no page costing more than 1.25 times its
demo-size cost (cost = hello's req/s / the page's req/s, so the ratio of costs is demo % / network %).

Usage:
  .venv/bin/python bench/pages.py                                   # SQLite, demo and network size, 10 s a page
  .venv/bin/python bench/pages.py --pg-url postgresql+psycopg://network@127.0.0.1:55446/bench --no-sqlite
  .venv/bin/python bench/pages.py --short --json /tmp/pages.json    # CI: small sizes, 1 s a page, checks 200s
  .venv/bin/python bench/pages.py --accept-encoding "gzip, deflate, br"   # as browsers ask: compressed answers
  .venv/bin/python bench/pages.py --write docs/benchmarks.md --label after
The PostgreSQL database named in --pg-url is emptied and rebuilt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from network.groups.models import WorkingGroup  # noqa: E402
from network.mailing.models import QUEUED, Post  # noqa: E402
from network.meetings.models import SCHEDULED, Meeting  # noqa: E402
from network.orgs.models import Organisation  # noqa: E402
from network.pagination import DEFAULT_PER_PAGE  # noqa: E402
from network.surveys.models import Survey  # noqa: E402
from network.timeutil import utcnow  # noqa: E402

WORKERS = 2
PAGE_TARGET = 0.10
GROWTH_LIMIT = 1.25
WARM_UP_SECONDS = 2
PAGES = ("front page", "meetings", "a meeting", "directory", "directory search", "archive", "archive last page",
         "a post", "network feed", "a group", "survey results")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_urls(connection) -> dict[str, str]:
    """The path of each main page in the database behind `connection` (a Connection or a Session): the next
    network meeting, the latest post, the largest group, the latest published survey..."""
    meeting = connection.scalar(select(Meeting.id).where(Meeting.status == SCHEDULED, Meeting.ends_at >= utcnow(),
                                                         Meeting.group_id.is_(None),
                                                         Meeting.published_at.is_not(None))
                                .order_by(Meeting.starts_at).limit(1))
    posts = connection.scalar(select(func.count(Post.id)).where(Post.status == QUEUED))
    post = connection.scalar(select(Post.id).where(Post.status == QUEUED)
                             .order_by(Post.queued_at.desc(), Post.id.desc()).limit(1))
    group = connection.scalar(select(WorkingGroup.id).order_by(WorkingGroup.member_count.desc(),
                                                               WorkingGroup.id).limit(1))
    year = connection.scalar(select(func.max(Survey.year)).where(Survey.published_at.is_not(None)))
    word = connection.scalar(select(Organisation.search_name).order_by(Organisation.id).limit(1)).split()[0]
    last = max(1, -(-posts // DEFAULT_PER_PAGE))
    return {
        "front page": "/",
        "meetings": "/meetings",
        "a meeting": f"/meetings/{meeting}",
        "directory": "/organisations",
        "directory search": f"/organisations?q={word}",
        "archive": "/posts",
        "archive last page": f"/posts?page={last}",
        "a post": f"/posts/{post}",
        "network feed": "/calendar.ics",
        "a group": f"/groups/{group}",
        "survey results": f"/surveys/{year}/results",
    }


class Server:
    """gunicorn (2 sync workers) serving `app` ("module:attribute") from `directory` on a free port."""

    def __init__(self, app: str, directory: Path, env: dict[str, str], log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--chdir", str(directory), "--log-level", "warning", app],
            env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait(self, path: str = "/", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s: see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# Headers sent with every request of a run (`--accept-encoding`): none by default, as wrk sends none.
REQUEST_HEADERS: dict[str, str] = {}


def fetch(url: str) -> tuple[int, int]:
    """The HTTP status and the length in bytes of the body as sent (compressed when REQUEST_HEADERS ask for it)
    of one GET with REQUEST_HEADERS."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=REQUEST_HEADERS), timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def status_of(url: str) -> int:
    """The HTTP status of one GET."""
    return fetch(url)[0]


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", value).groups()
    return float(number) * UNITS[unit]


def load(url: str, seconds: int, connections: int) -> dict:
    """wrk on `url` for `seconds`: requests per second, p50 and p99 in ms, and the non-2xx/3xx answers."""
    headers = [argument for name, value in REQUEST_HEADERS.items() for argument in ("--header", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s", "--latency",
         "--timeout", "10s", *headers, url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _seconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _seconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*timeout (\d+)", output)
    return {"rps": rate, "p50_ms": p50 * 1000, "p99_ms": p99 * 1000, "non_2xx": int(bad.group(1)) if bad else 0,
            "timeouts": int(errors.group(1)) if errors else 0}


def measure(database_url: str, size: str, seconds: int, connections: int, workdir: Path) -> dict:
    """One (database, size) run: hello, then every page, each loaded by wrk; returns the figures."""
    env = {"APP_CONFIG": "production", "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(48),
           "PUBLIC_BASE_URL": "http://127.0.0.1", "MAIL_FILE_DIR": str(workdir / "mail"),
           "UPLOAD_FOLDER": str(workdir / "uploads")}
    results: dict = {"size": size, "pages": {}}
    engine = create_engine(database_url)
    with engine.connect() as connection:
        urls = page_urls(connection)
    engine.dispose()
    # Both servers run at once (the idle one costs nothing); hello is measured right before each page, so that
    # each ratio compares two measurements made under the same load on a shared machine.
    hello = Server("hello:app", ROOT / "bench", {}, workdir / f"hello-{size}.log")
    app = Server("wsgi:app", ROOT, env, workdir / f"app-{size}.log")
    try:
        hello.wait()
        app.wait("/healthz")
        load(hello.base + "/", 1, connections)  # warm up
        hellos = []
        for page in PAGES:
            url = app.base + urls[page]
            answers = [fetch(url) for _ in range(2 * WORKERS)]
            statuses = {status for status, _length in answers}
            length = max(length for _status, length in answers)
            # Warm every worker (each keeps its own rendered pages and feeds): the figures are steady-state ones.
            load(url, min(WARM_UP_SECONDS, seconds), connections)
            baseline = load(hello.base + "/", seconds, connections)
            hellos.append(baseline["rps"])
            figures = load(url, seconds, connections)
            # A bare answer of the page's size, served the same way: what moving that many bytes costs alone
            # (gunicorn, the loopback and wrk share the machine's cores with the application).
            same_size = load(f"{hello.base}/bytes/{length}", seconds, connections)
            figures.update(path=urls[page], status=sorted(statuses), hello_rps=baseline["rps"],
                           ratio=figures["rps"] / baseline["rps"], bytes=length, same_size_rps=same_size["rps"],
                           same_size_ratio=figures["rps"] / same_size["rps"])
            results["pages"][page] = figures
            print(f"  {size:8} {page:18} {figures['rps']:8.1f} req/s {100 * figures['ratio']:6.2f} % "
                  f"(hello {baseline['rps']:.0f}) p50 {figures['p50_ms']:7.1f} ms p99 {figures['p99_ms']:7.1f} ms "
                  f"{length:7} bytes {100 * figures['same_size_ratio']:6.2f} % of same size "
                  f"{sorted(statuses)}", file=sys.stderr)
        results["hello"] = {"rps": sum(hellos) / len(hellos), "min_rps": min(hellos), "max_rps": max(hellos)}
    finally:
        app.stop()
        hello.stop()
    return results


def run_database(database_url: str, short: bool, seconds: int, connections: int, workdir: Path) -> dict:
    """Demo size, then network size (small in the short mode), on one database."""
    sizes = {}
    for size, scale in (("demo", None), ("network", generate.SMALL_SCALE if short else 1.0)):
        started = time.perf_counter()
        counts = generate.build(database_url, scale, quiet=True)
        print(f"{database_url.split(':')[0]} {size}: built in {time.perf_counter() - started:.0f} s "
              f"({counts['meetings']} meetings, {counts['mailing_posts']} posts, {counts['users']} people)",
              file=sys.stderr)
        sizes[size] = measure(database_url, size, seconds, connections, workdir)
        sizes[size]["rows"] = counts
    return sizes


def _growth(demo: float, network: float) -> float:
    return demo / network if network else float("inf")


def verdict(sizes: dict) -> dict[str, dict]:
    """Per page: the network-size ratio, the growth of its cost from demo size (against hello, and against a bare
    answer of the page's own size at each size: None for a run made before it was measured), and whether both
    targets hold (against hello)."""
    out = {}
    for page in PAGES:
        demo, network = sizes["demo"]["pages"][page], sizes["network"]["pages"][page]
        growth = _growth(demo["ratio"], network["ratio"])
        out[page] = {"ratio": network["ratio"], "growth": growth,
                     "same_size_growth": (_growth(demo["same_size_ratio"], network["same_size_ratio"])
                                          if "same_size_ratio" in demo and "same_size_ratio" in network else None),
                     "ok": network["ratio"] >= PAGE_TARGET and growth <= GROWTH_LIMIT}
    return out


def report_markdown(results: dict, command: str, label: str) -> str:
    """The Markdown section for docs/benchmarks.md."""
    lines = [f"## Public pages under load, {label} (bench/pages.py)", "",
             f"Command: `{command}`. Load average at the start {results['load'][0]:.2f}, at the end "
             f"{results['load'][1]:.2f} (2 cores shared with other work: compare the ratios, not the req/s). "
             f"wrk, {results['seconds']} s a page, {results['connections']} connections; gunicorn {WORKERS} sync "
             "workers; hello = bench/hello.py served the same way, measured right before each page; each page is "
             f"loaded for {min(WARM_UP_SECONDS, results['seconds'])} s before it is measured (warm-up). "
             + (f"Every request sent `Accept-Encoding: {results['accept_encoding']}`; bytes are as sent."
                if results.get("accept_encoding") else "No Accept-Encoding was sent (wrk's default)."), ""]
    for database, sizes in results["databases"].items():
        rows = sizes["network"]["rows"]
        lines += [f"### {database}", "",
                  f"Network size: {rows['organisations']:,} organisations, {rows['users']:,} people, "
                  f"{rows['mailing_subscribers']:,} subscribers, {rows['meetings']:,} meetings with "
                  f"{rows['meeting_registrations']:,} registrations, {rows['mailing_posts']:,} posts, "
                  f"{rows['working_groups']:,} groups, {rows['surveys']} survey years with "
                  f"{rows['survey_answers']:,} answers. Hello, measured before each page: "
                  f"{sizes['demo']['hello']['min_rps']:,.0f}-{sizes['demo']['hello']['max_rps']:,.0f} req/s "
                  f"(demo run), {sizes['network']['hello']['min_rps']:,.0f}-"
                  f"{sizes['network']['hello']['max_rps']:,.0f} req/s (network run).", "",
                  "| page | demo % of hello | demo p50 / p99 ms | network % of hello | network req/s "
                  "| network p50 / p99 ms | cost growth | target | bytes demo / network "
                  "| cost growth against a bare answer of the same size |",
                  "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
        judged = verdict(sizes)
        for page in PAGES:
            demo, network = sizes["demo"]["pages"][page], sizes["network"]["pages"][page]
            lines.append(
                f"| {page} (`{network['path']}`) | {100 * demo['ratio']:.1f} | {demo['p50_ms']:.1f} / "
                f"{demo['p99_ms']:.1f} | {100 * network['ratio']:.1f} | {network['rps']:.0f} | "
                f"{network['p50_ms']:.1f} / {network['p99_ms']:.1f} | {judged[page]['growth']:.2f} | "
                f"{'met' if judged[page]['ok'] else 'MISSED'} | {demo['bytes']:,} / {network['bytes']:,} | "
                f"{judged[page]['same_size_growth']:.2f} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="CI mode: small network size, 1 s a page")
    parser.add_argument("--seconds", type=int, default=None, help="wrk duration per page (default 10, short 1)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--pg-url", default=None, help="also run on this PostgreSQL database (emptied first)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--write", type=Path, default=None, help="write the report section into this Markdown file")
    parser.add_argument("--label", default="after", help="the report section's label (e.g. before, after)")
    parser.add_argument("--accept-encoding", default=None,
                        help='send this Accept-Encoding with every request, as browsers do (e.g. "gzip, deflate, br")')
    args = parser.parse_args(argv)
    if args.accept_encoding:
        REQUEST_HEADERS["Accept-Encoding"] = args.accept_encoding
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian package wrk)")
    seconds = args.seconds or (1 if args.short else 10)
    workdir = Path(tempfile.mkdtemp(prefix="network-pages-"))
    databases = {}
    if not args.no_sqlite:
        databases["sqlite"] = f"sqlite:///{workdir / 'pages.sqlite3'}"
    if args.pg_url:
        databases["postgresql"] = args.pg_url
    results = {"seconds": seconds, "connections": args.connections, "databases": {}, "load": [os.getloadavg()[0]],
               "accept_encoding": args.accept_encoding}
    for name, url in databases.items():
        results["databases"][name] = run_database(url, args.short, seconds, args.connections, workdir)
    results["load"].append(os.getloadavg()[0])
    command = " ".join([".venv/bin/python bench/pages.py", *(argv if argv is not None else sys.argv[1:])])
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    text_ = report_markdown(results, command, args.label)
    print(text_)
    if args.write:
        generate.survey_bench.write_section(args.write, text_)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
