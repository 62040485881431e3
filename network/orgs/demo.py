"""Demo register: member organisations of every kind across most regions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..text import search_key
from .business_id import business_id_check_digit
from .models import MembershipApplication, Organisation
from .municipalities import find_municipality
from .register import search_name_for

# (Finnish name, Swedish name, kind, region, municipality, seven digits of a business ID or None, Open Government)
ORGANISATIONS = (
    ("Suomen Kuntaliitto", "Finlands Kommunförbund", "other", "uusimaa", "Helsinki", "0926151", True),
    ("Helsingin kaupunki", "Helsingfors stad", "municipality", "uusimaa", "Helsinki", "0201256", True),
    ("Espoon kaupunki", "Esbo stad", "municipality", "uusimaa", "Espoo", "0101263", True),
    ("Porvoon kaupunki", "Borgå stad", "municipality", "uusimaa", "Porvoo", "1061512", False),
    ("Turun kaupunki", "Åbo stad", "municipality", "varsinais-suomi", "Turku", "0204819", True),
    ("Porin kaupunki", "Björneborgs stad", "municipality", "satakunta", "Pori", "0137173", False),
    ("Hämeenlinnan kaupunki", "Tavastehus stad", "municipality", "kanta-hame", "Hämeenlinna", "0139082", False),
    ("Tampereen kaupunki", "Tammerfors stad", "municipality", "pirkanmaa", "Tampere", "0211675", True),
    ("Mänttä-Vilppulan kaupunki", "Mänttä-Filpula stad", "municipality", "pirkanmaa", "Mänttä-Vilppula",
     "0206137", False),
    ("Lahden kaupunki", "Lahtis stad", "municipality", "paijat-hame", "Lahti", "0135202", True),
    ("Kotkan kaupunki", "Kotka stad", "municipality", "kymenlaakso", "Kotka", "0245881", False),
    ("Lappeenrannan kaupunki", "Villmanstrands stad", "municipality", "etela-karjala", "Lappeenranta",
     "0162193", False),
    ("Mikkelin kaupunki", "S:t Michels stad", "municipality", "etela-savo", "Mikkeli", "0165116", False),
    ("Kuopion kaupunki", "Kuopio stad", "municipality", "pohjois-savo", "Kuopio", "0171450", True),
    ("Joensuun kaupunki", "Joensuu stad", "municipality", "pohjois-karjala", "Joensuu", "0204819", False),
    ("Jyväskylän kaupunki", "Jyväskylä stad", "municipality", "keski-suomi", "Jyväskylä", "0208201", True),
    ("Seinäjoen kaupunki", "Seinäjoki stad", "municipality", "etela-pohjanmaa", "Seinäjoki", "0209600", False),
    ("Vaasan kaupunki", "Vasa stad", "municipality", "pohjanmaa", "Vaasa", "0209602", True),
    ("Kruunupyyn kunta", "Kronoby kommun", "municipality", "keski-pohjanmaa", "Kruunupyy", "0178205", False),
    ("Oulun kaupunki", "Uleåborgs stad", "municipality", "pohjois-pohjanmaa", "Oulu", "0187690", True),
    ("Kajaanin kaupunki", "Kajana stad", "municipality", "kainuu", "Kajaani", "0250099", False),
    ("Rovaniemen kaupunki", "Rovaniemi stad", "municipality", "lappi", "Rovaniemi", "0209406", False),
    ("Pirkanmaan hyvinvointialue", "Birkalands välfärdsområde", "wellbeing_county", "pirkanmaa", "Tampere",
     "3221308", False),
    ("Pohjanmaan hyvinvointialue", "Österbottens välfärdsområde", "wellbeing_county", "pohjanmaa", "Vaasa",
     "3221340", False),
    ("Keski-Suomen hyvinvointialue", "Mellersta Finlands välfärdsområde", "wellbeing_county", "keski-suomi",
     "Jyväskylä", "3221331", False),
    ("Oikeusministeriö", "Justitieministeriet", "state", "uusimaa", "Helsinki", "0245974", True),
    ("Valtiovarainministeriö", "Finansministeriet", "state", "uusimaa", "Helsinki", "0245439", True),
    ("Lapin aluehallintovirasto", "Regionförvaltningsverket i Lappland", "state", "lappi", "Rovaniemi",
     "0245909", False),
    ("SOSTE Suomen sosiaali ja terveys ry", "SOSTE Finlands social och hälsa rf", "civil_society", "uusimaa",
     "Helsinki", "2476331", False),
    ("Kansalaisareena ry", "Medborgararenan rf", "civil_society", "uusimaa", "Helsinki", "1065381", False),
    ("Suomen Nuorisoyhteistyö Allianssi ry", "Finlands Ungdomssamarbete Allians rf", "civil_society", "uusimaa",
     "Helsinki", "0215248", False),
    ("Pohjois-Karjalan Sosiaaliturvayhdistys ry", None, "civil_society", "pohjois-karjala", "Joensuu",
     "0175543", False),
    ("Tampereen yliopisto", "Tammerfors universitet", "research_education", "pirkanmaa", "Tampere",
     "1015205", False),
    ("Åbo Akademi", "Åbo Akademi", "research_education", "varsinais-suomi", "Turku", "0204913", False),
    ("Ahvenanmaan maakunnan hallitus", "Ålands landskapsregering", "other", "ahvenanmaa", "Maarianhamina",
     None, False),
)


def _business_id(digits: str | None, used: set[str]) -> str | None:
    if digits is None:
        return None
    check = business_id_check_digit(digits)
    value = f"{digits}-{check}" if check is not None else None
    if value in used:
        return None
    if value:
        used.add(value)
    return value


# Organisations that have left the network: (Finnish name, left on).
LEFT = (("Pohjois-Karjalan Sosiaaliturvayhdistys ry", date(2025, 12, 31)),)

# Applications waiting for a coordinator: (name, Swedish name, kind, region, municipality, contact, e-mail, reason)
APPLICATIONS = (
    ("Raaseporin kaupunki", "Raseborgs stad", "municipality", "uusimaa", "Raasepori", "Sofia Holmström",
     "sofia.holmstrom@raseborg.example",
     "Vi vill utveckla invånarnas delaktighet och lära oss av andra kommuner i nätverket."),
    ("Nuorten Ääni ry", None, "civil_society", "pohjois-savo", "Kuopio", "Elias Kinnunen",
     "elias.kinnunen@nuortenaani.example",
     "Haluamme tuoda nuorten näkökulman kuntien osallisuustyöhön."),
)

def load() -> None:
    """Add the demo register and applications that are not there yet (idempotent; caller commits)."""
    existing = {search_key(o.name_fi) for o in db.session.scalars(select(Organisation))}
    used: set[str] = set(filter(None, db.session.scalars(select(Organisation.business_id))))
    left = dict(LEFT)
    for index, (name_fi, name_sv, kind, region, municipality, digits, open_gov) in enumerate(ORGANISATIONS):
        if search_key(name_fi) in existing:
            continue
        db.session.add(
            Organisation(
                name_fi=name_fi,
                name_sv=name_sv,
                search_name=search_name_for(name_fi, name_sv),
                kind=kind,
                # As in the register: the region follows from the municipality.
                region=find_municipality(municipality).region if find_municipality(municipality) else region,
                municipality=municipality,
                business_id=_business_id(digits, used),
                open_government_member=open_gov,
                joined_on=date(2019 + index % 6, 1 + index % 12, 1),
                left_on=left.get(name_fi),
            )
        )
    db.session.flush()

    applied = set(db.session.scalars(select(MembershipApplication.contact_email)))
    for name_fi, name_sv, kind, region, municipality, contact, email, reason in APPLICATIONS:
        if email in applied:
            continue
        db.session.add(MembershipApplication(
            name_fi=name_fi, name_sv=name_sv, kind=kind, region=region, municipality=municipality,
            contact_name=contact, contact_email=email, reason=reason, language="sv" if name_sv else "fi",
        ))
