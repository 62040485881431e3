"""Demo mailing list: subscribers (members and outsiders) and a few posts in the public archive.

No outbox rows are written: the demo's posts are already "sent", so `make run` does not mail demo addresses.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..text import search_key
from ..timeutil import utcnow
from .lists import main_list
from .models import QUEUED, Post, Subscriber, Subscription

OUTSIDERS = (
    ("Tuula Toimittaja", "tuula.toimittaja@lehti.example", "fi"),
    ("Oskar Berg", "oskar.berg@forening.example", "sv"),
    ("Riikka Tutkija", "riikka.tutkija@yliopisto.example", "fi"),
)

POSTS = (
    (
        90,
        "Tervetuloa verkoston postituslistalle",
        "Välkommen till nätverkets e-postlista",
        "Tämä lista on **Kuntademokratiaverkoston** tiedotuskanava. Täältä saat kokouskutsut, uutiset ja "
        "kutsut työryhmiin.\n\nVerkoston periaatteet: avoin lukea, kirjaudu osallistuaksesi.",
        "Den här listan är **Kommunala demokratinätverkets** informationskanal: mötesinbjudningar, nyheter och "
        "inbjudningar till arbetsgrupper.",
    ),
    (
        45,
        "Kevään verkostokokouksen muistio julkaistu",
        "Minnesanteckningarna från vårens nätverksmöte",
        "Kevään kokouksen muistio ja esitykset ovat nyt verkossa.\n\n- osallistuva budjetointi\n"
        "- nuorisovaltuustojen vaikuttavuus\n- hyvinvointialueiden vaikuttamistoimielimet",
        None,
    ),
    (
        7,
        "Demokratiapäivä viikolla 42: ilmoittautuminen on auki",
        "Demokratidagen vecka 42: anmälan är öppen",
        "Tämän vuoden **Demokratiapäivä** järjestetään viikolla 42. Kutsu ja ohjelma tulevat kalenterikutsuna "
        "listan tilaajille. [Lue lisää](https://kuntademokratia.example/meetings).",
        "Årets **Demokratidag** ordnas vecka 42. Inbjudan och programmet skickas som kalenderinbjudan till "
        "listans prenumeranter.",
    ),
)


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
    for days_ago, subject_fi, subject_sv, body_fi, body_sv in POSTS:
        if db.session.scalar(select(Post.id).where(Post.subject_fi == subject_fi)):
            continue
        sent = now - timedelta(days=days_ago)
        db.session.add(Post(
            list_id=mailing_list.id, subject_fi=subject_fi, subject_sv=subject_sv if body_sv else None,
            body_fi=body_fi, body_sv=body_sv, status=QUEUED, queued_at=sent, created_at=sent,
            recipient_count=count,
            search_text=search_key(" ".join(filter(None, [subject_fi, subject_sv, body_fi, body_sv]))),
        ))
    db.session.flush()
