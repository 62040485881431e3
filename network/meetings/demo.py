"""Demo meetings: last year's and this year's four network meetings (Democracy Day in week 42), the next
meeting open for registration, and registrations by the demo people. Loading twice adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..auth.demo import DEMO_LOGINS
from ..auth.models import User
from ..extensions import db
from ..orgs.models import Organisation
from ..timeutil import helsinki_to_utc, utc_to_helsinki, utcnow
from .models import DEMOCRACY_DAY, Meeting, MeetingRegistration
from .planner import host_history, member_hosts, propose_year

# Themes drawn from the network's charter and the KANE and SOSTE election goals (seeds/).
THEMES = {
    "winter": (
        "Osallisuuden rakenteet kunnissa ja hyvinvointialueilla",
        "Delaktighetens strukturer i kommuner och välfärdsområden",
        "Kuntademokratian kehittäminen edellyttää yhteistoimintaa kunnan ja kansalaistoimijoiden kesken. "
        "Tapaamisessa jaetaan kokemuksia siitä, miten osallisuuden kehittäminen on vastuutettu kunnissa ja "
        "miten kunnan ja hyvinvointialueen vaikuttamistoimielimet tekevät yhteistyötä.",
    ),
    "spring": (
        "Lasten ja nuorten osallisuus kunnan elinvoiman lähteenä",
        "Barns och ungas delaktighet som källa till livskraft",
        "Lapset ja nuoret on tunnustettava kuntalaisiksi, joilla on oikeus vaikuttaa itseään koskeviin "
        "päätöksiin. Nuorisovaltuustot, oppilaskunnat ja järjestöt kertovat, miten nuoret saadaan mukaan "
        "päätöksentekoon, ja pohdimme yhdessä, miten tavoitetaan myös ne nuoret, jotka eivät ole aktiivisia.",
    ),
    "summer": (
        "Kumppanuus hallinnon ja kansalaisjärjestöjen välillä",
        "Partnerskap mellan förvaltningen och medborgarorganisationerna",
        "Hallinnon ja kansalaistoimijoiden välistä kumppanuutta on kehitettävä suunnitelmallisesti. Käymme "
        "läpi hyviä käytäntöjä järjestöjen ottamisesta mukaan kuntien strategiseen työhön sekä hyte-yhteistyön "
        "pysyviä rakenteita.",
    ),
    "autumn": (
        "Demokratiapäivä: avoin hallinto ja luottamus",
        "Demokratidagen: öppen förvaltning och förtroende",
        "Valtakunnallinen demokratiapäivä viikolla 42. Avoin hallinto vahvistaa yhteiskunnallista "
        "vuoropuhelua: miten kunnat ja hyvinvointialueet voivat lisätä luottamusta ja tukea demokratiakasvatusta "
        "ja kansalaistaitojen harjoittelua? Ohjelmassa puheenvuoroja, paneeli ja työpajoja.",
    ),
}
AGENDA = (
    "1. Avaus ja kuulumiskierros\n"
    "2. Teeman alustukset\n"
    "3. Pienryhmäkeskustelut\n"
    "4. Yhteenveto ja seuraavat askeleet\n"
    "5. Seuraava tapaaminen"
)
MINUTES = (
    "## Muistio\n\n"
    "Tapaamiseen osallistui jäseniä kunnista, hyvinvointialueilta, valtionhallinnosta ja järjestöistä.\n\n"
    "- Alustukset herättivät vilkasta keskustelua hyvistä käytännöistä.\n"
    "- Sovittiin, että kokemuksia kootaan verkoston työtilaan.\n"
    "- Seuraavan tapaamisen isäntä vahvistetaan postituslistalla."
)


def _organisation_hosts() -> dict:
    return member_hosts()


def _create_year(year: int, history: dict[int, list[str]], people: list[User]) -> list[Meeting]:
    hosts_by_region = _organisation_hosts()
    proposal = propose_year(year, history, hosts_by_region)
    created = []
    now = utcnow()
    for index, item in enumerate(proposal):
        theme_fi, theme_sv, description = THEMES[item.season]
        title_fi = theme_fi if item.kind == DEMOCRACY_DAY else f"{item.title_fi}: {theme_fi}"
        title_fi = f"{title_fi} {year}" if item.kind == DEMOCRACY_DAY else title_fi
        title_sv = f"{theme_sv} {year}" if item.kind == DEMOCRACY_DAY else f"{item.title_sv}: {theme_sv}"
        if db.session.scalar(select(Meeting.id).where(Meeting.title_fi == title_fi)):
            continue
        host = db.session.get(Organisation, item.host_id) if item.host_id else None
        starts = helsinki_to_utc(datetime.combine(item.day, item.starts))
        ends = helsinki_to_utc(datetime.combine(item.day, item.ends))
        meeting = Meeting(
            kind=item.kind,
            title_fi=title_fi,
            title_sv=title_sv,
            description_fi=description,
            starts_at=starts,
            ends_at=ends,
            mode="hybrid" if index % 2 == 0 or item.kind == DEMOCRACY_DAY else "in_person",
            venue=f"{host.name}, valtuustosali" if host else "Kuntatalo",
            address=host.municipality if host and host.municipality else "Toinen linja 14, Helsinki",
            online_url="https://meet.kuntademokratia.example/verkosto" if index % 2 == 0 or item.kind ==
            DEMOCRACY_DAY else None,
            host_organisation_id=host.id if host else None,
            region=item.region,
            agenda=AGENDA,
            capacity=120 if item.kind == DEMOCRACY_DAY else 40,
            registration_deadline=starts - timedelta(days=7),
        )
        if meeting.ends_at < now:
            meeting.minutes = MINUTES
            meeting.minutes_published_at = meeting.ends_at + timedelta(days=3)
        db.session.add(meeting)
        db.session.flush()
        _register_people(meeting, people, index)
        created.append(meeting)
    return created


def _register_people(meeting: Meeting, people: list[User], offset: int) -> None:
    past = meeting.ends_at < utcnow()
    for number, person in enumerate(people):
        if (number + offset) % 3 == 2:
            continue
        remote = meeting.online_url and number % 4 == 1
        db.session.add(
            MeetingRegistration(
                meeting=meeting,
                user_id=person.id,
                email=person.email,
                name=person.name,
                mode="remote" if remote else "in_person",
                status="registered",
                attended=(number % 5 != 4) if past else None,
                created_at=meeting.starts_at - timedelta(days=20 - number),
            )
        )


def _history(before: int) -> dict[int, list[str]]:
    return host_history(before)


def _demo_logins() -> set[str]:
    return {email for _role, email in DEMO_LOGINS}


def load() -> None:
    """Demo meetings: this and next year's network meetings with hosts, registrations and materials (idempotent)."""
    people = list(db.session.scalars(select(User).order_by(User.id)))
    this_year = utc_to_helsinki(utcnow()).year
    _create_year(this_year - 1, _history(this_year - 1), people)
    db.session.flush()
    meetings = _create_year(this_year, _history(this_year), people)
    db.session.flush()
    # Something to register for: when this year's meetings are over, next year's winter meeting is announced.
    upcoming = db.session.scalar(select(Meeting.id).where(Meeting.starts_at > utcnow()))
    if upcoming is None and meetings is not None:
        proposal = propose_year(this_year + 1, _history(this_year + 1), _organisation_hosts())[0]
        theme_fi, theme_sv, description = THEMES[proposal.season]
        title_fi = f"{proposal.title_fi}: {theme_fi}"
        if not db.session.scalar(select(Meeting.id).where(Meeting.title_fi == title_fi)):
            host = db.session.get(Organisation, proposal.host_id) if proposal.host_id else None
            starts = helsinki_to_utc(datetime.combine(proposal.day, proposal.starts))
            meeting = Meeting(
                kind=proposal.kind, title_fi=title_fi, title_sv=f"{proposal.title_sv}: {theme_sv}",
                description_fi=description, starts_at=starts,
                ends_at=helsinki_to_utc(datetime.combine(proposal.day, proposal.ends)), mode="hybrid",
                venue=f"{host.name}, valtuustosali" if host else "Kuntatalo",
                address=host.municipality if host else "Helsinki",
                online_url="https://meet.kuntademokratia.example/verkosto",
                host_organisation_id=host.id if host else None, region=proposal.region, agenda=AGENDA,
                capacity=3, registration_deadline=starts - timedelta(days=7),
            )
            db.session.add(meeting)
            db.session.flush()
            # Two of the places are taken, so a demo member can take the last one and the next joins the queue.
            _register_people(meeting, [p for p in people if p.email not in _demo_logins()][:2], 0)
