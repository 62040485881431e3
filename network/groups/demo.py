"""Demo working groups: a closed one modelled on a real mandate (municipal election goals, with its final report),
one open for sign-up and one active, with members from several kinds of organisation; and a proposal waiting for
the coordinators. Idempotent: a group whose Finnish name exists is left as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..meetings.models import WORKING_GROUP, Meeting
from ..timeutil import helsinki_to_utc, helsinki_today, utcnow
from .membership import sync_list
from .models import APPROVED, PENDING, GroupMembership, WorkingGroup
from .proposals import group_list

CLOSED_MANDATE_FI = """## Tarkoitus ja tausta

Verkoston keskeisiin tehtäviin kuuluu hallinnon ja kansalaisyhteiskunnan vuorovaikutuksen lisääminen sekä
kansalaisyhteiskunnan toimintaedellytysten edistäminen. Työryhmän lähtökohtana on, että aktiivinen
kansalaistoiminta ja sektorien välinen kumppanuus lisäävät hyvinvointia kunnassa.

## Mitä ryhmä tuottaa

Ryhmä kokoaa ja muodostaa esityksen verkoston **kuntavaalitavoitteiksi**, esimerkiksi:

- kuntalaiset voivat osallistua ja vaikuttaa heitä koskevien päätösten valmisteluun oikea-aikaisesti
- kunnat ottavat käyttöön uusia osallistumismenetelmiä, kuten kansalaisraateja ja dialogeja
- kunnat kehittävät alueellista ja paikallista yhteistyötä hallinnon ja kansalaisyhteiskunnan välillä
- kunnat ottavat yleishyödyllisen toiminnan huomioon avustuksissa ja tilojen kustannuksissa

Lisäksi ryhmä tekee yhteistyötä oikeusministeriön kanssa vaalien järjestämisestä niin, että kaikki voivat
äänestää turvallisesti."""

CLOSED_MANDATE_SV = """## Syfte och bakgrund

Gruppen sammanställer ett förslag till nätverkets mål inför kommunalvalet: delaktighet i beredningen av beslut,
nya metoder för delaktighet och partnerskap mellan förvaltningen och civilsamhället."""

CLOSED_REPORT_FI = """Työryhmä kokoontui neljä kertaa ja kuuli kuntien, hyvinvointialueiden ja järjestöjen edustajia. Verkostotapaaminen
hyväksyi kuntavaalitavoitteet marraskuussa.

### Hyväksytyt tavoitteet

1. Kuntalaisten osallistuminen päätösten valmisteluun on oikea-aikaista, ja haavoittuvassa asemassa olevien
   osallistumista edistetään erityisesti.
2. Kunnat käyttävät kuulemismenetelmiä monipuolisesti (kansalaisraadit, dialogit, yhteiskehittäminen).
3. Kunnat luovat kumppanuuksia kansalaisyhteiskunnan kanssa ja ottavat yleishyödyllisen toiminnan huomioon
   avustuksissa ja tilojen hinnoittelussa.

Tavoitteita viestittiin kuntavaalien ehdokkaille ja puolueille toimikauden loppuun asti."""

OPEN_MANDATE_FI = """## Tarkoitus

Kootaan kuntien kokemukset osallistuvasta budjetoinnista ja laaditaan lyhyt opas kunnille, jotka aloittavat.

## Mitä ryhmä tuottaa

- kymmenen kunnan esimerkit yhteen koottuna
- opas "Osallistuva budjetointi viidessä vaiheessa" suomeksi ja ruotsiksi"""

ACTIVE_MANDATE_FI = """## Tarkoitus

Selvitetään, miten nuorisovaltuustot, vanhus- ja vammaisneuvostot vaikuttavat kunnan ja hyvinvointialueen
päätöksiin, ja kootaan hyviä käytäntöjä.

## Mitä ryhmä tuottaa

Katsaus vaikuttamistoimielinten toimintaan ja suositukset verkoston jäsenille."""


def _people(emails: list[str]) -> list[User]:
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    return [users[e] for e in emails if e in users]


def _add_group(members: list[str], chair: str | None, **fields) -> WorkingGroup | None:
    if db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.name_fi == fields["name_fi"])):
        return None
    group = WorkingGroup(member_count=0, **fields)
    db.session.add(group)
    db.session.flush()
    people = _people(members)
    for person in people:
        db.session.add(GroupMembership(group_id=group.id, user_id=person.id, joined_at=utcnow()))
    group.member_count = len(people)
    chair_user = next((p for p in people if p.email == chair), None)
    group.chair_id = chair_user.id if chair_user else None
    db.session.flush()
    if group.decision == APPROVED:
        group_list(group)
        sync_list(group)
    return group


def load() -> None:
    """Add the demo groups (with members, chairs, lists and meetings) unless they exist."""
    today = helsinki_today()
    proposer = _people(["aino.virtanen@tampere.example"])
    closed = _add_group(
        ["sanna.heikkinen@oikeusministerio.example", "pekka.nieminen@soste.example", "aino.virtanen@tampere.example",
         "henrik.forsman@kronoby.example", "tiina.salo@pirha.example"],
        "pekka.nieminen@soste.example",
        name_fi="Kuntavaalitavoitteet", name_sv="Målen inför kommunalvalet",
        theme_fi="Verkoston tavoitteet kuntavaaleihin: osallisuus ja kumppanuus",
        theme_sv="Nätverkets mål inför kommunalvalet: delaktighet och partnerskap",
        mandate_fi=CLOSED_MANDATE_FI, mandate_sv=CLOSED_MANDATE_SV,
        steering="Verkoston koordinaattorit",
        approving_meeting="Verkostotapaaminen marraskuussa",
        signup_deadline=today - timedelta(days=300), term_end=today - timedelta(days=120),
        decision=APPROVED, decided_at=utcnow() - timedelta(days=320),
        final_report_fi=CLOSED_REPORT_FI, final_report_at=utcnow() - timedelta(days=125),
        proposer_id=proposer[0].id if proposer else None,
    )
    if closed is not None:
        closed.closed_at = utcnow() - timedelta(days=119)
        group_list(closed).archived = True
        for number, days_ago in enumerate((280, 230, 180, 140), start=1):
            starts = helsinki_to_utc(datetime.combine(today - timedelta(days=days_ago), time(13, 0)))
            db.session.add(Meeting(
                kind=WORKING_GROUP, group_id=closed.id, title_fi=f"Kuntavaalitavoitteiden työryhmä, {number}. kokous",
                title_sv=f"Arbetsgruppen för kommunalvalsmålen, möte {number}", starts_at=starts,
                ends_at=starts + timedelta(hours=2), mode="online", online_url="https://meet.example/kuntavaalit",
                network_calendar=False,
            ))
    _add_group(
        ["mikko.korhonen@oulu.example", "anna.sjoberg@porvoo.example", "jussi.rantanen@tuni.example"],
        "mikko.korhonen@oulu.example",
        name_fi="Osallistuva budjetointi", name_sv="Deltagande budgetering",
        theme_fi="Kuntien kokemukset osallistuvasta budjetoinnista",
        theme_sv="Kommunernas erfarenheter av deltagande budgetering",
        mandate_fi=OPEN_MANDATE_FI, steering="Verkoston koordinaattorit",
        approving_meeting="Demokratiapäivä",
        signup_deadline=today + timedelta(days=21), term_end=today + timedelta(days=200), max_size=15,
        decision=APPROVED, decided_at=utcnow() - timedelta(days=5),
    )
    active = _add_group(
        ["liisa.makinen@jyvaskyla.example", "tiina.salo@pirha.example", "erik.lindqvist@vaasa.example",
         "pekka.nieminen@soste.example", "johanna.laine@mantta-vilppula.example"],
        "liisa.makinen@jyvaskyla.example",
        name_fi="Vaikuttamistoimielimet", name_sv="Påverkansorgan",
        theme_fi="Nuorisovaltuustot, vanhus- ja vammaisneuvostot kunnissa ja hyvinvointialueilla",
        theme_sv="Ungdomsfullmäktige, äldre- och funktionshinderråd i kommuner och välfärdsområden",
        mandate_fi=ACTIVE_MANDATE_FI, steering="Verkoston koordinaattorit",
        approving_meeting="Kevään verkostotapaaminen",
        signup_deadline=today - timedelta(days=20), term_end=today + timedelta(days=90),
        decision=APPROVED, decided_at=utcnow() - timedelta(days=60),
    )
    if active is not None:
        starts = helsinki_to_utc(datetime.combine(today + timedelta(days=12), time(13, 0)))
        db.session.add(Meeting(
            kind=WORKING_GROUP, group_id=active.id, title_fi="Vaikuttamistoimielinten työryhmä: työpaja",
            title_sv="Arbetsgruppen för påverkansorgan: workshop", starts_at=starts,
            ends_at=starts + timedelta(hours=2), mode="online", online_url="https://meet.example/vaikuttamistoimielimet",
        ))
    _add_group(
        [], None,
        name_fi="Digitaalinen osallisuus", theme_fi="Verkkokuulemisten saavutettavuus",
        mandate_fi="## Tarkoitus\n\nKootaan kokemuksia saavutettavista verkkokuulemisista.",
        signup_deadline=today + timedelta(days=30), term_end=today + timedelta(days=240),
        decision=PENDING, proposer_id=proposer[0].id if proposer else None,
    )
    db.session.flush()
