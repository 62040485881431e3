"""Messages reach the user in Finnish, the default language."""

from __future__ import annotations

from .test_applications import FORM
from .test_import_export import _upload, csv_bytes


def test_application_errors_in_finnish(app):
    client = app.test_client()  # Finnish by default
    response = client.post("/organisations/apply", data={**FORM, "contact_email": "ei-osoite"})
    html = response.get_data(as_text=True)
    assert "Anna kelvollinen sähköpostiosoite" in html


def test_import_messages_in_finnish(app, coordinator):
    from tests.conftest import log_in

    client = app.test_client()
    log_in(client, coordinator)
    html = _upload(client, "r.csv", csv_bytes("Kunta;municipality", header="name_fi;kind")).get_data(as_text=True)
    assert "Sarake puuttuu: region" in html
