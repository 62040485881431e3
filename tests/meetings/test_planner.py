"""The year planner as pure functions, its properties for 2025..2040, and `flask meetings plan`."""

from __future__ import annotations

from datetime import date

import pytest

from network.meetings.planner import (
    HostOption,
    choose_regions,
    finnish_holidays,
    propose_dates,
    propose_year,
)
from network.meetings.scheduling import is_democracy_day_week
from network.orgs.regions import REGIONS

from ..factories import make_meeting
from .conftest import helsinki

ALL_HOSTS = {region: [HostOption(i, f"Org {region}", region)] for i, region in enumerate(REGIONS, start=1)}


def check_dates(year: int, proposal) -> None:
    holidays = finnish_holidays([year])
    assert len(proposal) == 4
    days = [item.day for item in proposal]
    assert days == sorted(days) and len(set(days)) == 4
    for item in proposal:
        assert item.day.year == year
        assert item.day.weekday() < 5, item
        assert item.day not in holidays, item
        assert item.day.month != 7, item
    democracy_days = [item for item in proposal if item.kind == "democracy_day"]
    assert len(democracy_days) == 1 and is_democracy_day_week(democracy_days[0].day)
    # Spread across the year: roughly one per season, at least six weeks apart.
    assert all((b - a).days >= 42 for a, b in zip(days, days[1:], strict=False))
    assert {d.month for d in days} & {1, 2, 3} and {d.month for d in days} & {4, 5, 6}


def check_rotation(year: int, proposal, history, hosts) -> None:
    recent = {r for y in (year - 1, year - 2) for r in history.get(y, ())}
    chosen = [item.region for item in proposal]
    candidates = {region for region, options in hosts.items() if options}
    for region in chosen:
        if region in recent:
            # Only when every other region with a member to host is already used this year.
            assert candidates - recent <= set(chosen), (year, region)
    for item in proposal:
        assert [h.region for h in item.hosts] == [item.region] * len(item.hosts)


@pytest.mark.parametrize("hosts", [ALL_HOSTS, {r: ALL_HOSTS[r] for r in list(REGIONS)[:5]},
                                   {r: ALL_HOSTS[r] for r in list(REGIONS)[:9]}],
                         ids=["19 regions", "5 regions", "9 regions"])
def test_planner_properties_2025_to_2040(hosts):
    history: dict[int, list[str]] = {}
    for year in range(2025, 2041):
        proposal = propose_year(year, history, hosts)
        check_dates(year, proposal)
        check_rotation(year, proposal, history, hosts)
        if len(hosts) >= 12:
            assert not {item.region for item in proposal} & set(history.get(year - 1, []) + history.get(year - 2, []))
            assert len({item.region for item in proposal}) == 4
        history[year] = [item.region for item in proposal]


def test_every_year_from_2025_to_2040_has_valid_dates():
    for year in range(2025, 2041):
        check_dates(year, propose_year(year, {}, ALL_HOSTS))


def test_holiday_is_avoided():
    # Ascension Day 2026 is Thursday 14 May (week 20): the planner moves to another day of the week.
    kinds_days = propose_dates(2026)
    spring = kinds_days[1][1]
    assert spring != date(2026, 5, 14) and spring.isocalendar().week == 20


def test_regions_without_members_and_no_members_at_all():
    assert choose_regions(2026, {}, {}) == [None] * 4
    proposal = propose_year(2026, {}, {})
    assert all(item.region is None and item.hosts == [] for item in proposal)
    # One region only: it hosts every time, even if it hosted last year.
    assert choose_regions(2026, {2025: ["lappi"]}, {"lappi": 1}) == ["lappi"] * 4


def test_rotation_prefers_regions_that_hosted_longest_ago():
    history = {2020: ["uusimaa"], 2023: ["lappi"], 2024: ["kainuu"], 2025: ["pirkanmaa"]}
    counts = {"uusimaa": 3, "lappi": 1, "kainuu": 1, "pirkanmaa": 2, "pohjanmaa": 1}
    regions = choose_regions(2026, history, counts)
    # pohjanmaa never hosted, uusimaa long ago, lappi in 2023; kainuu and pirkanmaa are recent.
    assert regions[:3] == ["pohjanmaa", "uusimaa", "lappi"]
    assert regions[3] in {"kainuu", "pirkanmaa"}


def test_cli_prints_the_proposal(app, db, orgs):
    make_meeting(kind="network", region="pirkanmaa", starts_at=helsinki(2026, 3, 12, 12),
                 host_organisation_id=orgs["tampere"].id)
    result = app.test_cli_runner().invoke(args=["meetings", "plan", "2027"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  2027-")]
    assert len(lines) == 4
    assert any("week 42" in line and "democracy_day" in line for line in lines)
    assert "Pirkanmaa" not in result.output  # hosted in 2026, other regions have members
    assert "Vaasan kaupunki" in result.output
    bad = app.test_cli_runner().invoke(args=["meetings", "plan", "year"])
    assert bad.exit_code != 0
