"""Every rate-limited form (network/abuse.py), form by form (issue 15, after its first round):

- a submission refused for its input (a validation error, an address or field the rules refuse) uses up no limit:
  before, ten refused membership applications locked the client out for an hour;
- per target address, a shared address (an organisation's registry office address used by several people) is
  locked for minutes at most, never for hours, while a victim's inbox still gets only a handful of messages;
- past a limit the answer is 429 with Retry-After and a message in the user's language, and nothing is stored or
  sent;
- a form that takes an address answers exactly the same for an address with an account (or subscription) and one
  without: changing one's e-mail to a taken address no longer says "taken".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import count
from urllib.parse import urlsplit

import pytest
from limits import parse_many
from sqlalchemy import func, select

from network.abuse import LIMITED_VIEWS, MAIL_FORM, PASSWORD_ATTEMPTS, view_name
from network.auth.models import User, UserSession
from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import OutboxMessage
from network.mailing.models import Subscriber
from network.orgs.models import MembershipApplication
from network.timeutil import utcnow
from tests.auth.helpers import GOOD_PASSWORD, make_account, registration
from tests.conftest import choose_language, log_in
from tests.support.mail import text_body

from ..access import all_rules, setup_world

_numbers = count(1)
OFFICE = "kirjaamo@kunta.example.fi"


def _address() -> str:
    return f"person{next(_numbers)}@example.fi"


def _client_ip(n: int) -> dict:
    return {"REMOTE_ADDR": f"10.9.{n // 250}.{n % 250 + 1}"}


def _application(contact_email: str, **overrides) -> dict:
    n = next(_numbers)
    data = {
        "name_fi": f"Kylätoimikunta {n} ry", "name_sv": "", "kind": "civil_society", "region": "pohjois-savo",
        "municipality": "Kuopio", "business_id": "", "contact_name": "Elias Kinnunen",
        "contact_email": contact_email, "reason": "",
    }
    data.update(overrides)
    return data


@dataclass(frozen=True)
class Form:
    """A rate-limited form: its path, an accepted (counted) submission for an address, the submissions refused
    for their input, and its per-client limit in the default configuration."""

    name: str
    path: str
    limit: int
    login: bool = False

    def accepted(self, address: str) -> dict:
        if self.name == "register":
            return registration(email=address)
        if self.name == "subscribe":
            return {"email": address, "name": "Aino Virtanen", "language": "fi"}
        if self.name == "apply":
            return _application(address)
        if self.name == "change_email":
            return {"email": address, "password": GOOD_PASSWORD}
        if self.name == "login":  # a wrong password: a failed attempt, which counts
            return {"email": address, "password": "wrong-password-1"}
        return {"email": address}

    def refused_with(self, address: str) -> dict | None:
        """A submission with `address` that the form refuses for another field, where the form has one."""
        if self.name == "register":
            return registration(email=address, password="short", password_confirm="short")
        if self.name == "subscribe":
            return {"email": address, "name": "Aino\nVirtanen", "language": "fi"}
        if self.name == "apply":
            return _application(address, business_id="0201256-5")
        return None

    def refused(self) -> list[dict]:
        """Submissions refused for their input: by the form's validation and, where the form has them, by the
        rules after it."""
        if self.name == "register":
            return [registration(email=""), registration(email="not an address"),
                    registration(email=_address(), password="short", password_confirm="short")]
        if self.name == "subscribe":
            return [{"email": "", "language": "fi"}, {"email": "not an address", "language": "fi"}]
        if self.name == "apply":
            return [{}, _application(_address(), business_id="0201256-5"), _application("elias@@example")]
        if self.name == "change_email":
            return [{"email": "", "password": GOOD_PASSWORD}, {"email": "not an address", "password": GOOD_PASSWORD}]
        if self.name == "login":
            return [{"email": _address(), "password": ""}, {"email": "", "password": "wrong-password-1"}]
        return [{"email": ""}]


FORMS = [
    Form("register", "/register", 10),
    Form("subscribe", "/subscribe", 10),
    Form("reset", "/reset", 5),
    Form("resend", "/confirm", 5),
    Form("manage_link", "/subscriptions", 5),
    Form("apply", "/organisations/apply", 5),
    Form("change_email", "/profile/email", 5, login=True),
    Form("login", "/login", 9),
]
MAIL_FORMS = [form for form in FORMS if form.name != "login"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _state() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(_count(model) for model in (OutboxMessage, User, UserSession, Subscriber, MembershipApplication))


def _client(app, form: Form, lang: str = "fi"):
    client = app.test_client()
    choose_language(client, lang)
    if form.login:
        log_in(client, make_account(_address(), name="Aino Virtanen"))
    return client


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_refused_submissions_use_up_no_limit(app, form):
    client = _client(app, form)
    refused = form.refused()
    for n in range(3 * form.limit):
        response = client.post(form.path, data=refused[n % len(refused)])
        assert response.status_code in (200, 401, 422), (n, response.status_code)
    # The whole limit is still there for submissions the form accepts.
    for n in range(form.limit):
        response = client.post(form.path, data=form.accepted(_address()))
        assert response.status_code in (200, 302, 401), (n, response.status_code)
    response = client.post(form.path, data=form.accepted(_address()))
    assert response.status_code == 429
    # Another client is not held back.
    other = _client(app, form)
    assert other.post(form.path, data=form.accepted(_address()), environ_base=_client_ip(7)).status_code != 429


def _fill_client_limit(client, form: Form) -> None:
    for _ in range(form.limit):
        assert client.post(form.path, data=form.accepted(_address())).status_code != 429


MESSAGES = {
    "fi": ("Liian monta yritystä", "Mitään ei lähetetty eikä tallennettu. Yritä uudelleen"),
    "sv": ("För många försök", "Ingenting skickades eller sparades. Försök igen om"),
    "en": ("Too many attempts", "Nothing was sent or saved. Try again in"),
}


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_limited_answer_is_429_with_retry_after_in_the_users_language_and_changes_nothing(app, form, lang):
    client = _client(app, form, lang)
    _fill_client_limit(client, form)
    before = _state()
    response = client.post(form.path, data=form.accepted(_address()))
    assert response.status_code == 429
    window = 60 if form.name == "login" else 600
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= window
    html = response.get_data(as_text=True)
    title, sentence = MESSAGES[lang]
    assert f'<html lang="{lang}">' in html and f"<h1>{title}</h1>" in html
    shown = re.search(rf"{re.escape(sentence)} (\d+)\b", html)
    assert shown, html
    assert int(shown.group(1)) in (-(-wait // 60), -(-(wait + 1) // 60))  # the minutes of Retry-After, rounded up
    assert _state() == before


@pytest.mark.parametrize("form", MAIL_FORMS, ids=lambda f: f.name)
def test_a_shared_address_is_held_for_minutes_and_a_victim_gets_a_handful(app, form):
    """Five people (five clients) may use one address within ten minutes whichever form they use; the sixth
    waits at most ten minutes (not an hour or a day); refused submissions with that address do not count."""
    clients = [_client(app, form) for _ in range(6)]
    refused = form.refused_with(OFFICE)
    for n in range(10 if refused else 0):  # the office address with a detail the form refuses: nothing counts
        assert clients[0].post(form.path, data=refused, environ_base=_client_ip(100 + n)).status_code == 422
    statuses = [clients[n].post(form.path, data=form.accepted(OFFICE), environ_base=_client_ip(n)).status_code
                for n in range(6)]
    assert 429 not in statuses[:5], statuses
    assert statuses[5] == 429
    retry = int(clients[5].post(form.path, data=form.accepted(OFFICE),
                                environ_base=_client_ip(5)).headers["Retry-After"])
    assert 0 < retry <= 600
    db.session.expire_all()
    assert _count(OutboxMessage) == 0 or db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == OFFICE)) <= 5


def test_the_configured_numbers_hold_shared_addresses_briefly_and_cap_a_victims_day(app):
    """The numbers docs/security.md explains: no limit of a mail form locks for longer than ten minutes before its
    daily cap, and one address gets at most 20 requested messages a day."""
    for name in ("MAIL_TARGET_RATE_LIMIT", "REGISTER_RATE_LIMIT", "SUBSCRIBE_RATE_LIMIT", "MAIL_LINK_RATE_LIMIT",
                 "ORG_APPLICATION_RATE_LIMIT"):
        limits = sorted(parse_many(app.config[name]), key=lambda item: item.get_expiry())
        assert limits[0].get_expiry() <= 600, name
        assert limits[0].amount >= 5, name
        assert limits[-1].get_expiry() == 24 * 3600, name
    target = {item.get_expiry(): item.amount for item in parse_many(app.config["MAIL_TARGET_RATE_LIMIT"])}
    assert target[24 * 3600] <= 20


# --- the same answer whether or not an address is known ---------------------------------------------------------


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', 'name="csrf_token"', html)


def _answer(client, path: str, data: dict, address: str, member: str = "") -> tuple:
    """(status, Location, the page shown, with the typed address, the member's own address and the CSRF token
    blanked out)."""
    response = client.post(path, data=data)
    shown = response.get_data(as_text=True)
    location = response.headers.get("Location")
    if response.status_code == 302:
        shown = client.get(location).get_data(as_text=True)
    shown = shown.replace(address, "ADDRESS")
    if member:
        shown = shown.replace(member, "MEMBER")
    return response.status_code, location, _without_tokens(shown).splitlines()


def test_changing_to_a_taken_address_answers_as_for_a_free_one(app, smtp_server):
    holder = make_account("varattu@example.fi", name="Varpu Varattu", language="sv")
    answers, members = [], []
    for address in ("varattu@example.fi", "vapaa@example.fi"):
        member = make_account(_address(), name="Aino Virtanen")
        members.append((member.id, member.email))
        client = app.test_client()
        choose_language(client, "fi")
        log_in(client, member)
        answers.append(_answer(client, "/profile/email", {"email": address.upper(), "password": GOOD_PASSWORD},
                               address, member.email))
    assert answers[0][0] == 302
    assert answers[0] == answers[1]
    page = "\n".join(answers[0][2])
    assert "Lähetimme linkin osoitteeseen ADDRESS" in page
    assert "on jo tili" not in page
    # Nobody's address changed; the free address got its link, the holder a notice that changes nothing.
    db.session.expire_all()
    assert [db.session.get(User, uid).email for uid, _email in members] == [email for _uid, email in members]
    assert db.session.get(User, holder.id).email == "varattu@example.fi"
    report = deliver_all()
    assert not report.errors, report.errors
    assert any("/profile/email/" in text_body(m) for m in smtp_server.messages_to("vapaa@example.fi"))
    (notice,) = smtp_server.messages_to("varattu@example.fi")
    body = text_body(notice)
    assert "/profile/email/" not in body and "/login" in body and "/reset" in body
    assert "Aino" not in body and "person" not in body  # nothing about the requester
    assert "någon försökte byta" in body  # in the holder's language


def test_a_refused_change_says_the_same_for_a_taken_and_a_free_address(app):
    """A wrong password is refused alike, whatever the new address."""
    make_account("varattu@example.fi")
    answers = []
    for address in ("varattu@example.fi", "vapaa@example.fi"):
        client = app.test_client()
        choose_language(client, "fi")
        member = make_account(_address())
        log_in(client, member)
        answers.append(_answer(client, "/profile/email", {"email": address, "password": "wrong password!"},
                               address, member.email))
    assert answers[0][0] == 422
    assert answers[0] == answers[1]
    assert _count(OutboxMessage) == 0


def _subscriber(address: str) -> None:
    db.session.add(Subscriber(email=address, name="Sanna Tilaaja", confirmed_at=utcnow()))
    db.session.commit()


@pytest.mark.parametrize(
    ("path", "data", "make_known"),
    [
        ("/subscriptions", lambda address: {"email": address}, _subscriber),
        ("/subscribe", lambda address: {"email": address, "name": "", "language": "fi"}, _subscriber),
        ("/organisations/apply", _application, lambda address: make_account(address)),
        ("/reset", lambda address: {"email": address}, lambda address: make_account(address, confirmed=False)),
    ],
    ids=["manage_link", "subscribe", "apply", "reset_unconfirmed"],
)
def test_other_address_forms_answer_alike_for_known_and_unknown(app, path, data, make_known):
    known, unknown = "tunnettu@example.fi", "tuntematon@example.fi"
    make_known(known)
    answers = []
    for address in (known, unknown):
        client = app.test_client()
        choose_language(client, "fi")
        answers.append(_answer(client, path, data(address), address))
    assert answers[0][0] in (200, 302)
    assert answers[0] == answers[1]


# --- every form that takes an address is limited (issue 15, a review of every POST route) -------------------------


class _AddressForms(HTMLParser):
    """The actions of a page's POST forms that have an e-mail field (type="email" or a name with "email")."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: set[str] = set()
        self._action: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._action = a.get("action", "")
        elif tag == "input" and self._action is not None and (
                a.get("type") == "email" or "email" in a.get("name", "")):
            self.actions.add(self._action)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None


def _address_form_endpoints(app, client, world) -> dict[str, str]:
    """endpoint -> the page it was found on, for every POST form with an address field on the access table's
    pages (as `client` sees them)."""
    adapter = app.url_map.bind("localhost")
    found = {}
    for rule in all_rules():
        if rule.method != "GET":
            continue
        url = rule.url_for(world)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _AddressForms()
        parser.feed(response.get_data(as_text=True))
        for action in parser.actions:
            path = urlsplit(action).path or urlsplit(url).path
            endpoint, _args = adapter.match(path, method="POST")
            found.setdefault(endpoint, url)
    return found


def test_every_form_that_takes_an_address_is_limited(app):
    """Walks every page of the access table as a visitor and as a member: each POST form with an e-mail field
    posts to a view limited per client and per target address (network/abuse.py), or, for the login, per client
    on failed attempts. A new form that mails a typed address without a limit fails here."""
    world = setup_world()
    member = make_account("walker@example.fi", name="Walker")
    visitor, logged_in = app.test_client(), app.test_client()
    log_in(logged_in, member)
    found = {}
    for client in (visitor, logged_in):
        found.update(_address_form_endpoints(app, client, world))
    # Not vacuous: the forms this file tests form by form are found on the pages.
    assert {"auth.register", "auth.request_reset", "auth.resend_confirmation", "auth.login", "auth.change_email",
            "mailing.subscribe", "mailing.manage_link", "orgs.apply"} <= set(found), found
    unlimited = {endpoint: page for endpoint, page in found.items()
                 if view_name(app.view_functions[endpoint]) not in LIMITED_VIEWS}
    assert not unlimited, unlimited
    assert LIMITED_VIEWS[view_name(app.view_functions["auth.login"])] == PASSWORD_ATTEMPTS
    mail_forms = {endpoint for endpoint in found if endpoint != "auth.login"}
    assert {LIMITED_VIEWS[view_name(app.view_functions[endpoint])] for endpoint in mail_forms} == {MAIL_FORM}


def test_the_application_receipt_carries_no_chosen_text(client, smtp_server):
    """The membership application mails its receipt to a typed, unconfirmed address: no name the applicant chose
    goes into it (before, "Hello <contact name>, ... the application of <organisation>" could carry a link)."""
    evil = "Voitit! evil.example klikkaa"
    data = _application("victim.person@example.fi", name_fi=f"{evil} ry", contact_name=evil, reason=evil)
    assert client.post("/organisations/apply", data=data).status_code == 302
    report = deliver_all()
    assert not report.errors, report.errors
    (receipt,) = smtp_server.messages_to("victim.person@example.fi")
    text = str(receipt["Subject"]) + "\n" + text_body(receipt)
    assert "evil.example" not in text and "Voitit" not in text and "klikkaa" not in text
