from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user

from ..extensions import db
from .navigation import safe_next_url

bp = Blueprint("core", __name__)


@bp.get("/")
def index():
    return render_template("core/index.html")


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


@bp.get("/healthz")
def health():
    return {"status": "ok"}
