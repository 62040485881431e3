"""Demo mailing list: subscribers (members and outsiders) and a few posts in the public archive.

No outbox rows are written: the demo's posts are already "sent", so `make run` does not mail demo addresses.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..i18n import NETWORK_NAMES
from ..meetings.models import DEMOCRACY_DAY, NETWORK, Meeting
from ..meetings.scheduling import DEMOCRACY_DAY_WEEK
from ..text import search_key
from ..timeutil import as_utc, helsinki_to_utc, helsinki_today, helsinki_year_bounds, utcnow
from .lists import main_list
from .models import QUEUED, Post, Subscriber, Subscription

OUTSIDERS = (
    ("Tuula Toimittaja", "tuula.toimittaja@lehti.example", "fi"),
    ("Oskar Berg", "oskar.berg@forening.example", "sv"),
    ("Riikka Tutkija", "riikka.tutkija@yliopisto.example", "fi"),
)

# (when, subject fi, subject sv, body fi, body sv); "when" is resolved by _sent_at against the demo's meetings, so
# that no post says something its own dates contradict (e.g. registration open for a day already past).
POSTS = (
    (
        "welcome",
        "Tervetuloa verkoston postituslistalle",
        "Välkommen till nätverkets e-postlista",
        "Tämä lista on **Kuntademokratiaverkoston** tiedotuskanava. Täältä saat kokouskutsut, uutiset ja "
        "kutsut työryhmiin.\n\nVerkoston periaatteet: avoin lukea, kirjaudu osallistuaksesi.",
        f"Den här listan är informationskanalen för **{NETWORK_NAMES['sv']}**: mötesinbjudningar, nyheter och "
        "inbjudningar till arbetsgrupper.",
    ),
    (
        "spring_minutes",
        "Kevään verkostokokouksen muistio julkaistu",
        "Minnesanteckningarna från vårens nätverksmöte",
        "Kevään kokouksen muistio ja esitykset ovat nyt verkossa.\n\n- osallistuva budjetointi\n"
        "- nuorisovaltuustojen vaikuttavuus\n- hyvinvointialueiden vaikuttamistoimielimet",
        None,
    ),
    (
        "democracy_day_registration",
        "Demokratiapäivä viikolla 42: ilmoittautuminen on auki",
        "Demokratidagen vecka 42: anmälan är öppen",
        "Tämän vuoden **Demokratiapäivä** järjestetään viikolla 42. Kutsu ja ohjelma tulevat kalenterikutsuna "
        "listan tilaajille. [Lue lisää](https://kuntademokratia.example/meetings).",
        "Årets **Demokratidag** ordnas vecka 42. Inbjudan och programmet skickas som kalenderinbjudan till "
        "listans prenumeranter.",
    ),
)


def _first_meeting(kind: str, year: int, title_start: str | None = None) -> Meeting | None:
    """The (Helsinki) year's first demo meeting of `kind` (whose Finnish title starts with `title_start`)."""
    start, end = helsinki_year_bounds(year)
    statement = select(Meeting).where(Meeting.kind == kind, Meeting.starts_at >= start, Meeting.starts_at < end)
    if title_start:
        statement = statement.where(Meeting.title_fi.startswith(title_start))
    return db.session.scalars(statement.order_by(Meeting.starts_at)).first()


def _in_week(year: int, week: int, hour: int) -> datetime:
    """Thursday of ISO week `week` of `year` at `hour` Helsinki time, in UTC (when the meetings are not loaded)."""
    return helsinki_to_utc(datetime.combine(date.fromisocalendar(year, week, 4), time(hour)))


def _minutes_published(year: int) -> datetime:
    spring = _first_meeting(NETWORK, year, "Kuntademokratiaverkoston kevät")
    if spring is not None and spring.minutes_published_at is not None:
        return as_utc(spring.minutes_published_at)
    return _in_week(year, 20, 12) + timedelta(days=3)


def _sent_at(when: str, now: datetime) -> datetime:
    """When the demo post `when` was sent, consistent with the meetings it speaks of.

    The minutes post follows the publication of the latest spring meeting's minutes; the Democracy Day post (this
    year's) goes out three weeks before that day's registration deadline, or a week ago if that is earlier.
    """
    year = helsinki_today().year
    if when == "welcome":
        return now - timedelta(days=90)
    if when == "spring_minutes":
        published = _minutes_published(year)
        return (published if published < now else _minutes_published(year - 1)) + timedelta(hours=2)
    democracy_day = _first_meeting(DEMOCRACY_DAY, year)
    deadline = democracy_day.deadline_utc if democracy_day else _in_week(year, DEMOCRACY_DAY_WEEK, 9) - timedelta(days=7)
    return min(deadline - timedelta(days=21), now - timedelta(days=7))


def load() -> None:
    """Demo data of the list: the main list, every demo person and a few outsiders as confirmed subscribers, and posts (idempotent)."""
    mailing_list = main_list()
    now = utcnow()
    people = [(u.name, u.email, u.language, u.id) for u in db.session.scalars(select(User).order_by(User.id))]
    people += [(name, email, language, None) for name, email, language in OUTSIDERS]
    for name, email, language, user_id in people:
        if db.session.scalar(select(Subscriber.id).where(Subscriber.email == email)):
            continue
        subscriber = Subscriber(email=email, name=name, language=language, user_id=user_id, confirmed_at=now)
        db.session.add(subscriber)
        db.session.flush()
        db.session.add(Subscription(subscriber_id=subscriber.id, list_id=mailing_list.id, active=True))
    count = len(people)
    for when, subject_fi, subject_sv, body_fi, body_sv in POSTS:
        if db.session.scalar(select(Post.id).where(Post.subject_fi == subject_fi)):
            continue
        sent = _sent_at(when, now)
        db.session.add(Post(
            list_id=mailing_list.id, subject_fi=subject_fi, subject_sv=subject_sv if body_sv else None,
            body_fi=body_fi, body_sv=body_sv, status=QUEUED, queued_at=sent, created_at=sent,
            recipient_count=count,
            search_text=search_key(" ".join(filter(None, [subject_fi, subject_sv, body_fi, body_sv]))),
        ))
    db.session.flush()
