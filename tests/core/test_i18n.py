"""Languages: the switcher without login, <html lang>, translated text, dates in Europe/Helsinki per language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from network.extensions import db
from network.i18n import format_day, format_when, localized

from ..auth.helpers import user_by_email

HEADINGS = {
    "fi": "<h1>Kuntademokratiaverkosto</h1>",
    "sv": "<h1>Nätverket för kommunal demokrati</h1>",
    "en": "<h1>Municipal Democracy Network</h1>",
}


def test_finnish_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fi">' in page
    assert HEADINGS["fi"] in page
    assert "Siirry sisältöön" in page  # the skip link
    assert "Demokratiapäivä" in page


@pytest.mark.parametrize("lang", ["sv", "en", "fi"])
def test_language_switch_without_login(client, lang):
    response = client.post("/language", data={"lang": lang, "next": "/?x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/?x=1"
    page = client.get("/").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert HEADINGS[lang] in page
    # a visitor's switch is links; the current language is marked
    assert f'lang="{lang}" hreflang="{lang}" rel="alternate"\n                 aria-current="true"' in page


def test_a_members_language_switch_is_a_form_that_saves_the_choice(member_client, member):
    page = member_client.get("/").get_data(as_text=True)
    assert 'value="fi" lang="fi"\n                 aria-current="true"' in page and 'hreflang="fi"' not in page


def test_swedish_texts(client):
    client.post("/language", data={"lang": "sv"})
    page = client.get("/").get_data(as_text=True)
    assert "Demokratidagen" in page
    assert "Hoppa till innehållet" in page
    assert "Logga in" in page


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "de"})
    assert '<html lang="fi">' in client.get("/").get_data(as_text=True)


def test_language_switch_saves_a_logged_in_users_choice(member_client, member):
    member_client.post("/language", data={"lang": "en"})
    assert user_by_email(member.email).language == "en"


def test_language_switch_posted_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/language", data={"lang": "sv"})
    assert response.status_code == 400
    assert "Lomake on vanhentunut" in response.get_data(as_text=True)
    assert '<html lang="fi">' in client.get("/").get_data(as_text=True)


# 09:30 UTC on 15 October 2026 is 12:30 in Helsinki (summer time, UTC+3).
SUMMER = datetime(2026, 10, 15, 9, 30, tzinfo=UTC)
# 10:00 UTC on 15 January 2026 is 12:00 in Helsinki (UTC+2).
WINTER = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
# 22:30 UTC on 1 March is already 2 March in Helsinki.
LATE = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "summer", "winter", "late"),
    [
        # Issue 12: Finland's conventions in every language, the connector word, no seconds, day-month order.
        ("fi", "to 15.10.2026 klo 12.30", "to 15.1.2026 klo 12.00", "ma 2.3.2026 klo 0.30"),
        ("sv", "tors 15.10.2026 kl. 12.30", "tors 15.1.2026 kl. 12.00", "mån 2.3.2026 kl. 00.30"),
        ("en", "Thu, 15 Oct 2026, 12:30", "Thu, 15 Jan 2026, 12:00", "Mon, 2 Mar 2026, 00:30"),
    ],
)
def test_when_is_in_helsinki_time_formatted_per_language(app, lang, summer, winter, late):
    with app.test_request_context(), force_locale(lang):
        assert format_when(SUMMER) == summer
        assert format_when(WINTER) == winter
        assert format_when(LATE) == late
        # A naive value (as SQLite gives back) is UTC.
        assert format_when(SUMMER.replace(tzinfo=None)) == summer
        assert format_when(None) == ""


def test_day_and_long_formats(app):
    with app.test_request_context():
        with force_locale("fi"):
            assert format_day(date(2026, 10, 15), "long") == "15. lokakuuta 2026"
            assert format_day(LATE) == "2.3.2026"  # the Helsinki date of a UTC datetime
            # Issue 12: no Babel "long" time with seconds and a zone; the one format, Finnish time.
            assert format_when(SUMMER, "long") == "to 15.10.2026 klo 12.30"
        with force_locale("sv"):
            assert format_day(date(2026, 10, 15), "long") == "15 oktober 2026"


def test_when_filter_in_templates_follows_the_session_language(app, client):
    client.post("/language", data={"lang": "sv"})
    with app.test_request_context():
        from flask import render_template_string, session

        session["lang"] = "sv"
        assert render_template_string("{{ value|when }}", value=SUMMER) == "tors 15.10.2026 kl. 12.30"


def test_localized_user_content(app):
    with app.test_request_context():
        with force_locale("sv"):
            assert localized("Kokous", "Möte") == "Möte"
            assert localized("Kokous", None) == "Kokous"
        with force_locale("fi"):
            assert localized("Kokous", "Möte") == "Kokous"
        with force_locale("en"):
            assert localized("Kokous", "Möte") == "Kokous"


# The reader's language on a first visit (issue 16): with no link, session or account language, the browser's.
@pytest.mark.parametrize(("header", "lang"), [
    ("sv-FI,sv;q=0.9,fi;q=0.8", "sv"),
    ("en-GB,en;q=0.9", "en"),
    ("fi-FI,fi;q=0.9,en;q=0.5", "fi"),
    ("de-DE,de;q=0.9,fr;q=0.5", "fi"),  # none offered: Finnish
])
def test_a_first_visit_follows_the_browsers_language(client, header, lang):
    response = client.get("/", headers={"Accept-Language": header})
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and HEADINGS[lang] in page
    # The page depends on the header: a cache must not give one reader's language to another.
    assert "accept-language" in {value.lower() for value in response.vary}


def test_a_lower_weight_is_honoured(client):
    page = client.get("/", headers={"Accept-Language": "de;q=1.0, en;q=0.4, sv;q=0.7"}).get_data(as_text=True)
    assert '<html lang="sv">' in page


def test_a_session_choice_and_a_link_beat_the_browsers_language(client):
    client.post("/language", data={"lang": "en"})
    response = client.get("/", headers={"Accept-Language": "sv-FI,sv"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "accept-language" not in {value.lower() for value in response.vary}
    linked = client.get("/?lang=fi", headers={"Accept-Language": "sv-FI,sv"}).get_data(as_text=True)
    assert '<html lang="fi">' in linked


def test_an_accounts_language_beats_the_browsers(member_client, member):
    member.language = "en"
    db.session.commit()
    page = member_client.get("/", headers={"Accept-Language": "sv-FI,sv"}).get_data(as_text=True)
    assert '<html lang="en">' in page
