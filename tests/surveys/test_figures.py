"""The self-assessment report gathers every domain's yearly figures (each domain tests its own)."""

from __future__ import annotations

from network.extensions import db
from network.registries import figures_for_year
from network.surveys import builder


def test_the_report_gathers_every_domains_figures(app, coordinator_client):
    builder.create_survey(2025)
    db.session.commit()
    keys = [f.key for f in figures_for_year(2025)]
    assert {"meetings.held", "meetings.democracy_day_held", "mailing.posts_sent", "mailing.subscribers_at_start",
            "mailing.subscribers_at_end", "orgs.joined", "orgs.left", "surveys.responses"} <= set(keys)
    page = coordinator_client.get("/admin/reports/2025")
    assert "Pidetyt verkostotapaamiset" in page.text and "Liittyneet organisaatiot" in page.text
