"""Hostile input (issue 15): property-based tests (hypothesis) drive every POST route that takes a form, and the
import parsers, with arbitrary Unicode, very long strings, control and line-separator characters, HTML/JS, formula
cells and malformed dates and numbers. Never a 500, never markup from the input served or stored unescaped, never a
response header with a line break.

Runtime stays modest: a few examples per route (HYPOTHESIS_EXAMPLES, default 2), no deadline, no example database.
"""

from __future__ import annotations

import csv
import io
import os
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from network.extensions import db, limiter
from network.mail.models import OutboxMessage
from network.orgs import importing
from network.rules import RuleError
from network.spreadsheets import FORMULA_STARTS, Sheet, csv_bytes, xlsx_bytes
from network.surveys.builder import parse_options

from ..access import LOGIN, all_rules, setup_world
from ..conftest import create_user, log_in

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "2"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    # No shrinking: a failing example is reported as drawn, at once (shrinking a page walk takes many minutes).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Markers that must never come back as markup: if one appears unescaped in a page, the input was not escaped.
SCRIPT = '<script>alert("hx")</script>'
IMG = '"><img src=x onerror=alert("hx")>'
PAYLOADS = [
    SCRIPT,
    IMG,
    "javascript:alert('hx')",
    "[klik](javascript:alert('hx'))",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tleading tab",
    "Subject\r\nBcc: victim@example.fi",
    "line\u2028separator\u2029paragraph\x85next",
    "nul\x00byte",
    "\x1b[31mansi",
    "2026-02-30",
    "31.13.2026",
    "9999-99-99",
    "25:61",
    "1e309",
    "-0",
    "NaN",
    "٣٤",
    "99999999999999999999999999",
    "ääkkönen Åland ẞ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🤖",
    "\u202eevil\u202c",
    "",
    " ",
]
LONG = st.integers(min_value=1_000, max_value=8_000).map(lambda n: "ä<" * (n // 2))
HOSTILE_TEXT = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=4).map("".join),
    LONG,
)
SKIPPED_ENDPOINTS = {
    # Logs the client out (the walk goes on as the same person); tested in tests/security/test_sessions.py.
    "auth.logout",
    "auth.end_other_sessions",
}


class _Forms(HTMLParser):
    """The fields of the POST forms of a page: name -> a value the page itself offers (the first one)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or not a.get("name") and tag != "option":
            return
        elif tag in ("input", "textarea") and a.get("type") not in ("submit", "file"):
            self._fields.setdefault(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
            self._fields.setdefault(self._select, "")
        elif tag == "option" and self._select and not self._fields.get(self._select):
            self._fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _form_fields(client, path: str, known: dict) -> dict[str, str]:
    """The fields a route's form has: from the page at the same address (its forms posting there), else the
    access table's sample data, else a few common names.
    """
    fields: dict[str, str] = {}
    page = client.get(path)
    if page.status_code == 200 and "html" in page.content_type:
        parser = _Forms()
        parser.feed(page.get_data(as_text=True))
        for action, form in parser.forms:
            if action.split("?")[0] in ("", path.split("?")[0]):
                fields.update(form)
    fields.update({k: str(v) for k, v in known.items()})
    fields.pop("csrf_token", None)
    return fields or {"name": "", "email": "", "title": "", "body": "", "text": ""}


class _Handlers(HTMLParser):
    """Collects the tags that carry an event-handler attribute (onerror=, onclick=, ...), as a browser parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [f"<{tag} {name}=...>" for name, _value in attrs if name.startswith("on")]


def _event_handlers(body: str) -> list[str]:
    parser = _Handlers()
    parser.feed(body)
    return parser.found


def assert_safe_response(response, sent: list[str], where: str) -> None:
    """No 500, no header with a line break, no marker from the input served as markup."""
    assert response.status_code < 500, f"{where}: {response.status_code}"
    for name, value in response.headers.items():
        assert not re.search(r"[\r\n\x00]", f"{name}{value}"), f"{where}: header {name}: {value!r}"
    if "html" in (response.content_type or ""):
        body = response.get_data(as_text=True)
        if any("hx" in value for value in sent):
            assert SCRIPT not in body, f"{where}: script served unescaped"
            # Injected markup would be a real tag carrying an event handler (the pages have none of their own: the CSP
            # forbids them). Escaped text ("&lt;img src=x onerror=...&gt;" in a field's value) is the right answer.
            assert not _event_handlers(body), f"{where}: attribute served unescaped: {_event_handlers(body)}"
            assert "href=\"javascript:" not in body.lower(), f"{where}: javascript: link served"


def assert_stored_html_is_clean() -> None:
    """The only HTML the platform stores is mail bodies (outbox); none may carry script or event handlers."""
    for html in db.session.scalars(select(OutboxMessage.body_html).where(OutboxMessage.body_html.is_not(None))):
        lowered = html.lower()
        assert "<script" not in lowered and "javascript:" not in lowered, html[:500]
        assert not re.search(r"<[^>]+\son\w+\s*=", lowered), html[:500]


def _post_rules(role: str) -> list:
    rules = []
    for rule in all_rules():
        if rule.method != "POST" or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        if role == "visitor" and rule.visitor == LOGIN:
            continue
        rules.append(rule)
    return rules


def _walk(client, world, rule, role: str) -> None:
    path = rule.url_for(world)
    fields = _form_fields(client, path, rule.data_for(world))
    names = sorted(fields)

    @SETTINGS
    @given(values=st.fixed_dictionaries({name: st.one_of(st.just(fields[name]), HOSTILE_TEXT) for name in names}))
    def post(values):
        response = client.post(path, data=values, follow_redirects=True)
        assert_safe_response(response, list(values.values()), f"{role} POST {path}")
        db.session.rollback()

    post()
    assert_stored_html_is_clean()


@pytest.fixture
def no_rate_limits():
    limiter.enabled = False
    yield
    limiter.enabled = True


COORDINATOR_WALK = "coordinator"


@pytest.mark.parametrize("role", ["visitor", COORDINATOR_WALK])
def test_every_form_takes_hostile_input(app, no_rate_limits, role):
    """One world for the whole walk (building it per route would take minutes); every failure is reported."""
    world = setup_world()
    client = app.test_client()
    if role == "coordinator":
        log_in(client, create_user("fuzz-coordinator@example.fi", "Fuzz Coordinator", role="coordinator"))
    rules = _post_rules(role)
    assert len(rules) > (5 if role == "visitor" else 40), "the access table lists the POST routes"
    failures = []
    for rule in rules:
        try:
            _walk(client, world, rule, role)
        except Exception as exc:  # collected: one report for every route that failed
            db.session.rollback()
            failures.append(f"{rule.id}: {type(exc).__name__}: {str(exc)[:600]}")
    assert not failures, "\n".join(failures)


# --- import parsers ------------------------------------------------------------------------------------------

HEADINGS = ["nimi", "name_sv", "tyyppi", "maakunta", "kunta", "y-tunnus", "verkkosivu", "avoin hallinto", "liittynyt"]
ROWS = st.lists(st.lists(HOSTILE_TEXT, min_size=len(HEADINGS), max_size=len(HEADINGS)), min_size=1, max_size=4)


def _plan(filename: str, content: bytes):
    try:
        return importing.plan_import(filename, content)
    except RuleError as error:
        assert str(error), "a refusal says why"
        return None


def _csv(rows: list[list[str]], delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([HEADINGS, *rows])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


@SETTINGS
@given(rows=ROWS, delimiter=st.sampled_from([";", ","]))
def test_csv_import_never_fails_unexpectedly(app, rows, delimiter):
    plan = _plan("jasenet.csv", _csv(rows, delimiter))
    if plan is not None:
        for row in plan.rows:
            assert row.action in ("create", "update", "unchanged", "rejected")
            if row.action == "rejected":
                assert row.reasons
    db.session.rollback()


@SETTINGS
@given(content=st.binary(max_size=2_000), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt", "", "a.CSV"]))
def test_import_of_arbitrary_bytes_is_refused_or_read(app, content, name):
    _plan(name, content)
    _plan(name, b"PK\x03\x04" + content)
    db.session.rollback()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_CELL = st.one_of(
    HOSTILE_TEXT.map(lambda s: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", s)),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.booleans(),
    st.none(),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://evil.example\")", "=A1/0"]),
)


@SETTINGS
@given(rows=st.lists(st.lists(XLSX_CELL, min_size=len(HEADINGS), max_size=len(HEADINGS)), min_size=1, max_size=4))
def test_xlsx_import_with_formulas_numbers_and_dates(app, rows):
    plan = _plan("jasenet.xlsx", _xlsx(rows))
    if plan is not None:
        for row in plan.rows:
            # A formula is read as its text, never evaluated, and never accepted as a name starting with "=".
            if row.action in ("create", "update"):
                assert not row.values.get("name_fi", "").startswith("=")
    db.session.rollback()


@SETTINGS
@given(values=st.lists(HOSTILE_TEXT, min_size=1, max_size=5))
def test_exports_neutralise_formulas_and_keep_one_cell_per_value(values):
    sheet = Sheet("Testi", ["a"] * len(values), [values])
    read = list(csv.reader(io.StringIO(csv_bytes(sheet).decode("utf-8-sig")), delimiter=";"))
    assert len(read[1]) == len(values)
    for cell in read[1]:
        assert not cell.startswith(FORMULA_STARTS)
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    for cell in next(book.active.iter_rows(min_row=2, max_row=2)):
        assert cell.data_type != "f"
        assert not str(cell.value or "").startswith(FORMULA_STARTS)


@SETTINGS
@given(text=HOSTILE_TEXT)
def test_survey_option_lists_parse_or_refuse(app, text):
    try:
        options = parse_options(text)
    except RuleError:
        return
    for option in options:
        assert option is not None
