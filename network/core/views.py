from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_from_directory, session
from flask_login import current_user

from ..extensions import db
from ..health import check_health
from ..i18n import current_language
from ..pagecache import cached_page
from ..permissions import coordinator_required
from ..privacy import personal_data_descriptions
from ..registries import home_sections
from .legal import accessibility_statement
from .navigation import safe_next_url

bp = Blueprint("core", __name__)


@bp.before_app_request
def _fresh_request_state() -> None:
    """Forget what extensions cached on `g` for an earlier request: the language (Flask-Babel), the logged-in
    user (Flask-Login) and the CSRF token (Flask-WTF).

    In production every request has its own application context, so this changes nothing there. When requests
    run inside an application context that is already pushed (the test suite, scripts), `g` outlives the request
    and one request's language or user would otherwise leak into the next.
    """
    for name in ("_flask_babel", "_login_user", current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")):
        g.pop(name, None)


@bp.before_app_request
def _refuse_nul_characters() -> None:
    """No form field or query argument legitimately contains a NUL character, and PostgreSQL cannot store one in
    text (the insert would fail with a server error): such a request is a bad request."""
    for values in (request.args, request.form):
        for value in values.listvalues():
            if any("\x00" in item for item in value):
                abort(400)


@bp.after_app_request
def _static_files_in_one_piece(response):
    """The site's own static files are small: read them whole, so that Flask-Compress (which runs after this)
    compresses them like pages. It leaves streamed responses alone (COMPRESS_STREAMS is off: its streaming mode
    would leave the file open)."""
    if request.endpoint in ("static", "core.favicon") and response.direct_passthrough and response.status_code == 200:
        # Read and close the file here: make_sequence() would defer the close to the end of the WSGI response, which
        # never comes when the browser drops the connection first (the file was then closed by the collector).
        body = response.response
        response.direct_passthrough = False
        try:
            response.set_data(b"".join(body))
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
    return response


@bp.get("/")
@cached_page(per="minute")
def index():
    return render_template("core/index.html", sections=home_sections())


@bp.post("/language")
def set_language():
    """Works without login; a logged-in user's choice is also saved to their profile."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next"), default="/"))


@bp.get("/admin")
@coordinator_required
def admin_index():
    return render_template("core/admin.html")


@bp.get("/healthz")
def health():
    """200 when the database reads and writes and the outbox moves; 503 with the reasons (JSON) otherwise."""
    result = check_health()
    return result.as_json(), 200 if result.ok else 503, {"Cache-Control": "no-store"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; a day's caching."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@bp.get("/privacy")
def privacy():
    """The privacy notice (GDPR art. 13), its data sections described by each domain (network/privacy.py)."""
    return render_template("core/privacy.html", descriptions=personal_data_descriptions())


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement; its text is docs/accessibility.md."""
    statement = accessibility_statement(current_language(), current_app.config["ACCESSIBILITY_CONTACT_EMAIL"])
    return render_template("core/accessibility.html", statement=statement)
