"""What record_change keeps: only values that differ after normalisation (issue 16, point 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from network.audit.trail import record_change, snapshot


class _Thing:
    def __init__(self, **values) -> None:
        self.__dict__.update(values)


def test_equal_values_in_other_notations_are_not_changes(app):
    deadline = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    helsinki = timezone(timedelta(hours=2))
    before = snapshot(_Thing(agenda="Kohta 1\r\nKohta 2", deadline=deadline, starts_at=deadline.replace(tzinfo=None),
                             note=""), ("agenda", "deadline", "starts_at", "note"))
    after = {"agenda": "Kohta 1\nKohta 2 ", "deadline": "2026-11-23T10:00:00+00:00",
             "starts_at": datetime(2026, 11, 23, 13, 0, tzinfo=helsinki), "note": None}
    entry = record_change(None, "meeting.update", "meeting", 1, before=before, after=after)
    # Only the real change is kept: 12:00 -> 13:00 Helsinki time is 10:00 -> 11:00 UTC.
    assert entry.before == {"starts_at": "2026-11-23T10:00:00"}
    assert entry.after == {"starts_at": "2026-11-23T11:00:00"}


def test_a_real_text_change_is_kept(app):
    entry = record_change(None, "meeting.update", "meeting", 1, before={"agenda": "A"}, after={"agenda": "B"})
    assert entry.before == {"agenda": "A"} and entry.after == {"agenda": "B"}
