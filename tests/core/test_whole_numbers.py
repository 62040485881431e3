"""Number fields (a fresh tester found "abc" answered with WTForms' English "Not a valid integer value." and then
the form's own message; Swedish without a full stop): every whole-number field of the application answers text
that is not a whole number with one message of its own, in the user's language, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from network.groups.models import WorkingGroup
from network.meetings.models import Meeting
from network.surveys.models import Survey
from network.timeutil import helsinki_today
from tests.conftest import choose_language

NOT_WHOLE_NUMBERS = ["abc", "1.5", "²", "١٢", "12 000"]
_DATES = {"signup_deadline": (helsinki_today() + timedelta(days=14)).isoformat(),
          "term_end": (helsinki_today() + timedelta(days=120)).isoformat()}


def _one_message(page: str, message: str) -> None:
    assert "Not a valid integer" not in page and "Inte ett giltigt heltal" not in page
    assert message in page


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS)
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_a_groups_maximum_size(member_client, db, value, lang):
    from network.groups.forms import MAX_SIZE_MESSAGE

    choose_language(member_client, lang)
    response = member_client.post("/groups/propose", data={
        "name_fi": "Ryhmä", "theme_fi": "Teema", "mandate_fi": "Tehtävä", **_DATES, "max_size": value})
    assert response.status_code == 422
    with force_locale(lang):
        _one_message(response.get_data(as_text=True), str(MAX_SIZE_MESSAGE))
    assert db.session.scalar(select(func.count(WorkingGroup.id))) == 0


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS)
def test_a_meetings_capacity(coordinator_client, db, value):
    choose_language(coordinator_client, "en")
    response = coordinator_client.post("/admin/meetings/new", data={
        "kind": "network", "title_fi": "Tapaaminen", "starts_at": "2030-03-01T12:00", "ends_at": "2030-03-01T15:00",
        "mode": "online", "online_url": "https://meet.example/x", "capacity": value})
    page = response.get_data(as_text=True)
    _one_message(page, "Give the number of places as a whole number, or leave it empty.")
    assert "The capacity cannot be negative." not in page
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS)
def test_a_surveys_year(coordinator_client, db, value):
    choose_language(coordinator_client, "en")
    response = coordinator_client.post("/admin/surveys", data={"year": value, "source": "template"})
    _one_message(response.get_data(as_text=True), "Give a year between 2000 and 2100.")
    assert db.session.scalar(select(func.count(Survey.id))) == 0


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS)
def test_the_audit_trails_record_number(coordinator_client, value):
    choose_language(coordinator_client, "en")
    response = coordinator_client.get("/admin/audit", query_string={"entity_id": value})
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    _one_message(page, "No record has this number.")
    assert page.count("No record has this number.") == 1


def test_whole_numbers_and_empty_still_work(member_client, db):
    response = member_client.post("/groups/propose", data={
        "name_fi": "Ryhmä", "theme_fi": "Teema", "mandate_fi": "Tehtävä", **_DATES, "max_size": " 12 "})
    assert response.status_code == 302
    assert db.session.scalar(select(WorkingGroup.max_size)) == 12
