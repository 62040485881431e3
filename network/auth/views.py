"""Accounts: registering, logging in, passwords, the profile, the person's own data, roles and link requests."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..abuse import attempt_limits, input_refused, mail_form_limits, valid_submission
from ..core.navigation import safe_next_url
from ..extensions import db, login_manager
from ..orgs.forms import ConfirmForm
from ..orgs.models import Organisation
from ..orgs.register import active_organisations, find_by_name
from ..pagination import paginate
from ..permissions import coordinator_required
from ..registries import personal_sections
from ..text import search_key
from ..timeutil import utcnow
from ..tokens import TokenError
from ..web import attempt
from . import accounts, organisation_links, people, sessions
from .forms import (
    NOT_LISTED,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmEmailChangeForm,
    ConfirmEmailForm,
    DeleteAccountForm,
    EndOtherSessionsForm,
    EndSessionForm,
    LinkConfirmForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    ResetRequestForm,
    RoleForm,
)
from .models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@bp.before_app_request
def _load_session():
    """Loads the request's person first thing, so that the session's "last seen" (noted by the loader at most
    once a minute) is committed before the view starts any work of its own. Best effort: a busy database does not
    turn a page view into an error.
    """
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    if g.pop("user_session_touched", False):
        try:
            db.session.commit()
        except OperationalError:
            db.session.rollback()


@login_manager.unauthorized_handler
def _unauthorized():
    flash(_("Please log in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _token_message(error: TokenError) -> str:
    if error.reason == "expired":
        return _("The link has expired. Ask for a new one below.")
    return _("The link is not valid. Check that you copied the whole link, or ask for a new one.")


def _organisation_choices() -> list[tuple[int, str]]:
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.left_on.is_(None)).order_by(Organisation.sort_column(), Organisation.id)
    )
    return [(NOT_LISTED, _("My organisation is not listed yet")), *((o.id, o.name) for o in organisations)]


@bp.route("/register", methods=["GET", "POST"])
@mail_form_limits("REGISTER_RATE_LIMIT", "10 per 10 minutes;60 per day")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = RegisterForm()
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        form.language.data = str(session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"])
    if valid_submission(form):
        data = accounts.Registration(
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            language=form.language.data,
            organisation_id=form.organisation.data or None,
            organisation_requested_name=(form.organisation_name.data or "").strip() or None
            if form.organisation.data == NOT_LISTED
            else None,
        )
        # The same answer whether the address is new or has an account (that account's holder gets a notice).
        sent = _("Thank you. If the address can receive mail, a message is on its way: open the link in it to go "
                 "on.")
        try:
            done, _user = attempt(lambda: accounts.register_user(data), form=form, success=sent)
        except IntegrityError:
            # Someone registered the same address at the same moment; the unique index refused the second.
            db.session.rollback()
            flash(sent, "success")
            done = True
        if done:
            return redirect(url_for("auth.login"))
        input_refused()  # an invalid address or a too short password: nothing was sent
    return render_template("auth/register.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button, POST confirms: mail security scanners fetch links, and a fetch must not confirm an
    address that someone else registered (they would then own an account under the victim's address)."""
    try:
        user = accounts.check_confirm_token(token)
    except TokenError as error:
        flash(_token_message(error), "error")
        return redirect(url_for("auth.resend_confirmation"))
    form = ConfirmEmailForm()
    if not form.validate_on_submit():
        return render_template("auth/confirm_email.html", form=form, address=user.email)
    accounts.confirm_email(token)
    db.session.commit()
    flash(_("Your e-mail address is confirmed. You can now log in."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@mail_form_limits("MAIL_LINK_RATE_LIMIT", "5 per 10 minutes;30 per day")
def resend_confirmation():
    form = ResendConfirmationForm()
    if valid_submission(form):
        accounts.resend_confirmation(form.email.data)
        db.session.commit()
        # The same answer whether or not the account exists: no probing of addresses.
        flash(_("If an unconfirmed account uses this address, a new confirmation link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/resend_confirmation.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@attempt_limits("LOGIN_RATE_LIMIT", "9 per minute")
def login():
    next_url = safe_next_url(request.values.get("next"), default=url_for("core.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if valid_submission(form):
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail address or password."))
        elif not user.email_confirmed:
            form.email.errors.append(
                _("Confirm your e-mail address first: open the link we sent you, or ask for a new one.")
            )
        else:
            remember = bool(form.remember.data)
            sessions.start_session(user, remember=remember, user_agent=request.user_agent.string)
            login_user(user, remember=remember, duration=current_app.config["REMEMBER_COOKIE_DURATION"])
            user.last_login_at = utcnow()
            session["lang"] = user.language
            db.session.commit()
            flash(_("Welcome, %(name)s!", name=user.name), "success")
            return redirect(next_url)
    status = 200 if request.method == "GET" else 401
    # Only a next address that would be followed is carried into the form.
    carried_next = safe_next_url(request.values.get("next"), default="")
    return render_template("auth/login.html", form=form, next_url=carried_next), status


@bp.post("/logout")
def logout():
    row = sessions.current_session() if current_user.is_authenticated else None
    if row is not None:
        # The server forgets the session: a copy of the session or remember cookie opens nothing any more.
        db.session.delete(row)
        db.session.commit()
    logout_user()
    # The chosen interface language stays: logging out is no reason to switch language.
    flash(_("You have logged out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/reset", methods=["GET", "POST"])
@mail_form_limits("MAIL_LINK_RATE_LIMIT", "5 per 10 minutes;30 per day")
def request_reset():
    form = ResetRequestForm()
    if valid_submission(form):
        accounts.queue_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses this address, a link to reset the password is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if request.method == "GET":
        # Say at once when the link cannot work, rather than after a new password has been typed.
        try:
            accounts.check_reset_token(token)
        except TokenError as error:
            flash(_token_message(error), "error")
            return redirect(url_for("auth.request_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            keep = sessions.current_session() if current_user.is_authenticated else None
            done, _user = attempt(lambda: accounts.reset_password(token, form.password.data, keep=keep), form=form,
                                  success=_("Your password has been changed. You can now log in."))
        except TokenError as error:
            db.session.rollback()
            flash(_token_message(error), "error")
            return redirect(url_for("auth.request_reset"))
        if done:
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.get("/me")
@login_required
def me():
    """The member's own page: "my meetings, my groups, my survey", each contributed by its domain's hooks."""
    return render_template("auth/me.html", sections=personal_sections(current_user))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        done, _result = attempt(
            lambda: accounts.update_profile(current_user, name=form.name.data, title=form.title.data,
                                            language=form.language.data, public_profile=form.public_profile.data),
            form=form,
        )
        if done:
            session["lang"] = current_user.language
            # Flashed after the language is switched, so the message comes in the language just chosen.
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


@bp.route("/profile/email", methods=["GET", "POST"])
@login_required
@mail_form_limits("MAIL_LINK_RATE_LIMIT", "5 per 10 minutes;30 per day")
def change_email():
    """A new address is taken into use only from the link sent to it; the old address is told when it is."""
    form = ChangeEmailForm()
    if valid_submission(form):
        user = current_user._get_current_object()
        # The same answer whether or not the new address has an account (its holder gets a notice instead).
        done, _address = attempt(
            lambda: accounts.request_email_change(user, form.email.data, form.password.data), form=form,
            success=lambda address: _("We sent a link to %(address)s. Your address changes when you open it.",
                                      address=address),
        )
        if done:
            return redirect(url_for("auth.profile"))
        if not form.password.errors:
            input_refused()  # an invalid or unchanged address; a wrong password is a guess and counts
    return render_template("auth/change_email.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/profile/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """GET shows a button, POST changes the address (a mail scanner's fetch changes nothing); works without login,
    since the link itself proves the new address."""
    try:
        _user, address = accounts.check_email_change_token(token)
    except TokenError as error:
        flash(_token_message(error), "error")
        return redirect(url_for("auth.change_email"))
    form = ConfirmEmailChangeForm()
    if form.validate_on_submit():
        try:
            # No form field to show a refusal next to: it is flashed.
            done, _result = attempt(lambda: accounts.confirm_email_change(token),
                                    success=_("Your e-mail address is now %(address)s.", address=address))
        except TokenError as error:
            db.session.rollback()
            flash(_token_message(error), "error")
            return redirect(url_for("auth.change_email"))
        if done:
            return redirect(url_for("auth.profile"))
    return render_template("auth/confirm_email_change.html", form=form, address=address)


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        done, _result = attempt(
            lambda: accounts.change_password(user, form.current_password.data, form.password.data,
                                             keep=sessions.current_session()),
            form=form, success=_("Your password has been changed. Your other sessions have been ended."),
        )
        if done:
            return redirect(url_for("auth.my_sessions"))
    return render_template("auth/change_password.html", form=form), 200 if request.method == "GET" else 422


@bp.get("/me/sessions")
@login_required
def my_sessions():
    """The person's active sessions (device, last seen, started), each with a button that ends it."""
    return render_template(
        "auth/sessions.html",
        sessions=sessions.active_sessions(current_user),
        current=sessions.current_session(),
        end_form=EndSessionForm(),
        end_others_form=EndOtherSessionsForm(),
    )


@bp.post("/me/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if not EndSessionForm().validate_on_submit():
        abort(400)
    current = sessions.current_session()
    try:
        sessions.end_session(current_user, session_id)
    except sessions.SessionError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    if current is not None and current.id == session_id:
        logout_user()
        flash(_("You have logged out."), "info")
        return redirect(url_for("core.index"))
    flash(_("The session has been ended."), "success")
    return redirect(url_for("auth.my_sessions"))


@bp.post("/me/sessions/end-others")
@login_required
def end_other_sessions():
    if not EndOtherSessionsForm().validate_on_submit():
        abort(400)
    count = sessions.end_sessions(current_user, keep=sessions.current_session())
    db.session.commit()
    flash(_("Other sessions ended: %(count)d.", count=count), "success")
    return redirect(url_for("auth.my_sessions"))


@bp.get("/admin/users")
@coordinator_required
def admin_users():
    query = (request.args.get("q") or "").strip()
    statement = select(User).order_by(User.sort_column(), User.id)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(or_(User.email.like(like), User.name.ilike(f"%{query}%")))
    page = paginate(statement)
    return render_template("auth/admin_users.html", page=page, query=query, search_key=search_key)


@bp.post("/admin/users/<int:user_id>/role")
@coordinator_required
def change_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if form.validate_on_submit():
        attempt(lambda: accounts.change_role(user, form.role.data, actor=current_user),
                success=lambda _changed: _("The role of %(name)s is now: %(role)s.", name=user.name,
                                           role=dict(form.role.choices)[user.role]))
    else:
        flash(_("Choose a role."), "error")
    return redirect(url_for("auth.admin_users", q=request.args.get("q") or None))


# The person's own data


@bp.get("/me/data")
@login_required
def my_data():
    return render_template("auth/my_data.html")


@bp.get("/me/export.json")
@login_required
def export_my_data():
    body = json.dumps(people.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="omat-tiedot.json"',
                             "Cache-Control": "no-store"})


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        language = user.language  # read before the account is gone
        done, _result = attempt(lambda: people.delete_account(user, form.password.data), form=form)
        if done:
            logout_user()
            session.clear()
            # The account's language stays for the confirmation and the pages after it (the session no longer
            # knows the person, and would fall back to Finnish).
            if language in current_app.config["LANGUAGES"]:
                session["lang"] = language
            with force_locale(session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]):
                flash(_("Your account and your personal data have been deleted."), "success")
            return redirect(url_for("core.index"))
    return render_template("auth/delete_account.html", form=form), 200 if request.method == "GET" else 422


# Coordinator: people waiting for their organisation to be confirmed


def _link_choices() -> list[tuple[int, str]]:
    return [(0, _("Choose…")), *((o.id, o.name) for o in active_organisations() if o.is_member)]


def _chosen_organisation(org_id: int | None) -> Organisation | None:
    """The organisation a form field names; None for nothing chosen or a number no database row can have."""
    if not org_id or not 0 < org_id < 2**63:
        return None
    return db.session.get(Organisation, org_id)


@bp.get("/admin/organisations/link-requests")
@coordinator_required
def link_requests():
    requests_ = organisation_links.pending_link_requests()
    forms = {}
    for user in requests_:
        form = LinkConfirmForm(prefix=f"u{user.id}")
        form.organisation.choices = _link_choices()
        # An organisation not listed at registration may have joined since: suggest it by name.
        suggested = find_by_name(user.organisation_requested_name or "")
        form.organisation.data = user.organisation_id or (suggested.id if suggested else 0)
        forms[user.id] = form
    return render_template("auth/link_requests.html", requests=requests_, forms=forms, reject=ConfirmForm())


def _pending_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.organisation_link_pending:
        abort(404)
    return user


@bp.post("/admin/organisations/link-requests/<int:user_id>/confirm")
@coordinator_required
def confirm_link(user_id: int):
    user = _pending_user_or_404(user_id)
    form = LinkConfirmForm(prefix=f"u{user.id}")
    form.organisation.choices = _link_choices()
    if form.validate_on_submit():
        org = _chosen_organisation(form.organisation.data)
        attempt(lambda: organisation_links.confirm_link(user, org, current_user),
                success=lambda _result: _("%(person)s is now linked to %(organisation)s.", person=user.name,
                                          organisation=org.name))
    return redirect(url_for("auth.link_requests"))


@bp.post("/admin/organisations/link-requests/<int:user_id>/reject")
@coordinator_required
def reject_link(user_id: int):
    user = _pending_user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        attempt(lambda: organisation_links.reject_link(user, current_user),
                success=_("The link request of %(person)s was rejected.", person=user.name))
    return redirect(url_for("auth.link_requests"))
