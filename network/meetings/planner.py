"""The year planner: four network meetings a year, Democracy Day in ISO week 42, host regions that rotate.

`propose_year()` and its helpers are pure functions (dates, holidays, history in; a proposal out);
`proposal_for_year()` reads the inputs from the database and calls them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time

import holidays as holiday_calendars
from sqlalchemy import select

from ..extensions import db
from ..orgs.models import Organisation
from ..orgs.regions import REGIONS, region_name
from .models import DEMOCRACY_DAY, NETWORK, NETWORK_KINDS, SCHEDULED, Meeting
from .scheduling import DEMOCRACY_DAY_WEEK, helsinki_year

# (kind, ISO week aimed at, season): winter, spring, late summer, and Democracy Day in the autumn.
SLOTS: tuple[tuple[str, int, str], ...] = (
    (NETWORK, 7, "winter"),
    (NETWORK, 20, "spring"),
    (NETWORK, 34, "summer"),
    (DEMOCRACY_DAY, DEMOCRACY_DAY_WEEK, "autumn"),
)
# Thursday first, then the other mid-week days; Monday last (travel on Sunday).
WEEKDAY_PREFERENCE = (3, 2, 1, 4, 0)
NETWORK_TIMES = (time(12, 0), time(16, 0))
DEMOCRACY_DAY_TIMES = (time(9, 0), time(16, 0))
RECENT_YEARS = 2

SEASON_FI = {"winter": "talvi", "spring": "kevät", "summer": "kesä", "autumn": "syksy"}
SEASON_SV = {"winter": "vinter", "spring": "vår", "summer": "sommar", "autumn": "höst"}


@dataclass(frozen=True)
class HostOption:
    """A possible host for a proposed meeting: organisation id, name and region."""

    id: int
    name: str
    region: str


@dataclass
class ProposedMeeting:
    """One meeting the planner proposes for the year: its kind, day and host options (best first)."""

    kind: str
    day: date
    starts: time
    ends: time
    region: str | None
    season: str
    hosts: list[HostOption] = field(default_factory=list)

    @property
    def host_id(self) -> int | None:
        """The first host option's organisation id, or None when no member can host."""
        return self.hosts[0].id if self.hosts else None

    @property
    def title_fi(self) -> str:
        """The proposed Finnish title ("talvitapaaminen 2027", "Demokratiapäivä 2027")."""
        if self.kind == DEMOCRACY_DAY:
            return f"Demokratiapäivä {self.day.year}"
        return f"Kuntademokratiaverkoston {SEASON_FI[self.season]}tapaaminen {self.day.year}"

    @property
    def title_sv(self) -> str:
        """The proposed Swedish title."""
        if self.kind == DEMOCRACY_DAY:
            return f"Demokratidagen {self.day.year}"
        return f"Kommundemokratinätverkets {SEASON_SV[self.season]}möte {self.day.year}"


def finnish_holidays(years: Iterable[int]) -> set[date]:
    """Finland's public holidays in `years` (the planner avoids them)."""
    return set(holiday_calendars.Finland(years=list(years)).keys())


def is_meeting_day(day: date, holidays: set[date]) -> bool:
    """A weekday, not a Finnish public holiday, not in July."""
    return day.weekday() < 5 and day not in holidays and day.month != 7


def day_in_week(year: int, week: int, holidays: set[date], *, stay_in_week: bool = False) -> date:
    """The preferred meeting day of ISO week `week`; later weeks when the whole week is unavailable."""
    for offset in range(0, 8):
        if stay_in_week and offset:
            break
        for weekday in WEEKDAY_PREFERENCE:
            day = date.fromisocalendar(year, week + offset, weekday + 1)
            if is_meeting_day(day, holidays):
                return day
    raise ValueError(f"no meeting day found in week {week} of {year}")


def propose_dates(year: int, holidays: set[date] | None = None) -> list[tuple[str, date, str]]:
    """(kind, day, season) for the year's four meetings."""
    holidays = finnish_holidays([year]) if holidays is None else holidays
    return [
        (kind, day_in_week(year, week, holidays, stay_in_week=kind == DEMOCRACY_DAY), season)
        for kind, week, season in SLOTS
    ]


def choose_regions(
    year: int, history: Mapping[int, Iterable[str]], host_counts: Mapping[str, int], count: int = len(SLOTS)
) -> list[str | None]:
    """`count` host regions for `year`: regions that have a member organisation to host, avoiding those that
    hosted in the previous two years, then the ones that hosted longest ago, then those with most members.

    A recent host region is used again only when no other region has a member organisation to host.
    """
    candidates = [region for region, hosts in host_counts.items() if hosts > 0]
    if not candidates:
        return [None] * count
    recent = {r for y in range(year - RECENT_YEARS, year) for r in history.get(y, ())}
    last_hosted = {}
    for y, regions in history.items():
        if y < year:
            for region in regions:
                last_hosted[region] = max(last_hosted.get(region, y), y)

    def key(region: str) -> tuple:
        return (region in recent, last_hosted.get(region, -1), -host_counts[region], region)

    ordered = sorted(candidates, key=key)
    return [ordered[i % len(ordered)] for i in range(count)]


def propose_year(
    year: int,
    history: Mapping[int, Iterable[str]],
    hosts_by_region: Mapping[str, list[HostOption]],
    holidays: set[date] | None = None,
) -> list[ProposedMeeting]:
    """The four meetings of `year`, with a host region and the member organisations offered as hosts."""
    dates = propose_dates(year, holidays)
    regions = choose_regions(year, history, {r: len(h) for r, h in hosts_by_region.items()}, len(dates))
    # Democracy Day is the largest meeting: give it the chosen region with the most member organisations.
    proposals = []
    for (kind, day, season), region in zip(dates, regions, strict=True):
        starts, ends = DEMOCRACY_DAY_TIMES if kind == DEMOCRACY_DAY else NETWORK_TIMES
        proposals.append(
            ProposedMeeting(kind=kind, day=day, starts=starts, ends=ends, region=region, season=season,
                            hosts=list(hosts_by_region.get(region, [])) if region else [])
        )
    return proposals


# --- reading the inputs from the database ---------------------------------------------------------------


def host_history(before_year: int) -> dict[int, list[str]]:
    """Regions that hosted a scheduled network meeting, by year (years before `before_year`)."""
    history: dict[int, list[str]] = {}
    statement = select(Meeting).where(Meeting.kind.in_(NETWORK_KINDS), Meeting.status == SCHEDULED,
                                      Meeting.region.is_not(None))
    for meeting in db.session.scalars(statement):
        year = helsinki_year(meeting.starts_at)
        if year < before_year:
            history.setdefault(year, []).append(meeting.region)
    return history


def member_hosts() -> dict[str, list[HostOption]]:
    """Member organisations (not left) by region, in name order."""
    hosts: dict[str, list[HostOption]] = {}
    statement = select(Organisation).where(Organisation.left_on.is_(None)).order_by(Organisation.search_name)
    for organisation in db.session.scalars(statement):
        if organisation.region in REGIONS:
            hosts.setdefault(organisation.region, []).append(
                HostOption(organisation.id, organisation.name, organisation.region)
            )
    return hosts


def proposal_for_year(year: int) -> list[ProposedMeeting]:
    """The four network meetings proposed for `year`, from earlier years' host regions and the member
    organisations (see propose_year).
    """
    return propose_year(year, host_history(year), member_hosts())


def describe(proposal: list[ProposedMeeting], language: str = "fi") -> list[str]:
    """Plain-text lines of a proposal (the `flask meetings plan` output)."""
    lines = []
    for item in proposal:
        hosts = ", ".join(h.name for h in item.hosts) or "-"
        lines.append(
            f"{item.day.isoformat()} {item.day.strftime('%a')} week {item.day.isocalendar().week:>2} "
            f"{item.starts:%H:%M}-{item.ends:%H:%M} {item.kind:<13} "
            f"{region_name(item.region, language) or '-'} | {item.title_fi} | hosts: {hosts}"
        )
    return lines


