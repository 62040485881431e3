"""The shared helpers every domain builds on: spreadsheets, mail templates, year bounds, may_manage, attempt."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from network.extensions import db
from network.mail.templates import render_mail
from network.orgs.models import Organisation
from network.permissions import management_policy, may_manage
from network.rules import RuleError
from network.spreadsheets import Sheet, csv_bytes, spreadsheet_response, xlsx_bytes
from network.timeutil import helsinki_year_bounds


def test_spreadsheets_neutralise_formulas_and_keep_text(app):
    sheet = Sheet("Test", ["name", "value"], [["=HYPERLINK(\"x\")", "\nline"], ["-1", True], ["plain", None]])
    rows = list(csv.reader(io.StringIO(csv_bytes(sheet).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "'\nline"]
    assert rows[2] == ["'-1", "yes"]
    assert rows[3] == ["plain", ""]
    workbook = load_workbook(io.BytesIO(xlsx_bytes([sheet, Sheet("Second", ["a"], [["=1+1"]])])))
    assert workbook.sheetnames == ["Test", "Second"]
    assert workbook["Second"]["A2"].value == "'=1+1"
    assert workbook["Test"]["A3"].data_type == "s"


def test_spreadsheet_response_has_one_charset_and_a_dated_name(app):
    with app.test_request_context():
        response = spreadsheet_response(Sheet("x", ["a"], []), "csv", "participants-7")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="participants-7-20' in response.headers["Content-Disposition"]


def test_helsinki_year_bounds_are_local_midnights():
    start, end = helsinki_year_bounds(2026)
    assert start == datetime(2025, 12, 31, 22, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 22, 0, tzinfo=UTC)


def test_render_mail_in_the_recipients_language(app, tmp_path):
    app.jinja_loader.searchpath.append(str(tmp_path))
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "hello.txt").write_text(
        "{% block subject %}{{ _('Yes') }} {{ name }}\n{% endblock %}{% block body %}Hi {{ name }}{% endblock %}"
    )
    fi = render_mail("t/hello", "fi", name="Aino")
    sv = render_mail("t/hello", "sv", name="Aino")
    assert fi.subject == "Kyllä Aino" and sv.subject == "Ja Aino"
    assert fi.text == "Hi Aino\n" and fi.html is None


def test_may_manage_coordinator_always_else_the_policy(app, coordinator, member):
    org = Organisation(name_fi="X", search_name="x", kind="municipality", region="uusimaa")
    db.session.add(org)
    db.session.commit()
    assert may_manage(coordinator, org)
    assert not may_manage(member, org)

    class Owned:
        owner_id = member.id

    management_policy(Owned)(lambda user, obj: user.id == obj.owner_id)
    assert may_manage(member, Owned())
    assert not may_manage(coordinator.__class__(), Owned())


def test_rule_error_carries_several_fields():
    error = RuleError(errors={"name": "Name missing", "email": "Bad address"})
    assert error.errors == {"name": "Name missing", "email": "Bad address"}
    assert str(error) == "Name missing"
    assert RuleError("x", "field").errors == {"field": "x"}
