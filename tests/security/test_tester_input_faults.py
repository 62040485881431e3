"""Three hostile-input faults a tester found, each fixed for its whole kind:

1. control characters in typed text (an ANSI escape in a survey answer) broke every XLSX export (openpyxl's
   IllegalCharacterError) and went raw into CSV;
2. Unicode digits ("²", "١٢", "٣") passed str.isdigit() and then made int() raise (a 500) or were taken as numbers;
3. a business ID in Arabic-Indic digits passed the \\d check, was saved and escaped the duplicate check.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from network.extensions import db
from network.orgs.importing import REJECTED, plan_import
from network.orgs.models import Organisation
from network.spreadsheets import Sheet, csv_bytes, safe_cell, xlsx_bytes
from network.surveys.models import SurveyAnswer, SurveyDraft, SurveyResponse
from network.text import CONTROL_CHARACTERS, ascii_int, is_ascii_digits, strip_controls
from tests.support.english import english, english_rules  # noqa: F401  (fixture)

from ..conftest import log_in
from ..factories import make_meeting, make_org, make_user
from ..orgs.test_import_export import HEADER
from ..orgs.test_import_export import csv_bytes as import_csv
from ..orgs.test_import_export import xlsx_bytes as import_xlsx
from ..surveys.conftest import add_response, full_answers, open_survey

# NUL is refused for the whole request (400) before any form sees it, so it is not in the typed text.
HOSTILE = "Hyvä\x01\x02\x1b[31m vastaus\x7f"
CLEANED = "Hyvä[31m vastaus"


def _post_answers(client, survey, values, action="submit"):
    data = MultiDict([(k, v) for k, vs in values.items() for v in vs] + [("action", action)])
    return client.post(f"/surveys/{survey.year}", data=data)


def _text_question(survey):
    return next(q for q in survey.questions if q.kind == "text")


def _scale_question(survey):
    return next(q for q in survey.questions if q.kind in ("agree5", "scale10"))


def _cells(data: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(data))
    return [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.fixture
def survey(app):
    return open_survey()


# 1. Control characters


def test_shared_helpers_strip_controls_and_keep_line_breaks():
    assert strip_controls("a\x01\tb\r\nc\x1b[0m\x7f") == "a\tb\r\nc[0m"
    assert strip_controls(None) == ""
    assert safe_cell("\x01=1+1") == "'=1+1"  # a removed character cannot hide a formula
    assert safe_cell("rivi 1\nrivi 2") == "rivi 1\nrivi 2"
    sheet = Sheet("Bad\x01title", ["h\x02"], [[HOSTILE]])
    assert CLEANED in _cells(xlsx_bytes([sheet]))
    text = csv_bytes(sheet).decode("utf-8-sig")
    assert CLEANED in text and not CONTROL_CHARACTERS.search(text)


def test_a_survey_answer_with_control_characters_is_stored_clean_and_exports(app, survey, coordinator_client):
    aino = make_user("aino@espoo.fi", "Aino Espoo", organisation=make_org("Espoo"))
    client = app.test_client()
    log_in(client, aino)
    text = _text_question(survey)
    response = _post_answers(client, survey, full_answers(survey, **{text.key: HOSTILE}))
    assert response.status_code == 302
    stored = db.session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None))).all()
    assert CLEANED in stored
    assert not any(CONTROL_CHARACTERS.search(t) for t in stored)

    xlsx = coordinator_client.get(f"/admin/reports/{survey.year}/export.xlsx")
    assert xlsx.status_code == 200
    assert CLEANED in _cells(xlsx.data)
    answers = coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=answers")
    assert answers.status_code == 200
    assert CLEANED in answers.data.decode("utf-8-sig")


def test_an_answer_stored_before_the_fix_no_longer_breaks_the_exports(survey, coordinator_client):
    # Answers are anonymous and never edited: one stored before cleaning must not break the export forever.
    # No NUL here: PostgreSQL cannot store it in text at all, so no answer can hold one.
    add_response(survey, **{_text_question(survey).key: HOSTILE})
    db.session.commit()
    xlsx = coordinator_client.get(f"/admin/reports/{survey.year}/export.xlsx")
    assert xlsx.status_code == 200 and CLEANED in _cells(xlsx.data)
    answers = coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=answers").data
    assert CLEANED in answers.decode("utf-8-sig")
    assert not CONTROL_CHARACTERS.search(answers.decode("utf-8-sig"))


def test_the_register_export_survives_control_characters(coordinator_client):
    make_org("Kontrollikunta", municipality="Espoo\x01\x1b[31m", description="Kuvaus\x02")
    xlsx = coordinator_client.get("/admin/organisations/export.xlsx")
    assert xlsx.status_code == 200
    assert "Espoo[31m" in _cells(xlsx.data)
    text = coordinator_client.get("/admin/organisations/export.csv").data.decode("utf-8-sig")
    assert "Espoo[31m" in text and not CONTROL_CHARACTERS.search(text)


def test_an_organisation_description_is_stored_without_control_characters(coordinator_client):
    response = coordinator_client.post("/admin/organisations/new", data={
        "name_fi": "Uusi kunta", "kind": "municipality", "region": "kainuu", "municipality": "Kajaani",
        "description": "Rivi 1\r\nRivi\x1b[31m 2\x08",
    })
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.description)) == "Rivi 1\r\nRivi[31m 2"


# 2. Unicode digits


def test_ascii_int_takes_only_ascii_digits():
    assert ascii_int(" 42 ") == 42 and ascii_int("-3") == -3
    for value in ("²", "¹", "١٢", "٣", "", "+1", "1_000", "1.0", None):
        with pytest.raises(ValueError):
            ascii_int(value)
    assert is_ascii_digits("123") and not is_ascii_digits("²") and not is_ascii_digits("-1")


@pytest.mark.parametrize("value", ["²", "¹", "١٢", "٣"])
@pytest.mark.parametrize("action", ["draft", "submit"])
def test_a_scale_answer_in_unicode_digits_gets_the_field_error(app, survey, member, value, action):
    client = english(app.test_client())
    log_in(client, member)
    question = _scale_question(survey)
    low, high = question.scale
    values = full_answers(survey) if action == "submit" else {}
    values[question.field_name] = [value]
    response = _post_answers(client, survey, values, action=action)
    assert response.status_code == 422
    assert f"Choose a value from {low} to {high}." in response.text
    assert f'id="{question.field_name}-error"' in response.text
    assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


@pytest.mark.parametrize("value", ["²", "١٢"])
def test_a_session_cookie_or_feed_address_in_unicode_digits_is_no_500(app, member, value):
    from network.auth.sessions import _parse
    from network.calendar.personal import feed_for_token

    assert _parse(f"{value}:token") is None
    with app.test_request_context():
        assert feed_for_token(f"{value}.signature") is None
    client = app.test_client()
    assert client.get(f"/calendar/personal/{value}.abc.ics").status_code == 404


def test_a_page_number_or_year_in_unicode_digits_is_ignored(coordinator_client):
    # int("١٢") is 12: a Unicode-digit query value was silently taken as a number; now it is ignored as junk is.
    assert coordinator_client.get("/admin/organisations?page=%D9%A2").status_code == 200
    assert coordinator_client.get("/meetings?year=%D9%A2%D9%A0%D9%A2%D9%A6").status_code == 200


# 3. Business ID


ARABIC_ID = "١٢٣٤٥٦٧-١"


def test_the_business_id_check_takes_ascii_digits_only():
    from network.orgs.business_id import is_valid_business_id, normalize_business_id

    assert is_valid_business_id("1234567-1")
    assert not is_valid_business_id(ARABIC_ID)
    assert normalize_business_id("١٢٣٤٥٦٧١") == "١٢٣٤٥٦٧١"  # not turned into an ID-looking value


def test_the_form_refuses_a_business_id_in_arabic_indic_digits(coordinator_client):
    response = english(coordinator_client).post("/admin/organisations/new", data={
        "name_fi": "Uusi kunta", "kind": "municipality", "region": "kainuu", "municipality": "Kajaani",
        "business_id": ARABIC_ID,
    })
    assert response.status_code == 422
    assert re.search(r'id="business_id-error">The business ID is not valid', response.text)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


@pytest.mark.usefixtures("english_rules")
def test_the_import_refuses_a_business_id_in_arabic_indic_digits(app):
    row = f"Kunta A;;municipality;uusimaa;;{ARABIC_ID};"
    for plan in (plan_import("r.csv", import_csv(row)),
                 plan_import("r.xlsx", import_xlsx([HEADER.split(";"), row.split(";")]))):
        [planned] = plan.rows
        assert planned.action == REJECTED
        assert any("is not in the form 1234567-8" in r for r in planned.reasons), planned.reasons


# 4. Unicode digits in URL paths


@pytest.mark.parametrize("digits", ["٢٠٢٦", "２０２６", "²⁰²⁶"])
def test_a_path_number_in_other_scripts_digits_is_not_found(app, survey, digits):
    # Werkzeug's <int:> matched \d+, so /surveys/٢٠٢٦ was survey 2026 under a second address.
    client = app.test_client()
    assert client.get(f"/surveys/{survey.year}").status_code != 404
    assert client.get(f"/surveys/{digits}").status_code == 404
    meeting = make_meeting()
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 200
    other = str(meeting.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.get(f"/meetings/{other}.ics").status_code == 404
