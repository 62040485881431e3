"""The cross-parser check: a calendar text is read by ical.js (Thunderbird, Nextcloud), vobject and icalendar, each
using the text's own VTIMEZONE, and every event must come out at the same UTC instants in all of them.

ical.js runs in node from tests/support/icaljs (installed by scripts/test.sh with `npm ci`); when node or the
package is missing the test fails under CI=true and is skipped elsewhere (`missing_component`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import vobject
from icalendar import Calendar

from network.timeutil import HELSINKI

from ..conftest import missing_component

ICALJS_DIR = Path(__file__).resolve().parent / "icaljs"

Instants = dict[str, tuple[datetime, datetime | None]]


def icaljs_available() -> str | None:
    """None when ical.js can run, else why not."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs)"
    if not (ICALJS_DIR / "node_modules" / "ical.js").is_dir():
        return f"ical.js is not installed (npm ci --prefix {ICALJS_DIR})"
    return None


def require_icaljs() -> None:
    """Fail (CI) or skip (elsewhere) the calling test when ical.js cannot run."""
    reason = icaljs_available()
    if reason:
        missing_component(reason)


def helsinki(*args: int) -> datetime:
    """The UTC instant of a Helsinki wall-clock time, e.g. `helsinki(2026, 5, 13, 12)` is 09:00 UTC."""
    return datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


def _utc(value: datetime) -> datetime:
    assert value.tzinfo is not None, f"floating time {value!r}: a calendar client would guess its zone"
    return value.astimezone(UTC)


def read_with_icaljs(text: bytes) -> Instants:
    """UID -> (start, end) in UTC as ical.js reads the text."""
    result = subprocess.run(
        ["node", str(ICALJS_DIR / "read.mjs")], input=text, capture_output=True, check=True, timeout=60
    )
    return {
        e["uid"]: (
            datetime.fromisoformat(e["start"].replace("Z", "+00:00")),
            datetime.fromisoformat(e["end"].replace("Z", "+00:00")) if e["end"] else None,
        )
        for e in json.loads(result.stdout)
    }


def read_with_vobject(text: bytes) -> Instants:
    """UID -> (start, end) in UTC as vobject reads the text (it builds its time zones from the VTIMEZONE)."""
    calendar = vobject.readOne(text.decode("utf-8"))
    events = {}
    for event in calendar.vevent_list if hasattr(calendar, "vevent_list") else []:
        end = event.dtend.value if hasattr(event, "dtend") else None
        events[event.uid.value] = (_utc(event.dtstart.value), _utc(end) if end else None)
    return events


def read_with_icalendar(text: bytes) -> Instants:
    """UID -> (start, end) in UTC as icalendar reads the text, with its TZIDs resolved from the text's own
    VTIMEZONE (converted to a tzinfo by icalendar), not from the system's tz database."""
    calendar = Calendar.from_ical(text)
    zones = {str(tz["TZID"]): tz.to_tz() for tz in calendar.walk("VTIMEZONE")}
    events = {}
    for event in calendar.walk("VEVENT"):
        def instant(name: str, event=event) -> datetime | None:
            if name not in event:
                return None
            prop = event[name]
            value = prop.dt
            tzid = prop.params.get("TZID")
            if tzid:
                value = value.replace(tzinfo=None).replace(tzinfo=zones[str(tzid)])
            return _utc(value)

        events[str(event["UID"])] = (instant("DTSTART"), instant("DTEND"))
    return events


def assert_parsers_agree(text: bytes, expected: Instants | None = None) -> Instants:
    """Read `text` with the three parsers; assert they give the same UTC instants for every event (and equal
    `expected`, UID -> (start, end) in UTC, when given). Returns the agreed instants."""
    by_icalendar = read_with_icalendar(text)
    by_vobject = read_with_vobject(text)
    by_icaljs = read_with_icaljs(text)
    assert by_icalendar, "no events in the calendar"
    for uid, instants in by_icalendar.items():
        assert by_vobject.get(uid) == instants, f"vobject reads {uid} as {by_vobject.get(uid)}, icalendar {instants}"
        assert by_icaljs.get(uid) == instants, f"ical.js reads {uid} as {by_icaljs.get(uid)}, icalendar {instants}"
    assert set(by_vobject) == set(by_icaljs) == set(by_icalendar)
    if expected is not None:
        for uid, instants in expected.items():
            assert by_icalendar[uid] == instants, f"{uid}: read {by_icalendar[uid]}, stored {instants}"
    return by_icalendar
