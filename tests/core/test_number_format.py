"""Numbers as each language writes them (a tester saw "Vastausprosentti 49.2 %" and "Keskiarvo 3.38" on the Finnish
and Swedish survey results): one helper, `network.i18n.format_number` (Jinja `|number`, `|percent`), with CLDR's
decimal and per cent patterns and signs through Babel. The pages using it: tests/surveys/test_number_format.py."""

from __future__ import annotations

import pytest
from flask import render_template_string

from network.i18n import format_number, format_per_cent
from network.registries import PERCENT, Figure

NBSP = "\u00a0"
MINUS = "\u2212"  # CLDR's minus sign of Finnish and Swedish


@pytest.mark.parametrize(("lang", "mean", "rate", "grouped"), [
    ("fi", "3,38", f"49,2{NBSP}%", f"1{NBSP}234,50"),
    ("sv", "3,38", f"49,2{NBSP}%", f"1{NBSP}234,50"),
    ("en", "3.38", "49.2%", "1,234.50"),
])
def test_decimals_and_per_cents_in_each_language(app, lang, mean, rate, grouped):
    assert format_number(3.3849, language=lang) == mean
    assert format_per_cent(49.2, language=lang) == rate
    assert format_number(1234.5, language=lang) == grouped
    # Always the asked decimals, so that a table's figures line up; none for a whole score.
    assert format_number(3, 2, language=lang) == ("3.00" if lang == "en" else "3,00")
    assert format_number(66.666, 0, language=lang) == "67"
    assert format_number(None, language=lang) == format_per_cent(None, language=lang) == "–"


@pytest.mark.parametrize(("lang", "up", "down", "rate_down"), [
    ("fi", "+0,3", f"{MINUS}0,3", f"{MINUS}1,5{NBSP}%"),
    ("sv", "+0,3", f"{MINUS}0,3", f"{MINUS}1,5{NBSP}%"),
    ("en", "+0.3", "-0.3", "-1.5%"),
])
def test_a_change_keeps_its_sign_in_the_languages_own_symbols(app, lang, up, down, rate_down):
    assert format_number(0.3, 1, signed=True, language=lang) == up
    assert format_number(-0.3, 1, signed=True, language=lang) == down
    assert format_number(-0.3, 1, language=lang) == down, "a negative number always has its minus"
    assert format_number(0.3, 1, language=lang) == up[1:], "a plus only when asked"
    assert format_per_cent(-1.5, signed=True, language=lang) == rate_down
    # A change that rounds to nothing has no sign (not "-0,0").
    assert format_number(-0.04, 1, signed=True, language=lang) == ("0.0" if lang == "en" else "0,0")
    assert format_number(0.04, 1, signed=True, language=lang) == ("0.0" if lang == "en" else "0,0")


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", f"3,38 | 49,2{NBSP}% | 7,5 | +0,3"),
    ("sv", f"3,38 | 49,2{NBSP}% | 7,5 | +0,3"),
    ("en", "3.38 | 49.2% | 7.5 | +0.3"),
])
def test_template_filters_follow_the_page_language(app, lang, expected):
    with app.test_request_context(f"/?lang={lang}"):
        text = render_template_string("{{ mean|number }} | {{ rate|percent }} | {{ score|number(1) }} | "
                                      "{{ change|number(1, signed=True) }}", mean=3.3849, rate=49.2, score=7.5,
                                      change=0.3)
    assert text == expected


@pytest.mark.parametrize(("lang", "rate", "count"), [
    ("fi", f"33,3{NBSP}%", f"1{NBSP}234 people"),
    ("en", "33.3%", "1,234 people"),
])
def test_report_figures_are_shown_in_the_page_language(app, lang, rate, count):
    with app.test_request_context(f"/?lang={lang}"):
        assert Figure("surveys.response_rate", "rate", 33.3, PERCENT, digits=1).shown() == rate
        assert Figure("groups.members", "members", 1234, "people").shown() == count
        assert Figure("meetings.democracy_day_held", "held", 1).shown() == "1"
        assert Figure("surveys.response_rate", "rate", None, PERCENT).shown() == "–"
