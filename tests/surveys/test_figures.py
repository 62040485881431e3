"""The member register's activity figures for the self-assessment report (orgs' hooks; meetings and mailing
test their own), and the report's list of every domain's figures."""

from __future__ import annotations

from datetime import date

from network.extensions import db
from network.registries import figures_for_year
from network.surveys import builder

from ..factories import make_org


def test_register_figures_count_joined_left_and_members_at_the_end(app):
    make_org("Vanha", joined_on=date(2020, 1, 1))
    make_org("Uusi", joined_on=date(2025, 4, 1))
    make_org("Ensi vuonna", joined_on=date(2026, 1, 1))
    make_org("Lähtenyt", joined_on=date(2019, 1, 1), left_on=date(2025, 6, 30))
    make_org("Lähti vasta", joined_on=date(2019, 1, 1), left_on=date(2026, 1, 2))
    figures = {f.key: f.value for f in figures_for_year(2025)}
    assert (figures["orgs.joined"], figures["orgs.left"]) == (1, 1)
    assert figures["orgs.members_at_end"] == 3


def test_the_report_gathers_every_domains_figures(app, coordinator_client):
    builder.create_survey(2025)
    db.session.commit()
    keys = [f.key for f in figures_for_year(2025)]
    assert {"meetings.held", "meetings.democracy_day_held", "mailing.posts_sent", "mailing.subscribers_at_start",
            "mailing.subscribers_at_end", "orgs.joined", "orgs.left", "surveys.responses"} <= set(keys)
    page = coordinator_client.get("/admin/reports/2025")
    assert "Pidetyt verkostotapaamiset" in page.text and "Liittyneet organisaatiot" in page.text
