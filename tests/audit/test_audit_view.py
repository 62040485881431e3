"""The coordinators' audit trail page: filters, pagination, access."""

from __future__ import annotations

from datetime import UTC, datetime

from network.audit.models import AuditEntry
from network.audit.queries import AuditFilter, audit_statement
from network.audit.trail import record_change
from network.extensions import db
from tests.conftest import choose_language, create_user
from tests.support.names import ORDER, SURNAMES, full_name, in_order_of_appearance


def _entries(coordinator):
    other = create_user("other.coordinator@example.fi", "Olga Other", role="coordinator")
    record_change(coordinator, "organisation.created", "organisation", 1, after={"name_fi": "Alpha"},
                  summary="Alpha")
    record_change(coordinator, "organisation.updated", "organisation", 1, before={"region": "uusimaa"},
                  after={"region": "lappi"}, summary="Alpha")
    record_change(other, "application.rejected", "application", 7, summary="<script>alert(1)</script>")
    record_change(None, "account.deleted", "user", 99)
    db.session.commit()
    old = db.session.query(AuditEntry).filter_by(action="organisation.created").one()
    old.created_at = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
    db.session.commit()
    return other


def _actions(statement) -> list[str]:
    return [e.action for e in db.session.scalars(statement)]


def test_filters_as_plain_functions(app, coordinator):
    other = _entries(coordinator)
    assert _actions(audit_statement(AuditFilter(entity_type="organisation"))) == [
        "organisation.updated", "organisation.created"]
    assert _actions(audit_statement(AuditFilter(action="application.rejected"))) == ["application.rejected"]
    assert _actions(audit_statement(AuditFilter(actor=str(other.id)))) == ["application.rejected"]
    assert _actions(audit_statement(AuditFilter(actor="none"))) == ["account.deleted"]
    assert _actions(audit_statement(AuditFilter(date_to=datetime(2025, 1, 15).date()))) == ["organisation.created"]
    assert "organisation.created" not in _actions(audit_statement(AuditFilter(date_from=datetime(2025, 1, 16).date())))
    assert _actions(audit_statement(AuditFilter(entity_type="organisation", entity_id=2))) == []


def test_page_shows_who_what_when_and_changes(coordinator_client, coordinator):
    _entries(coordinator)
    html = coordinator_client.get("/admin/audit").get_data(as_text=True)
    assert "4 entries" in html
    assert "Kalle Coordinator" in html and "Olga Other" in html and "deleted account or the system" in html
    # Region codes read as the region's name.
    assert "Uusimaa" in html and "Lappi" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    filtered = coordinator_client.get("/admin/audit?entity_type=organisation&action=organisation.updated")
    assert "1 entry" in filtered.get_data(as_text=True)
    by_date = coordinator_client.get("/admin/audit?date_from=2025-01-01&date_to=2025-01-31").get_data(as_text=True)
    assert "1 entry" in by_date
    # A malformed date is ignored with a message next to the field, not an error page.
    bad = coordinator_client.get("/admin/audit?date_from=not-a-date")
    assert bad.status_code == 200 and 'id="date_from-error"' in bad.get_data(as_text=True)


def test_pagination(coordinator_client, coordinator):
    for n in range(60):
        record_change(coordinator, "organisation.updated", "organisation", n)
    db.session.commit()
    first = coordinator_client.get("/admin/audit").get_data(as_text=True)
    assert "60 entries" in first and 'rel="next"' in first
    assert 'rel="prev"' in coordinator_client.get("/admin/audit?page=2").get_data(as_text=True)


def test_only_coordinators(client, member_client):
    assert member_client.get("/admin/audit").status_code == 403
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_register_changes_land_in_the_audit_view(coordinator_client):
    coordinator_client.post("/admin/organisations/new", data={"name_fi": "Auditoitava kunta", "kind": "municipality",
                                                                "region": "kainuu"})
    html = coordinator_client.get("/admin/audit?entity_type=organisation").get_data(as_text=True)
    assert "Organisation added" in html and "Auditoitava kunta" in html


def test_out_of_range_filters_are_messages_not_server_errors(coordinator_client, coordinator):
    _entries(coordinator)
    for query in ("entity_id=99999999999999999999", "date_to=9999-12-31", "date_from=0001-01-01",
                  "actor=%C2%B2", "actor=99999999999999999999"):
        response = coordinator_client.get(f"/admin/audit?{query}")
        assert response.status_code == 200, query
    html = coordinator_client.get("/admin/audit?date_to=9999-12-31").get_data(as_text=True)
    assert 'id="date_to-error"' in html and "4 entries" in html


def test_times_shown_in_helsinki_time_and_fields_by_label(coordinator_client, coordinator):
    # 12:00 -> 13:00 Helsinki time (UTC+2 in November), one entry stored before normalisation with "+00:00".
    record_change(coordinator, "meeting.update", "meeting", 1, before={"starts_at": datetime(2026, 11, 23, 10, 0)},
                  after={"starts_at": datetime(2026, 11, 23, 11, 0, tzinfo=UTC)})
    db.session.add(AuditEntry(actor_id=coordinator.id, action="meeting.update", entity_type="meeting", entity_id=2,
                              before={"deadline": "2026-11-20T10:00:00+00:00"}, after={"joined_on": "2026-01-05"}))
    record_change(coordinator, "organisation.updated", "organisation", 1, before={"name_sv": "A"},
                  after={"name_sv": "B"})
    db.session.commit()
    html = coordinator_client.get("/admin/audit").get_data(as_text=True).replace("\u202f", " ")
    # The one date formatter: day-month order in English too, 24-hour times, no seconds.
    assert "Mon, 23 Nov 2026, 12:00 → Mon, 23 Nov 2026, 13:00" in html and "Fri, 20 Nov 2026, 12:00" in html
    assert "+00:00" not in html and "10:00:00" not in html and "5 Jan 2026" in html
    assert "<strong>Name in Swedish</strong>" in html and "<strong>name_sv</strong>" not in html
    finnish = coordinator_client.get("/admin/audit?lang=fi")
    assert finnish.status_code == 200


def test_actions_fields_and_code_values_read_in_the_readers_language(coordinator_client, coordinator):
    record_change(coordinator, "meeting.create", "meeting", 1, after={"kind": "democracy_day", "mode": "hybrid",
                                                                       "agenda": "Esityslista"})
    record_change(coordinator, "meeting.material.add", "meeting", 1, after={"material": "liite.pdf"})
    record_change(coordinator, "post.send", "mailing_post", 3)
    record_change(coordinator, "organisation.updated", "organisation", 1, before={"kind": "other"},
                  after={"kind": "municipality"})
    record_change(coordinator, "organisation.updated", "organisation", 2, before={"open_government_member": False},
                  after={"open_government_member": True})
    db.session.commit()
    choose_language(coordinator_client, "fi")
    # The entries' table (the filter's options carry the codes as their values).
    finnish = coordinator_client.get("/admin/audit").get_data(as_text=True).split("<table", 1)[1]
    for raw in ("meeting.create", "meeting.material.add", "post.send", "democracy_day", "hybrid", ">municipality<",
                "<strong>kind</strong>", "<strong>agenda</strong>", "True"):
        assert raw not in finnish, raw
    assert "Kokous lisätty" in finnish and "Materiaali lisätty" in finnish and "Viesti lähetetty" in finnish
    assert "<strong>Tyyppi</strong>: Muu → Kunta" in finnish and "Demokratiapäivä" in finnish
    assert "Ei → Kyllä" in finnish
    choose_language(coordinator_client, "sv")
    swedish = coordinator_client.get("/admin/audit").get_data(as_text=True)
    assert "Möte tillagt" in swedish and "Kommun" in swedish and "Inlägget skickat" in swedish


def test_the_actor_drop_down_is_in_the_readers_alphabetical_order(coordinator_client, coordinator):
    """Issue 16: every drop-down of people's names in the reader's order (ICU: Å, Ä, Ö after Z in fi and sv)."""
    for number, surname in enumerate(SURNAMES):
        person = create_user(f"actor{number}@example.fi", full_name(surname), role="coordinator")
        record_change(person, "organisation.updated", "organisation", number, summary="x")
    db.session.commit()
    for lang in ("fi", "sv", "en"):
        page = coordinator_client.get(f"/admin/audit?lang={lang}").get_data(as_text=True)
        drop_down = page[page.index('name="actor"'):]
        drop_down = drop_down[:drop_down.index("</select>")]
        assert in_order_of_appearance(drop_down) == ORDER[lang], lang
