"""Cost of each public page in CPU time of one process, so that the machine's load does not weigh on the figures.

Serves the platform (APP_CONFIG=production) and bench/hello.py through Flask's test client in this process, measures
the CPU time of this process (not the wall clock, which other processes' load stretches) for `--requests`
anonymous GETs of each page of bench/pages.py (after a warm-up) and of hello, and prints each page's
milliseconds per request and hello's cost as a percentage of the page's (the in-process counterpart of pages.py's
ratio: the test client adds the same overhead to both). With `--profile DIR`, writes a cProfile report per page
(cumulative and internal time) there.

Usage (the database is read, never changed, except what the pages themselves store on first view):
  .venv/bin/python bench/generate.py --database-url sqlite:////tmp/network-net.sqlite3
  .venv/bin/python bench/profile_pages.py sqlite:////tmp/network-net.sqlite3 --requests 100 [--profile /tmp/prof]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# Production settings, read when config.py is imported (below).
os.environ.update(APP_CONFIG="production", SECRET_KEY=secrets.token_urlsafe(48), PUBLIC_BASE_URL="http://127.0.0.1")
os.environ.setdefault("MAIL_FILE_DIR", "/tmp/network-profile-mail")
os.environ.setdefault("UPLOAD_FOLDER", "/tmp/network-profile-uploads")

import hello  # noqa: E402
import pages  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from network import create_app  # noqa: E402


def _per_request(client, path: str, count: int) -> float:
    for _ in range(3):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    started = time.process_time()  # this process's CPU time: what other processes' load does not change
    for _ in range(count):
        client.get(path)
    return (time.process_time() - started) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile report per page here")
    parser.add_argument("pages", nargs="*", help="only these pages (names as in bench/pages.py)")
    args = parser.parse_args(argv)
    app = create_app("production", overrides={"SQLALCHEMY_DATABASE_URI": args.database_url})
    engine = create_engine(args.database_url)
    with engine.connect() as connection:
        urls = pages.page_urls(connection)
    engine.dispose()
    hello_client, client = hello.app.test_client(), app.test_client()
    baseline = min(_per_request(hello_client, "/", 500) for _ in range(3))
    print(f"hello {1000 * baseline:.3f} CPU ms, load average {os.getloadavg()[0]:.2f}")
    print("| page | CPU ms per request | hello as % of it |\n|---|---:|---:|")
    for page in pages.PAGES:
        if args.pages and page not in args.pages:
            continue
        cost = _per_request(client, urls[page], args.requests)
        print(f"| {page} (`{urls[page]}`) | {1000 * cost:.2f} | {100 * baseline / cost:.1f} |", flush=True)
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(urls[page])
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
            (args.profile / f"{page.replace(' ', '_')}.txt").write_text(out.getvalue(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
