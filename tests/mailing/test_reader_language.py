"""The reader's language everywhere: a subscriber's language decides the mail and every page its links open (the
link carries the language; the page honours it without login); posts have an optional English text, and English
readers of a post without one get the Finnish text with a line saying so."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mailing import invites, subscriptions
from network.mailing.lists import main_list
from network.mailing.models import Post
from tests.factories import make_meeting, make_post, make_subscribers
from tests.support.english import english
from tests.support.mail import links_in, path_of, text_body

NOTE = "This post has no English text, so here is the Finnish one."


def _links(message) -> dict[str, str]:
    found = {}
    for url in links_in(message):
        path = urlsplit(url).path
        for kind, part in (("unsubscribe", "/unsubscribe/"), ("manage", "/subscriptions/"), ("posts", "/posts/")):
            if part in path:
                found.setdefault(kind, url)
    return found


def test_a_swedish_subscribers_links_open_swedish_pages_without_login(app, smtp_server):
    make_subscribers(1, language="sv", prefix="sv")
    make_post(subject_sv="Hälsning till nätverket", body_sv="Hej alla!")
    deliver_all()
    (message,) = smtp_server.messages_to("sv00000@example.fi")
    assert "Hej alla!" in text_body(message)
    links = _links(message)
    assert set(links) == {"unsubscribe", "manage", "posts"}, links_in(message)
    for url in links.values():
        assert parse_qs(urlsplit(url).query)["lang"] == ["sv"], url
    # A browser with no session and no login: each page opens in Swedish.
    for url in links.values():
        page = app.test_client().get(path_of(url))
        assert page.status_code == 200, url
        assert '<html lang="sv"' in page.get_data(as_text=True), url
    archive = app.test_client().get(path_of(links["posts"])).get_data(as_text=True)
    assert "Hälsning till nätverket" in archive and "Hej alla!" in archive


def test_english_readers_get_the_english_text_or_the_finnish_one_with_a_note(app, smtp_server, client):
    make_subscribers(1, language="en", prefix="en")
    with_english = make_post(subject="Kevään kokous", body="Tervetuloa kokoukseen!", subject_en="Spring meeting",
                             body_en="Welcome to the meeting!")
    finnish_only = make_post(subject="Syksyn kokous", body="Tervetuloa syksyllä!")
    deliver_all()
    by_subject = {m["Subject"]: m for m in smtp_server.messages_to("en00000@example.fi")}
    assert set(by_subject) == {"Spring meeting", "Syksyn kokous"}
    english_text = text_body(by_subject["Spring meeting"])
    assert "Welcome to the meeting!" in english_text and "Tervetuloa" not in english_text and NOTE not in english_text
    fallback = text_body(by_subject["Syksyn kokous"])
    assert NOTE in fallback and "Tervetuloa syksyllä!" in fallback
    # The same on the web, for an English reader who followed the link.
    page = client.get(f"/posts/{finnish_only.id}?lang=en").get_data(as_text=True)
    assert NOTE in page and "Tervetuloa syksyllä!" in page and '<h1 lang="fi">Syksyn kokous</h1>' in page
    page = client.get(f"/posts/{with_english.id}?lang=en").get_data(as_text=True)
    assert "Welcome to the meeting!" in page and NOTE not in page
    # Finnish readers never see the note.
    assert NOTE not in client.get(f"/posts/{finnish_only.id}?lang=fi").get_data(as_text=True)


def test_the_post_form_takes_an_english_text(coordinator_client):
    main_list()
    db.session.commit()
    english(coordinator_client)
    form = coordinator_client.get("/posts/new").get_data(as_text=True)
    assert 'name="subject_en"' in form and 'name="body_en"' in form
    response = coordinator_client.post("/posts/new", data={
        "mailing_list": main_list().id, "subject_fi": "Otsikko", "body_fi": "Teksti", "subject_en": "Title",
        "body_en": "Text in English", "when": "now", "submit": "Send", "confirm": "Confirm and send"})
    assert response.status_code == 302
    post = db.session.query(Post).one()
    assert post.subject_en == "Title" and post.body_en == "Text in English"
    refused = coordinator_client.post("/posts/new", data={
        "mailing_list": main_list().id, "subject_fi": "Toinen", "body_fi": "Teksti", "body_en": "No subject",
        "when": "now", "submit": "Send"})
    assert refused.status_code == 422 and "Give the English subject too" in refused.get_data(as_text=True)


def test_the_confirmation_and_manage_links_carry_the_language(app, smtp_server):
    subscriptions.request_subscription("uusi@example.fi", "Uusi Tilaaja", "sv")
    db.session.commit()
    deliver_all()
    (confirmation,) = smtp_server.messages_to("uusi@example.fi")
    (link,) = [u for u in links_in(confirmation) if "/subscribe/confirm/" in u]
    assert urlsplit(link).query == "lang=sv"


SWEDISH_NOTE = "Detta inlägg har ingen svensk text, så här är den finska."


def test_swedish_readers_of_a_post_without_swedish_text_get_the_finnish_one_with_a_note(app, smtp_server, client):
    make_subscribers(1, language="sv", prefix="sv")
    with_swedish = make_post(subject="Kevään kokous", body="Tervetuloa kokoukseen!", subject_sv="Vårens möte",
                             body_sv="Välkommen till mötet!")
    finnish_only = make_post(subject="Syksyn kokous", body="Tervetuloa syksyllä!")
    deliver_all()
    by_subject = {m["Subject"]: m for m in smtp_server.messages_to("sv00000@example.fi")}
    assert set(by_subject) == {"Vårens möte", "Syksyn kokous"}
    swedish_text = text_body(by_subject["Vårens möte"])
    assert "Välkommen till mötet!" in swedish_text and SWEDISH_NOTE not in swedish_text
    fallback = text_body(by_subject["Syksyn kokous"])
    assert SWEDISH_NOTE in fallback and "Tervetuloa syksyllä!" in fallback and NOTE not in fallback
    html = next(part for part in by_subject["Syksyn kokous"].walk() if part.get_content_type() == "text/html")
    assert SWEDISH_NOTE in html.get_payload(decode=True).decode()
    # The same on the web, for a Swedish reader who followed the link.
    page = client.get(f"/posts/{finnish_only.id}?lang=sv").get_data(as_text=True)
    assert SWEDISH_NOTE in page and "Tervetuloa syksyllä!" in page and '<h1 lang="fi">Syksyn kokous</h1>' in page
    page = client.get(f"/posts/{with_swedish.id}?lang=sv").get_data(as_text=True)
    assert "Välkommen till mötet!" in page and SWEDISH_NOTE not in page
    assert SWEDISH_NOTE not in client.get(f"/posts/{finnish_only.id}?lang=fi").get_data(as_text=True)


def _header_url(message, name: str) -> str:
    value = message[name]
    assert value and value.startswith("<") and value.endswith(">"), (name, value)
    return value[1:-1]


def test_list_headers_open_pages_in_the_subscribers_language(app, smtp_server):
    """List-Archive and List-Help carry the subscriber's language like the links in the text; the https link of
    List-Unsubscribe too. Read from what the SMTP server received, for a post and for a meeting invitation."""
    make_subscribers(1, language="sv", prefix="sv")
    make_subscribers(1, language="en", prefix="en")
    make_post(subject_sv="Hälsning", body_sv="Hej alla!")
    meeting = make_meeting()
    invites.send_invites(meeting, main_list())
    db.session.commit()
    deliver_all()
    for address, language in (("sv00000@example.fi", "sv"), ("en00000@example.fi", "en")):
        messages = smtp_server.messages_to(address)
        assert len(messages) == 2, [m["Subject"] for m in messages]
        for message in messages:
            for name in ("List-Archive", "List-Help"):
                url = _header_url(message, name)
                assert parse_qs(urlsplit(url).query)["lang"] == [language], (name, url)
                page = app.test_client().get(path_of(url))
                assert page.status_code == 200 and f'<html lang="{language}"' in page.get_data(as_text=True)
            web = [u[1:-1] for u in message["List-Unsubscribe"].split(", ") if u.startswith("<http")]
            assert parse_qs(urlsplit(web[0]).query)["lang"] == [language]
