"""Every message of every domain is translated to Finnish and Swedish; WTForms' own messages are localised too."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "i18n.py"


def _i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_is_translated():
    problems = _i18n_script().untranslated()
    assert not problems, "untranslated (run scripts/i18n.py update DOMAIN, fill, compile):\n" + "\n".join(problems)


def test_one_term_for_one_thing_across_domains():
    problems = _i18n_script().conflicting()
    assert not problems, "the same message is translated differently by two domains:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("lang", "required", "too_long"),
    [
        ("fi", "Tämä kenttä on pakollinen.", "Ei voi olla pidempi kuin 120 merkkiä."),
        ("sv", "Fältet är obligatoriskt.", "Fältet får inte vara längre än 120 tecken."),
        ("en", "This field is required.", "Field cannot be longer than 120 characters."),
    ],
)
def test_form_messages_follow_the_language(client, lang, required, too_long):
    from ..conftest import choose_language

    choose_language(client, lang)
    page = client.post("/register", data={"name": "x" * 121, "organisation": "0"}).get_data(as_text=True)
    assert required in page  # our own message
    assert too_long in page  # WTForms' built-in Length message, from its catalog via Flask-Babel
