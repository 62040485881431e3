"""The personal calendar feed (issue 12): a secret address per member, shown on /me with renew and turn off, listing
the meetings the member holds a place in and their working groups' meetings; a renewed or turned-off address is
404; the feed passes the cross-parser check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from network.calendar import personal
from network.calendar.models import CalendarFeed
from network.groups import membership
from network.groups.models import GroupMembership
from network.meetings import registration as rules
from network.meetings.models import WORKING_GROUP
from network.privacy import anonymise_personal_data, export_personal_data
from network.rules import RuleError
from network.timeutil import as_utc

from ..conftest import create_user, csrf_token_in, log_in
from ..factories import make_meeting
from ..groups.conftest import make_group
from ..support.icalcheck import assert_parsers_agree, helsinki, require_icaljs


def _uids(body: bytes) -> set[str]:
    return {str(event["UID"]) for event in Calendar.from_ical(body).walk("VEVENT")}


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# --- the rules ------------------------------------------------------------------------------------------------


def test_an_address_is_stable_until_renewed_and_gone_when_turned_off(app, db):
    person = create_user("aino@example.fi", "Aino")
    feed = personal.create_feed(person)
    db.session.commit()
    token = personal.feed_token(feed)
    assert personal.create_feed(person) is feed and personal.feed_token(feed) == token
    assert personal.feed_for_token(token) is feed
    # The table alone does not give the address away: the secret is not in it.
    assert feed.secret not in token
    assert personal.feed_for_token(token.split(".")[0] + ".forged") is None
    assert personal.feed_for_token("not-a-token") is None

    personal.renew_feed(person)
    db.session.commit()
    assert personal.feed_for_token(token) is None
    renewed = personal.feed_token(feed)
    assert renewed != token and personal.feed_for_token(renewed) is feed

    personal.revoke_feed(person)
    db.session.commit()
    assert personal.feed_for_token(renewed) is None and personal.feed_of(person) is None


def test_renewing_or_turning_off_without_an_address_is_refused(app):
    person = create_user("aino@example.fi", "Aino")
    for rule in (personal.renew_feed, personal.revoke_feed):
        with pytest.raises(RuleError):
            rule(person)


def test_the_data_export_tells_of_the_feed_and_deleting_the_account_removes_it(app, db):
    person = create_user("aino@example.fi", "Aino")
    assert export_personal_data(person)["calendar"] == {"personal_feed": None}
    feed = personal.create_feed(person)
    db.session.commit()
    exported = export_personal_data(person)["calendar"]["personal_feed"]
    assert exported["created_at"] and feed.secret not in str(exported)
    anonymise_personal_data(person)
    db.session.commit()
    assert db.session.query(CalendarFeed).count() == 0


# --- what the feed holds ----------------------------------------------------------------------------------------


@pytest.fixture
def icaljs():
    require_icaljs()


def test_the_feed_holds_places_and_group_meetings_once_each_and_passes_the_cross_parser_check(app, db, client,
                                                                                                icaljs):
    person = create_user("aino@example.fi", "Aino", language="sv")
    other = create_user("olli@example.fi", "Olli")
    registered = make_meeting(title_fi="Kevät", starts_at=helsinki(2030, 3, 28, 12), ends_at=helsinki(2030, 3, 28, 16))
    waiting = make_meeting(title_fi="Syksy", capacity=1, starts_at=helsinki(2030, 10, 26, 9),
                           ends_at=helsinki(2030, 10, 26, 12))
    given_up = make_meeting(title_fi="Peruttu paikka")
    theirs = make_meeting(title_fi="Ei minun")
    group, other_group = make_group(), make_group(name_fi="Toinen")
    db.session.add(GroupMembership(group_id=group.id, user_id=person.id))
    db.session.commit()
    group_meeting = make_meeting(kind=WORKING_GROUP, group_id=group.id, title_fi="Ryhmä", mode="online",
                                 starts_at=helsinki(2031, 7, 1, 9), ends_at=helsinki(2031, 7, 1, 11))
    other_group_meeting = make_meeting(kind=WORKING_GROUP, group_id=other_group.id, title_fi="Toinen ryhmä")

    rules.register(registered, email=person.email, name="Aino", mode="in_person", user=person)
    rules.register(waiting, email=other.email, name="Olli", mode="in_person", user=other)
    assert rules.register(waiting, email=person.email, name="Aino", mode="in_person", user=person).is_waitlisted
    rules.cancel_registration(rules.register(given_up, email=person.email, name="Aino", mode="in_person",
                                             user=person))
    rules.register(theirs, email=other.email, name="Olli", mode="in_person", user=other)
    # A place in one's group's meeting too: listed once.
    rules.register(group_meeting, email=person.email, name="Aino", mode="remote", user=person)
    feed = personal.create_feed(person)
    db.session.commit()

    response = client.get(_path(personal.feed_url(feed)))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["Cache-Control"].startswith("private")
    assert "noindex" in response.headers["X-Robots-Tag"]
    mine = [registered, waiting, group_meeting]
    assert _uids(response.data) == {m.uid for m in mine}
    assert len(Calendar.from_ical(response.data).walk("VEVENT")) == 3
    calendar = Calendar.from_ical(response.data)
    # The person's own feed is in their language (Swedish here), not the shared Finnish-Swedish name.
    assert str(calendar["X-WR-CALNAME"]) == "Nätverket för kommunal demokrati: Mina möten"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    # A place on the waiting list is not shown as a confirmed one (a fresh tester found it CONFIRMED and busy).
    assert str(events[waiting.uid]["STATUS"]) == "TENTATIVE" and str(events[waiting.uid]["TRANSP"]) == "TRANSPARENT"
    assert str(events[waiting.uid]["SUMMARY"]) == "På reservlistan: Syksy"
    assert "du står på reservlistan" in str(events[waiting.uid]["DESCRIPTION"])
    assert str(events[registered.uid]["STATUS"]) == "CONFIRMED" and str(events[registered.uid]["TRANSP"]) == "OPAQUE"
    assert str(events[registered.uid]["SUMMARY"]) == "Kevät"
    assert "reservlistan" not in str(events[registered.uid]["DESCRIPTION"])
    instants = assert_parsers_agree(response.data, {m.uid: (as_utc(m.starts_at), as_utc(m.ends_at)) for m in mine})
    assert instants[registered.uid][0] == datetime(2030, 3, 28, 10, tzinfo=UTC)
    assert other_group_meeting.uid not in instants and theirs.uid not in instants and given_up.uid not in instants


@pytest.mark.parametrize("language, name, waiting_title, when", [
    # Meetings have Finnish and Swedish titles: English readers get the Finnish one, as on the pages.
    ("en", "Municipal Democracy Network: My meetings", "On the waiting list: Syystapaaminen", "Sat, 26 Oct 2030"),
    ("fi", "Kuntademokratiaverkosto: Omat tapaamiseni", "Varasijalla: Syystapaaminen", "la 26.10.2030"),
])
def test_the_feed_speaks_the_members_language_and_marks_the_waiting_list(app, db, client, language, name,
                                                                         waiting_title, when):
    person = create_user("reader@example.fi", "Reader", language=language)
    other = create_user("olli@example.fi", "Olli")
    waiting = make_meeting(title_fi="Syystapaaminen", title_sv="Höstmöte", capacity=1,
                           starts_at=helsinki(2030, 10, 26, 9), ends_at=helsinki(2030, 10, 26, 12))
    rules.register(waiting, email=other.email, name="Olli", mode="in_person", user=other)
    rules.register(waiting, email=person.email, name="Reader", mode="in_person", user=person)
    feed = personal.create_feed(person)
    db.session.commit()
    calendar = Calendar.from_ical(client.get(_path(personal.feed_url(feed))).data)
    assert str(calendar["X-WR-CALNAME"]) == name
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == waiting_title
    assert str(event["DESCRIPTION"]).splitlines()[2].startswith(when)
    assert str(event["STATUS"]) == "TENTATIVE"


def test_a_renewed_or_turned_off_address_is_404(app, db, client):
    person = create_user("aino@example.fi", "Aino")
    feed = personal.create_feed(person)
    db.session.commit()
    old = _path(personal.feed_url(feed))
    personal.renew_feed(person)
    db.session.commit()
    assert client.get(old).status_code == 404
    new = _path(personal.feed_url(feed))
    assert client.get(new).status_code == 200
    personal.revoke_feed(person)
    db.session.commit()
    assert client.get(new).status_code == 404


# --- the member's own page ----------------------------------------------------------------------------------------


def test_my_page_makes_shows_renews_and_turns_off_the_address_with_csrf_and_confirmation(csrf_app, db):
    person = create_user("aino@example.fi", "Aino")
    client = csrf_app.test_client()
    log_in(client, person)
    page = client.get("/me").get_data(as_text=True)
    assert "Luo oma kalenteriosoitteeni" in page
    # Without the CSRF token nothing happens.
    assert client.post("/me/calendar").status_code == 400
    assert personal.feed_of(person) is None
    client.post("/me/calendar", data={"csrf_token": csrf_token_in(page)})
    feed = personal.feed_of(person)
    assert feed is not None
    url = personal.feed_url(feed)
    page = client.get("/me").get_data(as_text=True)
    # Explained like the network's feed: an address to copy, the webcal link, Google, Outlook and Apple.
    assert f'id="personal-feed-url" type="url" readonly value="{url}"' in page
    assert '<label for="personal-feed-url">' in page
    assert f'href="webcal://{url.split("://", 1)[1]}"' in page
    for client_name in ("Google Kalenteri", "Outlook", "Apple Kalenteri"):
        assert client_name in page

    # Renewing asks first; the confirmation page's POST renews.
    confirm = client.get("/me/calendar/renew")
    assert confirm.status_code == 200 and "Uusitaanko kalenteriosoitteesi?" in confirm.get_data(as_text=True)
    assert personal.feed_url(feed) == url
    client.post("/me/calendar/renew", data={"csrf_token": csrf_token_in(confirm.get_data(as_text=True))})
    db.session.refresh(feed)
    assert personal.feed_url(feed) != url
    assert client.get(_path(url)).status_code == 404

    confirm = client.get("/me/calendar/revoke").get_data(as_text=True)
    assert client.post("/me/calendar/revoke").status_code == 400  # no CSRF token
    assert personal.feed_of(person) is not None
    client.post("/me/calendar/revoke", data={"csrf_token": csrf_token_in(confirm)})
    assert personal.feed_of(person) is None
    assert "Luo oma kalenteriosoitteeni" in client.get("/me").get_data(as_text=True)


# --- the network's and a group's feed are explained the same way ------------------------------------------------


def test_the_network_and_group_feeds_are_explained_with_an_address_to_copy(app, client):
    """Failed before: the network's feed was only a webcal:// button."""
    page = client.get("/meetings").get_data(as_text=True)
    assert 'id="network-feed-url" type="url" readonly value="http://localhost/calendar.ics"' in page
    assert '<label for="network-feed-url">' in page and 'href="webcal://localhost/calendar.ics"' in page
    for line in ("Google Kalenteri: Muut kalenterit", "Outlook: Lisää kalenteri", "Apple Kalenteri: Arkisto"):
        assert line in page
    group = make_group()
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    feed = f"http://localhost/groups/{group.id}/calendar.ics"
    assert f'id="group-feed-url" type="url" readonly value="{feed}"' in page
    assert f'href="webcal://localhost/groups/{group.id}/calendar.ics"' in page
    assert "Outlook: Lisää kalenteri" in page


def test_a_feed_without_meetings_is_an_empty_calendar_and_a_changed_signature_404(app, db, client):
    person = create_user("aino@example.fi", "Aino")
    feed = personal.create_feed(person)
    db.session.commit()
    path = _path(personal.feed_url(feed))
    response = client.get(path)
    assert response.status_code == 200 and _uids(response.data) == set()
    assert client.get(path.replace(".ics", "A.ics")).status_code == 404


def test_joining_a_group_adds_its_meetings_to_the_feed_and_leaving_takes_them_away(app, db, client):
    person = create_user("aino@example.fi", "Aino")
    group = make_group()
    meeting = make_meeting(kind=WORKING_GROUP, group_id=group.id, title_fi="Ryhmä", mode="online")
    feed = personal.create_feed(person)
    db.session.commit()
    path = _path(personal.feed_url(feed))
    assert _uids(client.get(path).data) == set()
    membership.join(group, person)
    db.session.commit()
    assert _uids(client.get(path).data) == {meeting.uid}
    joined = client.get(path)
    assert client.get(path, headers={"If-None-Match": joined.headers["ETag"]}).status_code == 304
    membership.leave(group, person)
    db.session.commit()
    # No meeting changed, yet the feed did: neither its ETag nor a date may answer 304.
    assert "Last-Modified" not in joined.headers
    left = client.get(path, headers={"If-None-Match": joined.headers["ETag"]})
    assert left.status_code == 200 and _uids(left.data) == set()
    assert client.get(path, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}).status_code == 200
