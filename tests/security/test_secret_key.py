"""Production refuses a weak SECRET_KEY (issue 15, point 4) and says how to make a good one."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from config import BASE_DIR, DEVELOPMENT_SECRET, MAKE_SECRET_HINT, weak_secret_key
from network import create_app

WEAK = [
    "a",
    "changeme",
    "CHANGEME",
    "change-me",
    "secret",
    "secret-key",
    "your-secret-key",
    DEVELOPMENT_SECRET,
    "testing-secret",
    "changeme" * 5,
    "change-me-" * 5,
    "x" * 64,
    "f3a1c9e4b7d2a8c5e6f0b1d3a9c7e5",  # 30 bytes of hex: random, but too short
    "ä" * 15 + "b",  # 31 bytes of UTF-8
]


@pytest.mark.parametrize("secret", WEAK)
def test_production_refuses_a_weak_secret_key(monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError) as refused:
        create_app("production")
    message = str(refused.value)
    assert "SECRET_KEY" in message
    assert MAKE_SECRET_HINT in message
    assert 'python -c "import secrets; print(secrets.token_urlsafe(48))"' in message


def test_the_hint_makes_a_key_that_production_accepts(monkeypatch):
    made = subprocess.run([sys.executable, "-c", "import secrets; print(secrets.token_urlsafe(48))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert weak_secret_key(made) is None
    monkeypatch.setenv("SECRET_KEY", made)
    assert create_app("production").config["SECRET_KEY"] == made


@pytest.mark.parametrize("secret", [secrets.token_hex(16), secrets.token_urlsafe(32), "ö" * 14 + "ÅÄ" * 2])
def test_random_keys_of_32_bytes_or_more_are_accepted(secret):
    assert len(secret.encode("utf-8")) >= 32
    assert weak_secret_key(secret) is None


def test_flask_refuses_to_start_from_the_command_line(tmp_path):
    """What an operator sees: `APP_CONFIG=production SECRET_KEY=changeme flask --app wsgi routes` fails."""
    env = {"APP_CONFIG": "production", "SECRET_KEY": "changeme", "PATH": "/usr/bin:/bin",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "token_urlsafe(48)" in result.stderr
