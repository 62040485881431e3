"""Time helpers: everything is stored in UTC and shown in Europe/Helsinki."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


# The years the application keeps meetings, surveys and groups for: forms, URLs and commands refuse others (a year
# outside 1-9999 cannot even be a Python date).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware UTC datetime; a naive value (as SQLite returns) is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def helsinki_to_utc(local: datetime) -> datetime:
    """A wall-clock time in Helsinki (naive) to UTC."""
    return local.replace(tzinfo=HELSINKI).astimezone(UTC)


def utc_to_helsinki(value: datetime) -> datetime:
    """A UTC datetime (naive values taken as UTC) in Helsinki time."""
    return as_utc(value).astimezone(HELSINKI)


def helsinki_today() -> date:
    """Today's date in Finland (the server may run in UTC: between 00:00 and 02:00/03:00 they differ)."""
    return datetime.now(HELSINKI).date()


def helsinki_year_bounds(year: int) -> tuple[datetime, datetime]:
    """The calendar year `year` in Finland as a half-open UTC interval [start, end), for SQL filters:
    `column >= start AND column < end` (2026 -> 2025-12-31 22:00 UTC .. 2026-12-31 22:00 UTC).
    """
    start = datetime(year, 1, 1, tzinfo=HELSINKI).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=HELSINKI).astimezone(UTC)
    return start, end
