"""The register's yearly figures for the self-assessment report, and that they are registered."""

from __future__ import annotations

from datetime import date

from network.extensions import db
from network.orgs.figures import register_figures, year_dates
from network.registries import figures_for_year
from tests.factories import make_org


def _values(year: int) -> dict[str, object]:
    return {f.key: f.value for f in register_figures(year)}


def test_joined_left_and_members_at_year_end(app):
    make_org("Vanha jäsen", joined_on=date(2019, 5, 1))
    make_org("Uusi jäsen", joined_on=date(2025, 1, 1))
    make_org("Vuoden viimeisenä päivänä", joined_on=date(2025, 12, 31))
    make_org("Seuraavana vuonna", joined_on=date(2026, 1, 1))
    make_org("Lähtenyt", joined_on=date(2020, 3, 1), left_on=date(2025, 6, 30))
    make_org("Lähtee myöhemmin", joined_on=date(2020, 3, 1), left_on=date(2026, 2, 1))
    survivor = make_org("Säilyvä", joined_on=date(2018, 1, 1))
    make_org("Kaksoiskappale", joined_on=date(2025, 4, 1), merged_into_id=survivor.id)
    db.session.commit()

    assert _values(2025) == {"orgs.joined": 2, "orgs.left": 1, "orgs.members_at_year_end": 5}
    assert _values(2026) == {"orgs.joined": 1, "orgs.left": 1, "orgs.members_at_year_end": 5}
    assert _values(2019)["orgs.members_at_year_end"] == 2  # the one that joined in 2019 and the one from 2018


def test_the_year_is_the_helsinki_calendar_year(app):
    assert year_dates(2026) == (date(2026, 1, 1), date(2027, 1, 1))


def test_the_figures_are_registered_for_the_report(app):
    make_org("Jäsen", joined_on=date(2024, 2, 1))
    keys = [f.key for f in figures_for_year(2024)]
    assert {"orgs.joined", "orgs.left", "orgs.members_at_year_end"} <= set(keys)
    assert {f.key: f.value for f in figures_for_year(2024)}["orgs.joined"] == 1
