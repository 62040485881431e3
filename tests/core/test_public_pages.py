"""Legal pages and what Lighthouse asks of every public page (issue 16, items 9 and 10).

Before: no privacy notice and no accessibility statement; /favicon.ico was a 404; no page had a meta description;
responses were never compressed.
"""

from __future__ import annotations

import gc
import gzip
import re
import sys
import warnings

import brotli
import pytest
from sqlalchemy import select

from config import BASE_DIR
from network.auth.accounts import change_role
from network.core.legal import statement_parts
from network.demo import load_demo
from network.extensions import db
from network.mailing.models import Post
from network.meetings.models import Meeting
from network.orgs.models import MembershipApplication, Organisation
from network.privacy import (
    export_personal_data,
    personal_data_descriptions,
    undescribed_sections,
)

from ..conftest import choose_language, make_app

LANGUAGES = ("fi", "sv", "en")


def _meta_description(html: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert match, "no meta description"
    return match.group(1)


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">'):]


# --- Privacy notice ---------------------------------------------------------------------------------------------


def test_every_domain_that_keeps_personal_data_describes_it(app):
    assert not undescribed_sections()
    sections = {d.section for d in personal_data_descriptions()}
    assert {"account", "meetings", "mailing", "groups", "surveys", "audit_trail", "membership_applications"} <= sections


def test_descriptions_name_exactly_what_the_export_holds(app, member):
    """The notice is generated from what the register stores: each description names every key of its export
    (and nothing the export lacks), so a new stored field without a description fails here."""
    exported = export_personal_data(member)
    for description in personal_data_descriptions():
        data = exported[description.section]
        if isinstance(data, dict):
            keys = set(data)
        else:
            keys = set().union(*(entry.keys() for entry in data)) if data else set(description.fields)
        assert keys == set(description.fields), description.section
        for value in (description.title, description.purpose, description.legal_basis, description.retention,
                      *description.fields.values()):
            assert str(value).strip()


def test_audit_and_application_descriptions_match_their_entries(app, member, coordinator):
    change_role(member, "coordinator", actor=coordinator)
    db.session.add(MembershipApplication(name_fi="Hakijan kunta", kind="municipality", region="uusimaa",
                                         contact_name=member.name, contact_email=member.email, reason="x"))
    db.session.commit()
    exported = export_personal_data(member)
    described = {d.section: d for d in personal_data_descriptions()}
    for section in ("audit_trail", "membership_applications"):
        assert exported[section], section
        assert set(exported[section][0]) == set(described[section].fields), section


@pytest.mark.parametrize("language", LANGUAGES)
def test_privacy_notice_in_each_language(client, language):
    choose_language(client, language)
    html = client.get("/privacy").get_data(as_text=True)
    expected = {
        "fi": ("Tietosuojaseloste", "Käyttötarkoitus", "Käsittelyperuste", "Säilytysaika", "Ilmoittautumiset tapaamisiin"),
        "sv": ("Dataskyddsbeskrivning", "Ändamål", "Rättslig grund", "Lagringstid", "Anmälningar till möten"),
        "en": ("Privacy notice", "Purpose", "Legal basis", "How long", "Meeting registrations"),
    }[language]
    for text in expected:
        assert text in html, text
    assert "tietosuoja@kuntademokratia.example" in html
    # One section per domain's description, each with its data items.
    assert html.count('class="privacy-section"') == len(personal_data_descriptions())


# --- Accessibility statement ------------------------------------------------------------------------------------


def test_statement_source_has_every_part_in_every_language():
    parts = statement_parts(BASE_DIR / "docs" / "accessibility.md")
    assert set(parts) == set(LANGUAGES)
    headings = {"fi": ("WCAG 2.1", "arvioitu", "poikkeamat", "Palaute", "{contact_email}"),
                "sv": ("WCAG 2.1", "bedömts", "avvikelser", "Respons", "{contact_email}"),
                "en": ("WCAG 2.1", "assessed", "exceptions", "Feedback", "{contact_email}")}
    for language, words in headings.items():
        for word in words:
            assert word in parts[language], (language, word)
        assert parts[language].count("\n## ") == parts["fi"].count("\n## ")


@pytest.mark.parametrize(("language", "heading", "words"), [
    ("fi", "Saavutettavuusseloste", "Tiedossa olevat poikkeamat"),
    ("sv", "Tillgänglighetsutlåtande", "Kända avvikelser"),
    ("en", "Accessibility statement", "Known exceptions"),
])
def test_accessibility_statement_in_each_language(app, client, language, heading, words):
    choose_language(client, language)
    html = client.get("/accessibility").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html
    assert words in html
    assert app.config["ACCESSIBILITY_CONTACT_EMAIL"] in html and "{contact_email}" not in html
    assert "lang: " not in html  # the part markers stay out of the page


@pytest.mark.parametrize("language", LANGUAGES)
def test_footer_links_the_legal_pages_on_every_page(client, language):
    choose_language(client, language)
    for path in ("/", "/meetings", "/organisations", "/posts", "/login", "/no-such-page", "/privacy"):
        footer = _footer(client.get(path).get_data(as_text=True))
        assert 'href="/privacy"' in footer and 'href="/accessibility"' in footer, path


# --- Lighthouse's items: favicon, meta description, compression ---------------------------------------------


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in html
    for link in re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html):
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("path", ["/favicon.ico", "/static/css/site.css"])
def test_static_file_is_closed_even_when_the_response_is_never_finished(client, path):
    """A browser that drops the connection never lets the server close the response: the file must already be
    closed (CI once failed on the collector closing /favicon.ico behind a browser test)."""
    unraisable = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ResourceWarning)
            response = client.get(path, buffered=False)
            assert response.status_code == 200
            del response
            gc.collect()
    finally:
        sys.unraisablehook = previous_hook
    assert [repr(item.exc_value) for item in unraisable] == []


@pytest.fixture
def demo_pages(app):
    load_demo()
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    post = db.session.scalars(select(Post).order_by(Post.id)).first()
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    return ["/", "/meetings", f"/meetings/{meeting.id}", "/groups", "/posts", f"/posts/{post.id}", "/organisations",
            f"/organisations/{org.id}", "/subscribe", "/surveys", "/login", "/register", "/privacy", "/accessibility"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_has_its_own_description(client, demo_pages, language):
    choose_language(client, language)
    descriptions = {}
    for path in demo_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        description = _meta_description(response.get_data(as_text=True))
        assert len(description) >= 30, (path, description)
        assert len(description) <= 320, (path, description)
        descriptions[path] = description
    repeated = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert not repeated, repeated


def test_descriptions_are_in_the_readers_language(client):
    found = {}
    for language in LANGUAGES:
        choose_language(client, language)
        found[language] = _meta_description(client.get("/meetings").get_data(as_text=True))
    assert len(set(found.values())) == 3
    assert "kokoontuu" in found["fi"] and "möts" in found["sv"] and "meets" in found["en"]


def test_a_meeting_page_describes_the_meeting(client, demo_pages):
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    description = _meta_description(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert meeting.description_fi[:40] in description


def _without_tokens(body: bytes) -> bytes:
    return re.sub(rb'name="csrf_token" value="[^"]*"', b"", body)


@pytest.mark.parametrize(("encoding", "decompress", "paths"), [
    ("gzip", gzip.decompress, ("/", "/organisations", "/privacy", "/static/css/site.css")),
    ("br", brotli.decompress, ("/", "/organisations", "/static/css/site.css", "/static/js/site.js")),
])
def test_responses_are_compressed(client, demo_pages, encoding, decompress, paths):
    for path in paths:
        plain = client.get(path).data
        response = client.get(path, headers={"Accept-Encoding": encoding})
        assert response.headers.get("Content-Encoding") == encoding, path
        assert "Accept-Encoding" in response.headers.get("Vary", "")
        # The same page (but for its CSRF token, new in each response), in fewer bytes.
        assert _without_tokens(decompress(response.data)) == _without_tokens(plain), path
        assert len(response.data) < len(plain) / 2, path


def test_compression_can_be_left_to_a_proxy():
    app = make_app(COMPRESS_REGISTER=False)
    with app.app_context():
        response = app.test_client().get("/static/css/site.css", headers={"Accept-Encoding": "gzip, br"})
        assert "Content-Encoding" not in response.headers
