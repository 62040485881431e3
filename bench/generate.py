"""Network-size data: the demo data plus bulk rows written through SQLAlchemy core, on SQLite or PostgreSQL.

At scale 1 (the default) the database holds what the network has after fifteen years: 600 organisations,
5,000 people, 10,000 list subscribers, four network meetings a year for 15 years and the working groups' meetings,
each with its registrations, 2,000 posts in the archive, 200 working groups with their members, and 10 years of
the member survey with 500 respondents answering 40 questions (plus the demo's three years). `--scale 0.05` (or
`--small`, the CI short mode) writes a twentieth of it. The rows are made with the real models' tables
(`insert(Model)`), so a model change shows here at once.

Usage:
  .venv/bin/python bench/generate.py --database-url sqlite:////tmp/network-bench.sqlite3
  .venv/bin/python bench/generate.py --database-url postgresql+psycopg://network@127.0.0.1:55446/bench
  .venv/bin/python bench/generate.py --database-url ... --small         # scale 0.05
  .venv/bin/python bench/generate.py --database-url ... --demo-only     # the demo data alone (the "demo size")

The database is emptied first (its tables dropped and made again from the models).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import survey as survey_bench  # noqa: E402  (bench/survey.py: the survey years and their respondents)

from network import create_app  # noqa: E402
from network.auth.models import User  # noqa: E402
from network.collation import LOCALES, sort_key  # noqa: E402
from network.demo import load_demo  # noqa: E402
from network.extensions import db  # noqa: E402
from network.groups.models import APPROVED, GroupMembership, WorkingGroup  # noqa: E402
from network.mailing.lists import main_list  # noqa: E402
from network.mailing.models import QUEUED, Post, Subscriber, Subscription  # noqa: E402
from network.meetings.models import (  # noqa: E402
    DEMOCRACY_DAY,
    NETWORK,
    WORKING_GROUP,
    Meeting,
    MeetingRegistration,
)
from network.orgs.models import Organisation  # noqa: E402
from network.orgs.regions import KINDS, REGIONS  # noqa: E402
from network.surveys.models import Survey  # noqa: E402
from network.text import search_key  # noqa: E402
from network.timeutil import HELSINKI, helsinki_today, utcnow  # noqa: E402

FULL = {"organisations": 600, "people": 5000, "subscribers": 10000, "years": 15, "posts": 2000, "groups": 200,
        "survey_years": 10, "respondents": 500}
SMALL_SCALE = 0.05
BATCH = 5000
WORDS = ["kunta", "demokratia", "osallisuus", "asukas", "valtuusto", "nuoret", "vaikuttaminen", "kirjasto", "lautakunta", "hyvinvointi", "alue", "kysely", "työpaja", "kokous", "verkosto", "avoin", "hallinto", "raportti", "suunnitelma", "talousarvio"]


def sizes(scale: float) -> dict[str, int]:
    """The number of rows of each kind at `scale` (1 = network size); the survey keeps at least 2 years."""
    counted = {key: max(1, round(value * scale)) for key, value in FULL.items()}
    counted["years"] = max(2, counted["years"])
    counted["survey_years"] = max(2, counted["survey_years"])
    counted["respondents"] = max(10, counted["respondents"])
    return counted


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start:start + BATCH])


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _ids(model, **where) -> list[int]:
    statement = select(model.id).order_by(model.id)
    for column, value in where.items():
        statement = statement.where(getattr(model, column) == value)
    return list(db.session.scalars(statement))


def add_organisations(count: int, rng: random.Random) -> None:
    rows = []
    for number in range(count):
        name = f"{_sentence(rng, 2)} {number + 1}"
        rows.append({"name_fi": name, "search_name": search_key(name), **_sort_keys(name), "kind": rng.choice(list(KINDS)),
                     "region": rng.choice(list(REGIONS)), "municipality": rng.choice(WORDS).capitalize(),
                     "description": _sentence(rng, 20), "open_government_member": rng.random() < 0.3,
                     "joined_on": date(2010, 1, 1) + timedelta(days=rng.randrange(5000)), "created_at": utcnow()})
    _bulk(Organisation, rows)


def _sort_keys(name: str) -> dict[str, bytes]:
    """The sort key columns of a row named `name` in every language (the models compute them in insert events, which
    bulk inserts skip; the bench's names have no Swedish form)."""
    return {f"sort_key_{language}": sort_key(name, language) for language in LOCALES}


def add_people(count: int, rng: random.Random) -> None:
    organisations = _ids(Organisation)
    rows = [{"email": f"person{n}@bench.example", "name": f"Henkilö {n}", **_sort_keys(f"Henkilö {n}"),
             "password_hash": "!", "role": "member",
             "language": rng.choice(("fi", "fi", "fi", "sv")), "public_profile": rng.random() < 0.5,
             "organisation_id": rng.choice(organisations), "organisation_link_pending": False,
             "email_confirmed_at": utcnow(), "created_at": utcnow()} for n in range(count)]
    _bulk(User, rows)


def add_subscribers(count: int, rng: random.Random) -> None:
    _bulk(Subscriber, [{"email": f"subscriber{n}@bench.example", "name": "", "language": "fi",
                        "confirmed_at": utcnow(), "created_at": utcnow()} for n in range(count)])
    list_id = main_list().id
    subscribers = db.session.scalars(select(Subscriber.id).where(Subscriber.email.like("subscriber%@bench.example")))
    _bulk(Subscription, [{"list_id": list_id, "subscriber_id": s, "active": rng.random() < 0.95, "is_member": False,
                          "created_at": utcnow()} for s in subscribers])


def add_groups(count: int, rng: random.Random) -> None:
    people = _ids(User, role="member")
    today = helsinki_today()
    rows = []
    for number in range(count):
        end = today + timedelta(days=rng.randrange(-3000, 300))
        rows.append({"name_fi": f"Työryhmä {number + 1}: {_sentence(rng, 2)}", "theme_fi": _sentence(rng, 5),
                     "mandate_fi": _sentence(rng, 60), "signup_deadline": end - timedelta(days=120), "term_end": end,
                     "decision": APPROVED, "proposer_language": "fi", "chair_id": rng.choice(people),
                     "member_count": 0, "decided_at": utcnow(), "created_at": utcnow(), "updated_at": utcnow()})
    _bulk(WorkingGroup, rows)
    groups = list(db.session.scalars(select(WorkingGroup.id).where(WorkingGroup.name_fi.like("Työryhmä %:%"))))
    memberships = []
    for group_id in groups:
        members = rng.sample(people, min(len(people), rng.randint(5, 25)))
        memberships += [{"group_id": group_id, "user_id": u, "joined_at": utcnow()} for u in members]
        db.session.execute(WorkingGroup.__table__.update().where(WorkingGroup.id == group_id)
                           .values(member_count=len(members)))
    _bulk(GroupMembership, memberships)


def add_meetings(years: int, rng: random.Random) -> None:
    """Four network meetings a year (Democracy Day in week 42) for `years` years up to next year, and two meetings of
    each working group; every meeting with its registrations."""
    organisations = _ids(Organisation)
    this_year = helsinki_today().year
    rows = []
    for year in range(this_year - years + 1, this_year + 1):
        for month, kind in ((2, NETWORK), (5, NETWORK), (10, DEMOCRACY_DAY), (12, NETWORK)):
            day = date.fromisocalendar(year, 42, 3) if kind == DEMOCRACY_DAY else date(year, month, 10)
            starts = datetime(day.year, day.month, day.day, 9, 0, tzinfo=HELSINKI).astimezone(UTC)
            rows.append({"title_fi": f"Verkostotapaaminen {day.isoformat()}", "kind": kind, "starts_at": starts,
                         "ends_at": starts + timedelta(hours=6), "mode": "hybrid", "venue": "Kaupungintalo",
                         "address": "Keskuskatu 1", "online_url": "https://meet.example/verkosto",
                         "description_fi": _sentence(rng, 80), "agenda": _sentence(rng, 40), "capacity": 300,
                         "host_organisation_id": rng.choice(organisations), "region": rng.choice(list(REGIONS)),
                         "network_calendar": True, "status": "scheduled", "sequence": 0,
                         "uid": f"bench-{year}-{month}@kuntademokratia.example",
                         "created_at": utcnow(), "updated_at": utcnow(), "published_at": utcnow()})
    groups = db.session.scalars(select(WorkingGroup.id, ).where(WorkingGroup.name_fi.like("Työryhmä %:%")))
    for group_id in groups:
        for number in range(2):
            starts = datetime(this_year - rng.randrange(years), rng.randint(1, 12), rng.randint(1, 28), 12,
                              tzinfo=UTC)
            rows.append({"title_fi": f"Työryhmän {group_id} kokous {number + 1}", "kind": WORKING_GROUP,
                         "starts_at": starts, "ends_at": starts + timedelta(hours=2), "mode": "online",
                         "online_url": "https://meet.example/ryhma", "description_fi": _sentence(rng, 30),
                         "group_id": group_id, "network_calendar": number == 0, "status": "scheduled",
                         "sequence": 0, "uid": f"bench-group-{group_id}-{number}@kuntademokratia.example",
                         "created_at": utcnow(), "updated_at": utcnow(), "published_at": utcnow()})
    _bulk(Meeting, rows)
    people = db.session.execute(select(User.id, User.email, User.name).where(User.role == "member")).all()
    registrations = []
    for meeting_id, kind in db.session.execute(select(Meeting.id, Meeting.kind).where(Meeting.uid.like("bench-%"))):
        wanted = rng.randint(150, 280) if kind != WORKING_GROUP else rng.randint(5, 20)
        for person_id, email, name in rng.sample(people, min(len(people), wanted)):
            registrations.append({"meeting_id": meeting_id, "user_id": person_id, "email": email, "name": name,
                                  "mode": rng.choice(("in_person", "in_person", "remote")),
                                  "status": rng.choice(("registered",) * 8 + ("cancelled", "declined")),
                                  "created_at": utcnow(), "updated_at": utcnow()})
    _bulk(MeetingRegistration, registrations)


def add_registrations_to_upcoming(rng: random.Random, count: int) -> None:
    """The demo's upcoming meetings get `count` registrations each (their page counts places)."""
    people = db.session.execute(select(User.id, User.email, User.name)
                                .where(User.email.like("person%@bench.example"))).all()
    rows = []
    for meeting_id in db.session.scalars(select(Meeting.id).where(~Meeting.uid.like("bench-%"),
                                                                  Meeting.ends_at >= utcnow())):
        taken = set(db.session.scalars(select(MeetingRegistration.email)
                                       .where(MeetingRegistration.meeting_id == meeting_id)))
        for person_id, email, name in rng.sample(people, min(len(people), count)):
            if email not in taken:
                rows.append({"meeting_id": meeting_id, "user_id": person_id, "email": email, "name": name,
                             "mode": "in_person", "status": "registered", "created_at": utcnow(),
                             "updated_at": utcnow()})
    _bulk(MeetingRegistration, rows)


def add_posts(count: int, years: int, rng: random.Random) -> None:
    list_id = main_list().id
    start = utcnow() - timedelta(days=365 * years)
    step = (utcnow() - start) / max(count, 1)
    rows = []
    for number in range(count):
        subject, body = f"{_sentence(rng, 5)} ({number + 1})", "\n\n".join(_sentence(rng, 50) for _ in range(4))
        sent = start + step * number
        rows.append({"list_id": list_id, "subject_fi": subject, "body_fi": body, "status": QUEUED,
                     "queued_at": sent, "recipient_count": 9500, "search_text": search_key(f"{subject} {body}"),
                     "created_at": sent})
    _bulk(Post, rows)


def add_surveys(years: int, respondents: int, rng: random.Random) -> None:
    """`years` published years of the survey before the demo's, 40 questions each (bench/survey.py), and
    `respondents` anonymous answers to every year, the demo's too."""
    first_demo = db.session.scalar(select(func.min(Survey.year)))
    survey_bench.YEARS = years
    surveys = survey_bench.build_surveys(first_demo - years)
    for survey in surveys:
        survey.invited_at = survey.published_at = utcnow()
    db.session.commit()
    demo = list(db.session.scalars(select(Survey).where(Survey.year >= first_demo)))
    survey_bench.add_respondents(surveys, respondents, rng)
    survey_bench.add_respondents([s for s in demo if s.closes_on and s.closes_on < helsinki_today()], respondents, rng)


def add_network(scale: float, quiet: bool = True) -> None:
    """Add the bulk rows at `scale` (1 = network size) to a database holding the demo data, committing each part.

    Takes the scale and whether to stay silent (else each part's time goes to stderr); needs an app context.
    """
    started = time.perf_counter()
    rng = random.Random(15)
    counts = sizes(scale)
    steps = [
        ("organisations", lambda: add_organisations(counts["organisations"], rng)),
        ("people", lambda: add_people(counts["people"], rng)),
        ("subscribers", lambda: add_subscribers(counts["subscribers"], rng)),
        ("working groups", lambda: add_groups(counts["groups"], rng)),
        ("meetings", lambda: add_meetings(counts["years"], rng)),
        ("registrations", lambda: add_registrations_to_upcoming(rng, 200)),
        ("posts", lambda: add_posts(counts["posts"], counts["years"], rng)),
        ("surveys", lambda: add_surveys(counts["survey_years"], counts["respondents"], rng)),
    ]
    for label, step in steps:
        step()
        db.session.commit()
        if not quiet:
            print(f"  {label}: {time.perf_counter() - started:.1f} s", file=sys.stderr)


def build(database_url: str, scale: float | None, quiet: bool = False) -> dict[str, int]:
    """Empty the database, load the demo data and, unless `scale` is None, the bulk rows at `scale`.

    Takes the SQLAlchemy URL and the scale (1 = network size); returns the row count of each main table.
    """
    app = create_app("testing",
                     overrides={"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": None})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        else:
            db.drop_all()
        db.create_all()
        load_demo()
        db.session.commit()
        if scale is not None:
            add_network(scale, quiet=quiet)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))  # what autovacuum does after a bulk load
            db.session.commit()
        tables = ("organisations", "users", "mailing_subscribers", "meetings", "meeting_registrations",
                  "mailing_posts", "working_groups", "working_group_members", "surveys", "survey_responses",
                  "survey_answers")
        result = {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in tables}
        db.session.remove()
        db.engine.dispose()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = network size (default)")
    parser.add_argument("--small", action="store_true", help=f"scale {SMALL_SCALE} (the CI short mode)")
    parser.add_argument("--demo-only", action="store_true", help="only the demo data")
    args = parser.parse_args(argv)
    scale = None if args.demo_only else (SMALL_SCALE if args.small else args.scale)
    started = time.perf_counter()
    counts = build(args.database_url, scale)
    for table, count in counts.items():
        print(f"{table:24} {count:>9,}")
    print(f"built in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
