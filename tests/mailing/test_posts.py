"""Writing posts (coordinator and a group's chair), previews, scheduling, bad input, the archive, progress."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import OutboxMessage
from network.mailing import lists, subscriptions
from network.mailing import posts as post_rules
from network.mailing.models import Post
from network.timeutil import utc_to_helsinki, utcnow
from tests.conftest import create_user, log_in
from tests.factories import make_post, make_subscribers
from tests.support.english import english


def _form(**changes):
    data = {
        "mailing_list": lists.main_list().id,
        "subject_fi": "Syyskuun uutiset",
        "body_fi": "Tervetuloa **demokratiapäivään**!",
        "subject_sv": "",
        "body_sv": "",
        "when": "now",
        "submit": "Send",
        "confirm": "Confirm and send",  # the second step: the coordinator has seen the preview and recipients
    }
    data.update(changes)
    return data


def _outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


def test_coordinator_previews_then_sends(coordinator_client, smtp_server):
    make_subscribers(3)
    english(coordinator_client)
    assert coordinator_client.get("/posts/new").status_code == 200
    preview = coordinator_client.post("/posts/new", data=_form(submit="", preview="Preview"))
    assert preview.status_code == 200
    assert "<strong>demokratiapäivään</strong>" in preview.get_data(as_text=True)
    assert _outbox_count() == 0, "a preview sends nothing"
    response = coordinator_client.post("/posts/new", data=_form())
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert response.headers["Location"].endswith(f"/posts/{post.id}")
    assert _outbox_count() == 3
    page = coordinator_client.get(f"/posts/{post.id}")
    assert "data-progress-url" in page.get_data(as_text=True)
    progress = coordinator_client.get(f"/posts/{post.id}/progress.json").get_json()
    assert progress["waiting"] == 3 and not progress["done"]
    smtp_server.refuse("sub00002@example.fi", "550 5.1.1 Unknown user")
    deliver_all()
    progress = coordinator_client.get(f"/posts/{post.id}/progress.json").get_json()
    assert (progress["sent"], progress["waiting"], progress["failed"]) == (2, 0, 1)
    assert progress["failures"] == [
        {"recipient": "sub00002@example.fi", "status": "failed", "reason": "550 5.1.1 Unknown user"}]
    assert "550 5.1.1 Unknown user" in coordinator_client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_sending_the_same_post_twice_in_a_row_sends_it_once(coordinator_client):
    make_subscribers(2)
    english(coordinator_client)
    first = coordinator_client.post("/posts/new", data=_form())
    assert first.status_code == 302
    again = coordinator_client.post("/posts/new", data=_form())  # a double click or a reloaded form
    assert (again.status_code, again.location) == (first.status_code, first.location), "the same answer"
    shown = coordinator_client.get(again.location).get_data(as_text=True)
    assert "already sent to the list a moment ago" in shown
    assert db.session.scalar(select(func.count(Post.id))) == 1
    assert _outbox_count() == 2
    changed = coordinator_client.post("/posts/new", data=_form(subject_fi="Lokakuun uutiset"))
    assert changed.status_code == 302, "a different post is not a resend"


def test_send_shows_recipients_and_each_language_before_anything_goes_out(coordinator_client):
    make_subscribers(2, language="fi")
    make_subscribers(1, language="sv", prefix="sv")
    response = coordinator_client.post("/posts/new", data=_form(
        confirm="", subject_sv="Septembernytt", body_sv="Välkommen till **demokratidagen**!"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _outbox_count() == 0 and db.session.scalar(select(func.count(Post.id))) == 0, "nothing sent yet"
    assert "Tarkista ja vahvista" in html and "Mitään ei ole vielä lähetetty." in html
    assert "Viesti lähtee 3 tilaajalle listalla" in html and "Suomi: 2" in html and "Svenska: 1" in html
    assert "<strong>demokratiapäivään</strong>" in html and "<strong>demokratidagen</strong>" in html
    assert 'form="post-form"' in html and "Vahvista ja lähetä" in html
    confirmed = coordinator_client.post("/posts/new", data=_form(
        subject_sv="Septembernytt", body_sv="Välkommen till **demokratidagen**!"))
    assert confirmed.status_code == 302 and _outbox_count() == 3


def test_subject_with_newline_is_refused_and_nothing_queued(coordinator_client):
    make_subscribers(2)
    english(coordinator_client)
    response = coordinator_client.post("/posts/new", data=_form(subject_fi="Hei\r\nBcc: all@example.fi"))
    assert response.status_code == 422
    assert "one line" in response.get_data(as_text=True)
    assert _outbox_count() == 0 and db.session.scalar(select(func.count(Post.id))) == 0


def test_two_megabyte_post_is_refused_with_a_clear_message(coordinator_client):
    make_subscribers(1)
    english(coordinator_client)
    response = coordinator_client.post("/posts/new", data=_form(body_fi="a" * (2 * 1024 * 1024)))
    assert response.status_code == 422
    assert "too long" in response.get_data(as_text=True)
    assert _outbox_count() == 0


def test_script_and_javascript_links_are_sanitised_away(app, smtp_server, client):
    make_subscribers(1)
    post = make_post(body="Hei <script>alert(1)</script>\n\n[klikkaa](javascript:alert(2)) "
                          "<a href=\"javascript:alert(3)\">x</a> [ok](https://example.fi)")
    deliver_all()
    html = smtp_server.received[0].message.get_body(preferencelist=("html",)).get_content()
    page = client.get(f"/posts/{post.id}").get_data(as_text=True)
    for rendered in (html, page):
        assert "<script>alert" not in rendered
        assert not re.search(r"<a [^>]*href=\"javascript", rendered)
        assert 'href="https://example.fi"' in rendered


def test_member_cannot_post_and_chair_posts_to_own_group_list(app, member, coordinator):
    client = app.test_client()
    log_in(client, member)
    assert client.get("/posts/new").status_code == 403
    chair = create_user("chair@example.fi", "Chair")
    group_list = lists.ensure_group_list(3, "Työryhmä", chair_id=chair.id)
    subscriptions.sync_list_members(group_list, [member, chair])
    db.session.commit()
    chair_client = app.test_client()
    log_in(chair_client, chair)
    page = chair_client.get("/posts/new")
    assert page.status_code == 200
    assert "Kuntademokratiaverkoston postituslista" not in page.get_data(as_text=True), "only the own list"
    main_attempt = chair_client.post("/posts/new", data=_form())
    assert main_attempt.status_code == 422
    response = chair_client.post("/posts/new", data=_form(mailing_list=group_list.id))
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert post.list_id == group_list.id and post.recipient_count == 2

    # The group archive: members and the chair only.
    assert client.get(f"/lists/{group_list.slug}/posts").status_code == 200
    assert client.get(f"/posts/{post.id}").status_code == 200
    outsider = create_user("outsider@example.fi", "Outsider")
    outsider_client = app.test_client()
    log_in(outsider_client, outsider)
    assert outsider_client.get(f"/lists/{group_list.slug}/posts").status_code == 403
    assert outsider_client.get(f"/posts/{post.id}").status_code == 403
    assert app.test_client().get(f"/posts/{post.id}").status_code == 404
    assert app.test_client().get("/posts").get_data(as_text=True).count(f"/posts/{post.id}\"") == 0


def test_scheduling_the_same_post_twice_says_it_was_scheduled_not_sent(coordinator_client):
    """A fresh tester resent a scheduled post's form and read that it 'was sent just now': it had not been."""
    make_subscribers(2)
    english(coordinator_client)
    when = utc_to_helsinki(utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    first = coordinator_client.post("/posts/new", data=_form(when="later", send_at=when))
    again = coordinator_client.post("/posts/new", data=_form(when="later", send_at=when))
    assert (again.status_code, again.location) == (first.status_code, first.location)
    shown = coordinator_client.get(again.location).get_data(as_text=True)
    assert "already scheduled a moment ago. It is not scheduled twice." in shown
    assert "already sent to the list" not in shown
    assert db.session.scalar(select(func.count(Post.id))) == 1 and _outbox_count() == 0


def test_scheduled_post_is_queued_by_the_worker_when_due(coordinator_client, smtp_server):
    make_subscribers(2)
    when = utc_to_helsinki(utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = coordinator_client.post("/posts/new", data=_form(when="later", send_at=when))
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert post.status == "scheduled" and _outbox_count() == 0
    deliver_all()
    assert smtp_server.received == [], "not due yet"
    assert coordinator_client.get("/posts").get_data(as_text=True).count("Syyskuun uutiset") == 0
    post.scheduled_for = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert deliver_all().sent == 2
    db.session.expire_all()
    assert db.session.get(Post, post.id).status == "queued"
    assert "Syyskuun uutiset" in coordinator_client.get("/posts").get_data(as_text=True)


def test_scheduled_time_in_the_past_is_refused(coordinator_client):
    english(coordinator_client)
    when = utc_to_helsinki(utcnow() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = coordinator_client.post("/posts/new", data=_form(when="later", send_at=when))
    assert response.status_code == 422
    assert "in the future" in response.get_data(as_text=True)
    # A year that cannot even be converted to UTC is the same mistake, not a server error.
    response = coordinator_client.post("/posts/new", data=_form(when="later", send_at="0001-01-01T00:30"))
    assert response.status_code == 422
    assert "in the future" in response.get_data(as_text=True)


def test_cancel_a_scheduled_post_asks_first(coordinator_client, smtp_server):
    make_subscribers(1)
    when = utc_to_helsinki(utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    coordinator_client.post("/posts/new", data=_form(when="later", send_at=when))
    post = db.session.scalar(select(Post))
    assert coordinator_client.get(f"/posts/{post.id}/cancel").status_code == 200
    assert db.session.get(Post, post.id).status == "scheduled"
    assert coordinator_client.post(f"/posts/{post.id}/cancel").status_code == 302
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert post.status == "cancelled"
    post.scheduled_for = utcnow() - timedelta(minutes=1)
    db.session.commit()
    deliver_all()
    assert smtp_server.received == []


def test_archive_is_public_paginated_and_searchable(client):
    for n in range(23):
        make_post(subject=f"Uutiskirje {n}", body="Tavallinen teksti")
    make_post(subject="Demokratiapäivä Mänttä-Vilppulassa", body="Tervetuloa")
    first = client.get("/posts").get_data(as_text=True)
    assert "Demokratiapäivä Mänttä-Vilppulassa" in first
    assert 'rel="next"' in first
    second = client.get("/posts?page=2").get_data(as_text=True)
    assert "Uutiskirje 0" in second
    found = client.get("/posts?q=mantta").get_data(as_text=True)
    assert "Demokratiapäivä Mänttä-Vilppulassa" in found and "Uutiskirje" not in found
    assert "Uutiskirje" not in client.get("/posts?q=%25").get_data(as_text=True), "LIKE wildcards are escaped"
    post = db.session.scalar(select(Post).where(Post.subject_fi.like("Demokratia%")))
    assert client.get(f"/posts/{post.id}").status_code == 200
    assert client.get("/posts/99999").status_code == 404


def test_empty_archive(client):
    english(client)
    assert "Nothing has been posted yet." in client.get("/posts").get_data(as_text=True)


def test_coordinator_overview(coordinator_client):
    make_subscribers(4)
    make_post()
    page = coordinator_client.get("/mailing").get_data(as_text=True)
    assert "Tervehdys verkostolle" in page


def test_check_post_rules_as_plain_functions(app):
    import pytest

    with pytest.raises(post_rules.PostError) as error:
        post_rules.check_post(post_rules.PostInput(subject_fi="A", body_fi="x", body_sv="text"))
    assert error.value.field == "subject_sv"
    with pytest.raises(post_rules.PostError):
        post_rules.check_post(post_rules.PostInput(subject_fi="A", body_fi="x" * (post_rules.MAX_BODY + 1)))
