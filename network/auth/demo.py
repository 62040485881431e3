"""Demo people: one coordinator, two members who can log in, and more people in the organisations."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..orgs.models import Organisation
from ..permissions import COORDINATOR, MEMBER
from ..timeutil import utcnow
from .models import User

DEMO_PASSWORD = "demo-salasana-2026"
DEMO_LOGINS = (
    ("coordinator", "koordinaattori@kuntademokratia.example"),
    ("member", "aino.virtanen@tampere.example"),
    ("member", "erik.lindqvist@vaasa.example"),
)

# (name, e-mail, organisation's Finnish name, title, language, public)
PEOPLE = (
    ("Kaisa Koordinaattori", DEMO_LOGINS[0][1], "Suomen Kuntaliitto", "Erityisasiantuntija", "fi", True),
    ("Aino Virtanen", DEMO_LOGINS[1][1], "Tampereen kaupunki", "Osallisuuskoordinaattori", "fi", True),
    ("Erik Lindqvist", DEMO_LOGINS[2][1], "Vaasan kaupunki", "Demokratisamordnare", "sv", True),
    ("Mikko Korhonen", "mikko.korhonen@oulu.example", "Oulun kaupunki", "Kehittämispäällikkö", "fi", True),
    ("Liisa Mäkinen", "liisa.makinen@jyvaskyla.example", "Jyväskylän kaupunki", "Osallisuusasiantuntija", "fi", True),
    ("Anna Sjöberg", "anna.sjoberg@porvoo.example", "Porvoon kaupunki", "Utvecklingschef", "sv", False),
    ("Pekka Nieminen", "pekka.nieminen@soste.example", "SOSTE Suomen sosiaali ja terveys ry", "Järjestöasiantuntija",
     "fi", True),
    ("Sanna Heikkinen", "sanna.heikkinen@oikeusministerio.example", "Oikeusministeriö", "Neuvotteleva virkamies",
     "fi", True),
    ("Johanna Laine", "johanna.laine@mantta-vilppula.example", "Mänttä-Vilppulan kaupunki", "Hallintojohtaja", "fi",
     True),
    ("Henrik Forsman", "henrik.forsman@kronoby.example", "Kruunupyyn kunta", "Kommundirektör", "sv", True),
    ("Tiina Salo", "tiina.salo@pirha.example", "Pirkanmaan hyvinvointialue", "Osallisuuspäällikkö", "fi", False),
    ("Jussi Rantanen", "jussi.rantanen@tuni.example", "Tampereen yliopisto", "Yliopistotutkija", "fi", True),
)


def load() -> None:
    """Add the demo people and link requests that are not there yet (idempotent; caller commits)."""
    by_name = {o.name_fi: o for o in db.session.scalars(select(Organisation))}
    password_hash = generate_password_hash(DEMO_PASSWORD)
    for index, (name, email, organisation, title, language, public) in enumerate(PEOPLE):
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        org = by_name.get(organisation)
        db.session.add(
            User(
                name=name,
                email=email,
                password_hash=password_hash,
                role=COORDINATOR if index == 0 else MEMBER,
                language=language,
                title=title,
                public_profile=public,
                organisation_id=org.id if org else None,
                email_confirmed_at=utcnow(),
            )
        )
    _load_link_requests(by_name, password_hash)


# People who registered asking to be linked to an organisation: (name, e-mail, organisation or requested name)
LINK_REQUESTS = (
    ("Marja Lehtonen", "marja.lehtonen@lahti.example", "Lahden kaupunki", None),
    ("Olli Väisänen", "olli.vaisanen@kylayhdistys.example", None, "Kyläyhdistys Kotiseutu ry"),
)


def _load_link_requests(by_name: dict[str, Organisation], password_hash: str) -> None:
    for name, email, organisation, requested in LINK_REQUESTS:
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        org = by_name.get(organisation) if organisation else None
        db.session.add(User(
            name=name, email=email, password_hash=password_hash, language="fi",
            organisation_id=org.id if org else None, organisation_link_pending=True,
            organisation_requested_name=requested, email_confirmed_at=utcnow(),
        ))
