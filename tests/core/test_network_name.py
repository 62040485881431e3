"""One Swedish name of the network, from one place (a new user found three in mail): network.i18n.NETWORK_NAMES,
used by pages, mail signatures, the calendar's ORGANIZER and the feed's name; the catalogs' and the code's
Swedish sentences name the network with the same words."""

from __future__ import annotations

import re
from pathlib import Path

from icalendar import Calendar

from network.i18n import BILINGUAL_NETWORK_NAME, NETWORK_NAMES
from network.mail.templates import render_mail
from network.mailing import lists
from network.surveys.template import DEFAULT_TITLE
from tests.conftest import choose_language

from ..factories import make_meeting

ROOT = Path(__file__).resolve().parents[2]
# Any Swedish way of naming the network: "...demokratinätverk...", "Kommundemokratinätverk...", or a phrase
# around "kommunal demokrati" (which must then be the network's name as written in NETWORK_NAMES).
OTHER_NAMES = re.compile(r"\w*demokratinätverk\w*", re.IGNORECASE)
PHRASE = re.compile(r"\w+ för kommunal(?:a)? demokrati\w*", re.IGNORECASE)


def _texts():
    for po in sorted(ROOT.glob("network/*/translations/sv/LC_MESSAGES/messages.po")):
        yield po, "\n".join(line for line in po.read_text(encoding="utf-8").splitlines()
                            if line.startswith(("msgstr", '"')))
    for pattern in ("network/**/*.py", "templates/**/*.html", "templates/**/*.txt", "docs/*.md"):
        for path in sorted(ROOT.glob(pattern)):
            yield path, path.read_text(encoding="utf-8")


def test_every_swedish_text_names_the_network_one_way():
    name = NETWORK_NAMES["sv"]
    problems = []
    for path, text in _texts():
        problems += [f"{path.relative_to(ROOT)}: {m}" for m in OTHER_NAMES.findall(text)]
        problems += [f"{path.relative_to(ROOT)}: {m}" for m in PHRASE.findall(text.replace("\"\n\"", ""))
                     if m != name]
    assert problems == []


def test_pages_mail_calendar_and_feed_use_the_one_name(app, client):
    meeting = make_meeting(title_fi="Kevättapaaminen", title_sv="Vårmöte")
    choose_language(client, "sv")
    page = client.get("/meetings").get_data(as_text=True)
    assert re.search(r"<title>[^<]*– " + NETWORK_NAMES["sv"] + "</title>", page)
    mail = render_mail("meetings/emails/promoted", "sv", meeting=meeting, name="Erik", title="Vårmöte",
                       url="https://example.fi")
    assert mail.text.rstrip().endswith(NETWORK_NAMES["sv"])
    assert render_mail("meetings/emails/promoted", "fi", meeting=meeting, name="Eeva", title="K",
                       url="https://example.fi").text.rstrip().endswith(NETWORK_NAMES["fi"])
    feed = Calendar.from_ical(client.get("/calendar.ics").data)
    organizers = [c.get("ORGANIZER") for c in feed.walk("VEVENT")]
    assert organizers and all(o.params["CN"] == BILINGUAL_NETWORK_NAME for o in organizers)
    assert str(feed.get("X-WR-CALNAME")) == BILINGUAL_NETWORK_NAME
    assert NETWORK_NAMES["sv"] in str(feed.get("X-WR-CALDESC"))
    assert NETWORK_NAMES["sv"] in lists.main_list().name_sv and NETWORK_NAMES["sv"] in DEFAULT_TITLE[1]
