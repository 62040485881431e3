"""No N+1: each main public page runs as many SQL statements with the demo data as with many times more rows."""

from __future__ import annotations

from network.demo import load_demo

from ..support.sql import recorded_statements
from .support import generate, pages


def _statements(app, db, client, path: str) -> int:
    client.get(path)  # the first request may store what later ones read (survey summaries, the main list)
    db.session.commit()
    db.session.expunge_all()  # the test's session outlives requests: nothing may come from its identity map
    with recorded_statements(db.engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(seen)


def _count_pages(app, db, client) -> dict[str, int]:
    urls = pages.page_urls(db.session)
    db.session.commit()
    return {page: _statements(app, db, client, urls[page]) for page in pages.PAGES}


def test_main_pages_run_the_same_number_of_queries_with_more_data(app, db, client):
    load_demo()
    db.session.commit()
    small = _count_pages(app, db, client)
    generate.add_network(0.02)
    more = _count_pages(app, db, client)
    rows = {table: db.session.execute(db.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("meeting_registrations", "mailing_posts", "working_groups", "survey_answers")}
    assert rows["meeting_registrations"] > 500 and rows["mailing_posts"] > 40, rows
    assert more == small, {page: (small[page], more[page]) for page in pages.PAGES if small[page] != more[page]}



def test_generated_people_and_organisations_sort_like_the_registers_own(app, db):
    """The bench's bulk rows skip the models' insert events: without their sort keys, the network-size directory and
    /admin/users would put every generated row first (SQLite) or last (PostgreSQL), and measure another page."""
    load_demo()
    generate.add_network(0.02)
    for table in ("users", "organisations"):
        missing = db.session.execute(db.text(
            f"SELECT count(*) FROM {table} WHERE sort_key_fi IS NULL OR sort_key_sv IS NULL OR sort_key_en IS NULL"
        )).scalar()
        assert missing == 0, table
