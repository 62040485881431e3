"""Fixtures for tests that read English UI text: clients use the English interface, rules answer in English."""

from __future__ import annotations

import pytest

from tests.conftest import log_in


def english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


@pytest.fixture
def client(app):
    return english(app.test_client())


@pytest.fixture
def member_client(app, member):
    client = app.test_client()
    log_in(client, member)
    return english(client)


@pytest.fixture
def coordinator_client(app, coordinator):
    client = app.test_client()
    log_in(client, coordinator)
    return english(client)


@pytest.fixture
def english_rules(app):
    """Rules called as plain functions (no request) answer in English, so tests can read their messages."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
