"""Error pages are localised and keep the layout (400, 403, 404, 405, 429, 500)."""

from __future__ import annotations

import pytest

from ..conftest import choose_language


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Sivua ei löytynyt"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
def test_404(client, lang, title):
    choose_language(client, lang)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{title}</h1>" in page
    assert 'href="#main"' in page  # the full layout, with the skip link


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Ei käyttöoikeutta"), ("sv", "Åtkomst nekad"), ("en", "Access denied")],
)
def test_403(member_client, lang, title):
    choose_language(member_client, lang)
    response = member_client.get("/admin/users")
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Jokin meni vikaan"), ("sv", "Något gick fel"), ("en", "Something went wrong")],
)
def test_500(app, lang, title):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/test-broken", "test_broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    choose_language(client, lang)
    response = client.get("/test-broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert "boom" not in page


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Lomake on vanhentunut"), ("sv", "Formuläret har gått ut"), ("en", "The form has expired")],
)
def test_400_csrf(csrf_app, lang, title):
    client = csrf_app.test_client()
    choose_language(client, lang)
    response = client.post("/register", data={"name": "x"})
    assert response.status_code == 400
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


def test_register_without_csrf_token_creates_nothing(csrf_app):
    from ..auth.helpers import outbox_count, registration, user_count

    response = csrf_app.test_client().post("/register", data=registration())
    assert response.status_code == 400
    assert user_count() == 0 and outbox_count() == 0


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fi", "Liian monta yritystä"), ("sv", "För många försök"), ("en", "Too many attempts")],
)
def test_429(client, lang, title):
    choose_language(client, lang)
    for _ in range(10):
        response = client.post("/login", data={"email": "nobody@example.fi", "password": "wrong-password-1"})
    assert response.status_code == 429
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


def test_405(client):
    choose_language(client, "sv")
    response = client.get("/language")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "<h1>Åtgärden är inte tillåten</h1>" in response.get_data(as_text=True)


def test_500_page_survives_a_failing_layout(app):
    """When even the layout cannot be rendered (e.g. the database is down), a plain localised page is served."""

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/test-broken", "test_broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.jinja_env.globals["main_menu"] = lambda: 1 / 0  # the layout fails
    response = app.test_client().get("/test-broken")
    assert response.status_code == 500
    assert "<h1>Jokin meni vikaan</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/meetings/99999999999999999999", "/organisations/99999999999999999999",
                                  "/posts/99999999999999999999", "/meetings/99999999999999999999.ics"])
def test_id_too_large_for_the_database_is_404_not_500(client, path):
    assert client.get(path).status_code == 404


def test_nul_character_in_input_is_a_bad_request(member_client, member):
    """PostgreSQL cannot store NUL in text: refused up front instead of failing inside the database."""
    response = member_client.post("/profile", data={"name": "Maija\x00", "language": "fi"})
    assert response.status_code == 400
    assert member_client.get("/organisations?q=a%00b").status_code == 400
    assert member.name == "Maija Member"
