"""The year planner: four network meetings a year, Democracy Day in ISO week 42, host regions that rotate.

`propose_year()` and its helpers are pure functions (dates, holidays, history in; a proposal out);
`proposal_for_year()` reads the inputs from the database and calls them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

import holidays as holiday_calendars
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.trail import record_change
from ..extensions import db
from ..i18n import NETWORK_NAMES, localized
from ..orgs.models import Organisation
from ..orgs.regions import REGIONS, region_name
from ..timeutil import helsinki_to_utc, utc_to_helsinki
from .errors import MeetingError
from .models import DEMOCRACY_DAY, NETWORK, NETWORK_KINDS, SCHEDULED, Meeting
from .queries import WITH_DRAFTS, meetings_in_year
from .scheduling import DEMOCRACY_DAY_WEEK, MEETINGS_PER_YEAR, MeetingData, create_meeting, helsinki_year

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
    def title(self) -> str:
        """The title in the interface language."""
        return localized(self.title_fi, self.title_sv)

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
        return f"{NETWORK_NAMES['sv']}: {SEASON_SV[self.season]}möte {self.day.year}"


HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


def finnish_holidays(years: Iterable[int], language: str = "fi") -> dict[date, str]:
    """Finland's public holidays in `years` (the planner avoids them): {day: name in `language`}."""
    calendar = holiday_calendars.Finland(years=list(years), language=HOLIDAY_LANGUAGES.get(language, "fi"))
    return dict(calendar.items())


@dataclass(frozen=True)
class Problem:
    """One broken planning rule: the plan item's field it concerns, the message, and whether a coordinator may
    confirm an exception to it (soft) or not (Democracy Day's week, the year).
    """

    field: str
    message: object
    soft: bool


def plan_problems(kind: str, day: date, holidays: Mapping[date, str] | set[date], *, year: int | None = None,
                  region: str | None = None, recent_regions: Iterable[str] = ()) -> list[Problem]:
    """The planning rules for one meeting day, for the planner's own proposals and typed dates alike.

    Takes the kind, the day, Finland's holidays (a set or {day: name}), the plan's year, the host region and the
    regions that hosted in recent years. Returns the problems (empty when the day is fine): the year and
    Democracy Day's ISO week 42 are hard rules; weekday, public holiday, July and host rotation are soft.
    """
    problems: list[Problem] = []
    if year is not None and day.year != year:
        problems.append(Problem("day", _l("The date must be in %(year)d.", year=year), False))
    if kind == DEMOCRACY_DAY and day.isocalendar().week != DEMOCRACY_DAY_WEEK:
        problems.append(Problem("day", _l("Democracy Day must be held in week 42 of the year."), False))
    if day.weekday() >= 5:
        problems.append(Problem("day", _l("Meetings are held on weekdays; this date is at a weekend."), True))
    if day in holidays:
        name = holidays.get(day) if isinstance(holidays, Mapping) else None
        problems.append(Problem("day", _l("This date is a public holiday in Finland (%(name)s).", name=name)
                                if name else _l("This date is a public holiday in Finland."), True))
    if day.month == 7:
        problems.append(Problem("day", _l("No meetings are held in July."), True))
    if region and region in set(recent_regions):
        problems.append(Problem("host_organisation_id", _l(
            "This host's region hosted a network meeting in the last two years; regions take turns."), True))
    return problems


def is_meeting_day(day: date, holidays: Mapping[date, str] | set[date], kind: str = NETWORK) -> bool:
    """A weekday, not a Finnish public holiday, not in July (and week 42 for Democracy Day): no problem
    found by `plan_problems`.
    """
    return not plan_problems(kind, day, holidays)


def day_in_week(year: int, week: int, holidays: set[date], *, stay_in_week: bool = False) -> date:
    """The preferred meeting day of ISO week `week`; later weeks when the whole week is unavailable."""
    for offset in range(0, 8):
        if stay_in_week and offset:
            break
        for weekday in WEEKDAY_PREFERENCE:
            day = date.fromisocalendar(year, week + offset, weekday + 1)
            if is_meeting_day(day, holidays, DEMOCRACY_DAY if stay_in_week else NETWORK):
                return day
    raise ValueError(f"no meeting day found in week {week} of {year}")


def propose_dates(year: int, holidays: Mapping[date, str] | set[date] | None = None) -> list[tuple[str, date, str]]:
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
    holidays: Mapping[date, str] | set[date] | None = None,
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
    statement = select(Organisation).where(Organisation.left_on.is_(None)).order_by(Organisation.sort_column(), Organisation.id)
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




# --- what a year lacks, and creating the plan ---------------------------------------------------------------

SLOT_NAMES = tuple(season for _kind, _week, season in SLOTS)
SLOT_KIND = {season: kind for kind, _week, season in SLOTS}
SLOT_WEEK = {season: week for _kind, week, season in SLOTS}


def filled_slots(year: int) -> dict[str, Meeting]:
    """The slots of `year` that a scheduled network meeting fills: {slot: meeting}.

    A meeting the planner created holds its slot; any other takes the free slot of its kind nearest to its
    ISO week (Democracy Day the autumn one). Meetings beyond the four fill nothing.
    """
    active = [m for m in meetings_in_year(year, WITH_DRAFTS) if m.is_network_meeting and m.status == SCHEDULED]
    filled = {m.plan_slot: m for m in active if m.plan_slot in SLOT_NAMES and m.plan_year == year}
    for meeting in active:
        if meeting in filled.values():
            continue
        week = helsinki_date(meeting).isocalendar().week
        free = [s for s in SLOT_NAMES if s not in filled and SLOT_KIND[s] == meeting.kind]
        if free:
            filled[min(free, key=lambda s: abs(SLOT_WEEK[s] - week))] = meeting
    return filled


def helsinki_date(meeting: Meeting) -> date:
    """The meeting's start day in Finland."""
    return utc_to_helsinki(meeting.starts_at).date()


def lacking_slots(year: int) -> list[str]:
    """The slots of `year` still without a meeting, in the year's order; none once the year has its four
    scheduled network meetings.
    """
    active = [m for m in meetings_in_year(year, WITH_DRAFTS) if m.is_network_meeting and m.status == SCHEDULED]
    if len(active) >= MEETINGS_PER_YEAR:
        return []
    filled = filled_slots(year)
    return [slot for slot in SLOT_NAMES if slot not in filled]


@dataclass
class PlanItem:
    """One meeting of the plan as the coordinator confirmed it (Helsinki day and times)."""

    slot: str
    day: date | None
    starts: time | None
    ends: time | None
    title_fi: str
    title_sv: str | None = None
    host_organisation_id: int | None = None
    venue: str | None = None
    address: str | None = None
    exception: bool = False
    reason: str | None = None


def _item_problems(item: PlanItem, year: int, holidays: Mapping[date, str], recent: set[str]) -> list[Problem]:
    """The problems of one plan item whose slot is still lacking (see `check_plan`)."""
    found: list[Problem] = []
    if item.day is not None:  # else the form already says the date was not understood
        host = db.session.get(Organisation, item.host_organisation_id) if item.host_organisation_id else None
        problems = plan_problems(SLOT_KIND[item.slot], item.day, holidays, year=year,
                                 region=host.region if host else None, recent_regions=recent)
        waived = item.exception and bool((item.reason or "").strip())
        found += [p for p in problems if not (p.soft and waived)]
        if item.exception and not waived and any(p.soft for p in problems):
            found.append(Problem("reason", _l("Give the reason for the exception."), False))
    if item.ends is not None and item.starts is not None and item.ends <= item.starts:
        found.append(Problem("ends", _l("The meeting must end after it starts."), False))
    if not (item.title_fi or "").strip():
        found.append(Problem("title_fi", _l("This field is required."), False))
    return found


def check_plan(year: int, items: list[PlanItem], prefix: str = "meetings") -> dict[str | None, object]:
    """Every problem of the plan at once: {"<prefix>-<index>-<field>": message} (None: the whole plan).

    Checks that each slot is still lacking, the year, Democracy Day's week, the times, and the soft rules
    (weekday, holiday, July, host rotation) unless an exception is confirmed with a reason.
    """
    lacking = lacking_slots(year)
    if not lacking:
        return {None: _l("%(year)d already has its four network meetings: edit them in the year view.", year=year)}
    if not items:
        return {None: _l("Nothing was created: the plan has no meetings. Reload the planner.")}
    holidays = finnish_holidays([year, *{item.day.year for item in items if item.day is not None}])
    recent = {r for y, regions in host_history(year).items() if y >= year - RECENT_YEARS for r in regions}
    errors: dict[str | None, object] = {}
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.slot not in SLOT_NAMES or item.slot in seen:
            problems = [Problem("day", _l("This meeting is not part of the plan; reload the planner."), False)]
        elif item.slot not in lacking:
            problems = [Problem("day", _l("This year already has its Democracy Day.")
                                if SLOT_KIND[item.slot] == DEMOCRACY_DAY
                                else _l("%(year)d already has this meeting; reload the planner.", year=year), False)]
        else:
            problems = _item_problems(item, year, holidays, recent)
        seen.add(item.slot)
        for problem in problems:
            key = f"{prefix}-{index}-{problem.field}"
            errors[key] = f"{errors[key]} {problem.message}" if key in errors else problem.message
    return errors


def create_plan(year: int, items: list[PlanItem], actor: object = None, prefix: str = "meetings") -> list[Meeting]:
    """Create the plan's meetings together (all or none), as drafts, each holding its slot of `year`; flushes.

    Returns the meetings; raises MeetingError with every problem at once ({"<prefix>-<index>-<field>": message},
    see `check_plan`), also when another coordinator filled a slot meanwhile (the database's unique slot).
    """
    errors = check_plan(year, items, prefix)
    if errors:
        raise MeetingError(errors=errors)
    try:
        created = _create_items(year, items, actor, prefix)
        db.session.flush()
    except IntegrityError as error:
        # Two submissions at once (a double click, two coordinators): the slot's unique key refuses the second.
        raise MeetingError(errors={None: _l("Another coordinator planned this year meanwhile; reload the planner.")}
                           ) from error
    return created


def _create_items(year: int, items: list[PlanItem], actor: object, prefix: str) -> list[Meeting]:
    """The drafts of a checked plan, flushed one by one; raises MeetingError with the items' field errors."""
    errors: dict = {}
    created: list[Meeting] = []
    to_form = {"starts_at": "starts", "ends_at": "ends", "kind": "day", "venue": "venue", "title_fi": "title_fi"}
    for index, item in enumerate(items):
        host = db.session.get(Organisation, item.host_organisation_id) if item.host_organisation_id else None
        data = MeetingData(
            kind=SLOT_KIND[item.slot], title_fi=item.title_fi, title_sv=item.title_sv,
            starts_at=helsinki_to_utc(datetime.combine(item.day, item.starts)),
            ends_at=helsinki_to_utc(datetime.combine(item.day, item.ends)),
            venue=item.venue or (host.name if host else None) or str(_l("To be announced")), address=item.address,
            host_organisation_id=host.id if host else None, region=host.region if host else None,
        )
        try:
            meeting = create_meeting(data, actor, draft=True)
        except MeetingError as error:
            errors.update({f"{prefix}-{index}-{to_form.get(name or '', 'day')}": message
                           for name, message in error.errors.items()})
            continue
        meeting.plan_year, meeting.plan_slot = year, item.slot
        if item.exception and (item.reason or "").strip():
            record_change(actor, "meeting.plan_exception", "meeting", meeting.id, summary=item.reason.strip())
        created.append(meeting)
    if errors:
        raise MeetingError(errors=errors)
    return created
