"""Create forms are idempotent (a new user created duplicates with a double submit): every create form carries a
one-time token (network.web.OnceMixin) and runs its rule through network.web.attempt_once, so the same form sent
twice, one after the other or from two threads at the same instant, creates one row and answers both with it.
Runs on SQLite and PostgreSQL (scripts/test.sh) with the real database."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from network.auth.models import User
from network.extensions import db
from network.groups.models import WorkingGroup
from network.mailing import lists
from network.mailing.models import Post
from network.meetings.models import Meeting
from network.orgs.models import MembershipApplication, Organisation
from network.surveys.models import Survey
from network.timeutil import helsinki_today, utc_to_helsinki, utcnow

from ..conftest import create_user, log_in
from ..factories import make_org


def _meeting():
    start = utc_to_helsinki(utcnow() + timedelta(days=40)).replace(second=0, microsecond=0)
    return {"kind": "network", "title_fi": "Tuplatapaaminen", "mode": "in_person", "venue": "Kuntatalo",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "host_organisation_id": "0",
            "region": ""}


def _proposal():
    today = helsinki_today()
    return {"name_fi": "Tuplaryhmä", "theme_fi": "Teema", "mandate_fi": "Toimeksianto", "steering": "Koordinaattorit",
            "signup_deadline": (today + timedelta(days=14)).isoformat(),
            "term_end": (today + timedelta(days=120)).isoformat(), "max_size": "12", "approving_meeting": "Syksy"}


def _organisation():
    return {"name_fi": "Tuplakunta", "kind": "municipality", "region": "kainuu", "municipality": "Kajaani"}


def _application():
    return {"name_fi": "Tuplayhdistys ry", "kind": "civil_society", "region": "uusimaa", "contact_name": "Hakija",
            "contact_email": "hakija@example.fi", "reason": "Haluamme mukaan."}


def _post():
    return {"mailing_list": str(lists.main_list().id), "subject_fi": "Tuplaviesti", "body_fi": "Teksti",
            "subject_sv": "", "body_sv": "", "when": "now", "submit": "Send", "confirm": "Confirm and send"}


FORMS = {
    "meeting": ("/admin/meetings/new", _meeting, Meeting, "coordinator"),
    "group proposal": ("/groups/propose", _proposal, WorkingGroup, "member"),
    "organisation": ("/admin/organisations/new", _organisation, Organisation, "coordinator"),
    "application": ("/organisations/apply", _application, MembershipApplication, "visitor"),
    "survey": ("/admin/surveys", lambda: {"year": str(helsinki_today().year + 1), "source": "template"}, Survey,
               "coordinator"),
    "post": ("/posts/new", _post, Post, "coordinator"),
}


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id))) or 0


def _person(email: str, role: str) -> User:
    person = db.session.scalar(select(User).where(User.email == email))
    if person is None:
        org = db.session.scalar(select(Organisation).where(Organisation.name_fi == "Tuplaorganisaatio")) \
            or make_org("Tuplaorganisaatio", region="uusimaa")
        person = create_user(email, "Tupla Henkilö", role=role, organisation_id=org.id)
    return person


def _client(app, who: str):
    client = app.test_client()
    if who != "visitor":
        log_in(client, _person(f"{who}@tupla.example.fi", who))
    return client


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="form_once" type="hidden" value="([^"]+)"|type="hidden" name="form_once" value="([^"]+)"'
                      r'|name="form_once" value="([^"]+)"', page)
    assert match, f"{path} has no one-time token"
    return next(g for g in match.groups() if g)


@pytest.mark.parametrize("kind", list(FORMS))
def test_the_same_form_sent_twice_creates_one_row_and_shows_it(app, kind):
    path, data, model, who = FORMS[kind]
    client = _client(app, who)
    form = {**data(), "form_once": _token(client, path)}
    before = _count(model)
    first = client.post(path, data=form)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    second = client.post(path, data=form)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"], "the second submit shows the first result"
    assert _count(model) == before + 1
    # A new filling of the form (a new token) creates again where the rules allow it.
    if kind in ("meeting", "group proposal"):
        assert client.post(path, data={**data(), "form_once": _token(client, path)}).status_code == 302
        assert _count(model) == before + 2


@pytest.mark.parametrize("kind", ["meeting", "group proposal", "organisation", "post"])
def test_two_identical_submits_at_the_same_instant_create_one_row(app, kind):
    path, data, model, who = FORMS[kind]
    clients = [_client(app, who), _client(app, who)]
    form = {**data(), "form_once": _token(clients[0], path)}
    db.session.commit()
    before = _count(model)
    barrier = threading.Barrier(2)
    answers: list = []

    def send(client) -> None:
        barrier.wait(timeout=10)
        answers.append(client.post(path, data=form))

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _count(model) == before + 1
