"""Mailing list pages: subscribe, confirm, unsubscribe, manage, posts and their archive, delivery progress."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..abuse import input_refused, mail_form_limits, valid_submission
from ..audit.trail import record_change
from ..extensions import csrf, db, login_manager
from ..i18n import current_language
from ..mail.models import AddressHealth
from ..markup import render_markdown
from ..pagecache import cached_page
from ..pagination import paginate
from ..permissions import coordinator_required, is_coordinator, may_manage
from ..text import ascii_int, search_key
from ..timeutil import helsinki_to_utc
from ..tokens import TokenError, read_token
from ..web import apply_rule_error, attempt, attempt_once
from . import invite_views
from . import lists as list_rules
from . import posts as post_rules
from . import subscriptions as rules
from .forms import ConfirmForm, ManageForm, ManageLinkForm, PostForm, SubscribeForm
from .models import CANCELLED, DRAFT, GROUP_LIST, QUEUED, SCHEDULED, MailingList, Post, Subscriber, Subscription
from .pages import token_error

bp = Blueprint("mailing", __name__)
# Meeting invitations and the answers to them (invite_views.py) are pages of this blueprint too.
invite_views.attach(bp)


# --- subscribing ---------------------------------------------------------------------------------------------


@bp.route("/subscribe", methods=["GET", "POST"])
@mail_form_limits("SUBSCRIBE_RATE_LIMIT", "10 per 10 minutes;60 per day")
def subscribe():
    form = SubscribeForm()
    if request.method == "GET":
        form.language.data = current_language()
        if current_user.is_authenticated:
            form.email.data = current_user.email
            form.name.data = current_user.name
    if valid_submission(form):
        done, address = attempt(
            lambda: rules.request_subscription(form.email.data, form.name.data or "", form.language.data), form=form
        )
        if done:
            return render_template("mailing/subscribe_sent.html", address=address)
        input_refused()  # an unreceivable address or an unusable name: nothing was sent
    status = 200 if request.method == "GET" else 422
    return render_template("mailing/subscribe.html", form=form, mailing_list=list_rules.main_list()), status


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button (link scanners must not confirm by fetching); POST confirms."""
    form = ConfirmForm()
    try:
        payload = read_token(rules.CONFIRM_PURPOSE, token, rules.confirm_max_age())
    except TokenError as error:
        return token_error(error, "confirm")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        subscriber = rules.confirm_subscription(token)
        db.session.commit()
        return render_template("mailing/confirmed.html", subscriber=subscriber,
                               manage_token=rules.manage_token(subscriber))
    return render_template("mailing/confirm.html", form=form, address=payload.get("e"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a CSRF token; the token is signed
def unsubscribe(token: str):
    try:
        subscriber, mailing_list = rules.read_unsubscribe_token(token)
    except TokenError as error:
        return token_error(error, "unsubscribe")
    name = list_rules.list_name(mailing_list, subscriber.language)
    if request.method == "POST":
        rules.unsubscribe(subscriber, mailing_list)
        db.session.commit()
        return render_template("mailing/unsubscribed.html", list_name=name,
                               manage_token=rules.manage_token(subscriber))
    if mailing_list.id not in rules.active_list_ids(subscriber):
        # Already unsubscribed (e.g. by the mail client's one-click POST): say so, and offer to subscribe again.
        return render_template("mailing/unsubscribed.html", list_name=name, address=subscriber.email,
                               already=True, manage_token=rules.manage_token(subscriber))
    return render_template("mailing/unsubscribe.html", list_name=name, address=subscriber.email, token=token)


def _manage(subscriber: Subscriber | None, action: str, template_args: dict):
    form = ManageForm()
    lists = rules.available_lists(subscriber)
    form.lists.choices = [(m.id, list_rules.list_name(m, subscriber.language if subscriber else "fi")) for m in lists]
    if request.method == "GET":
        form.lists.data = sorted(rules.active_list_ids(subscriber))
        form.language.data = subscriber.language if subscriber else template_args.get("language", "fi")
    if form.validate_on_submit():
        if subscriber is None:
            subscriber = rules.subscriber_for_user(current_user, create=True)
        attempt(lambda: rules.update_preferences(subscriber, form.language.data, form.lists.data or []),
                success=_("Your choices have been saved."))
        return redirect(action)
    return render_template("mailing/manage.html", form=form, subscriber=subscriber, action=action, **template_args)


@bp.route("/subscriptions/<token>", methods=["GET", "POST"])
def manage(token: str):
    try:
        subscriber = rules.read_manage_token(token)
    except TokenError as error:
        return token_error(error, "manage")
    return _manage(subscriber, url_for("mailing.manage", token=token), {"address": subscriber.email})


@bp.route("/subscriptions", methods=["GET", "POST"])
@mail_form_limits("MAIL_LINK_RATE_LIMIT", "5 per 10 minutes;30 per day")
def manage_link():
    form = ManageLinkForm()
    if valid_submission(form):
        rules.queue_manage_link(form.email.data)
        db.session.commit()
        flash(_("If this address is subscribed, a link to manage the subscription is on its way."), "info")
        return redirect(url_for("mailing.manage_link"))
    return render_template("mailing/manage_link.html", form=form)


@bp.route("/me/subscriptions", methods=["GET", "POST"])
@login_required
def my_subscriptions():
    subscriber = rules.subscriber_for_user(current_user, create=False)
    if subscriber is not None:
        db.session.commit()
    return _manage(
        subscriber,
        url_for("mailing.my_subscriptions"),
        {"address": current_user.email, "language": current_user.language, "mine": True},
    )


# --- archive -------------------------------------------------------------------------------------------------


def _archive_statement(mailing_list: MailingList, query: str):
    statement = (
        select(Post)
        .where(Post.list_id == mailing_list.id, Post.status == QUEUED)
        .order_by(*Post.sent_newest_first())
    )
    for word in search_key(query).split():
        statement = statement.where(Post.search_text.contains(word, autoescape=True))
    return statement


@bp.get("/posts")
@cached_page(per="minute")
def archive():
    mailing_list = list_rules.main_list()
    db.session.commit()
    query = (request.args.get("q") or "").strip()[:200]
    page = paginate(_archive_statement(mailing_list, query))
    return render_template(
        "mailing/archive.html", page=page, query=query, mailing_list=mailing_list,
        can_post=bool(current_user.is_authenticated and list_rules.postable_lists(current_user)),
        can_manage=may_manage(current_user, mailing_list), endpoint="mailing.archive", endpoint_args={},
    )


@bp.get("/lists/<slug>/posts")
def list_archive(slug: str):
    mailing_list = db.session.scalar(select(MailingList).where(MailingList.slug == slug)) or abort(404)
    if mailing_list.is_main:
        return redirect(url_for("mailing.archive"))
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not list_rules.can_read_archive(current_user, mailing_list):
        abort(403)
    query = (request.args.get("q") or "").strip()[:200]
    page = paginate(_archive_statement(mailing_list, query))
    return render_template(
        "mailing/archive.html", page=page, query=query, mailing_list=mailing_list,
        can_post=list_rules.can_post(current_user, mailing_list),
        can_manage=may_manage(current_user, mailing_list), endpoint="mailing.list_archive", endpoint_args={"slug": slug},
    )


def _post_or_404(post_id: int) -> Post:
    post = db.session.get(Post, post_id) or abort(404)
    manager = list_rules.can_post(current_user, post.mailing_list)
    if post.status != QUEUED and not manager:
        abort(404)
    if not post.mailing_list.is_main and not list_rules.can_read_archive(current_user, post.mailing_list):
        if not current_user.is_authenticated:
            abort(404)
        abort(403)
    return post


@bp.get("/posts/<int:post_id>")
@cached_page(per="minute")
def post(post_id: int):
    post = _post_or_404(post_id)
    manager = list_rules.can_post(current_user, post.mailing_list)
    return render_template(
        "mailing/post.html", post=post, manager=manager,
        body_html=render_markdown(post.body_in()),
        progress=post_rules.post_progress(post) if manager else None,
    )


@bp.get("/posts/<int:post_id>/progress.json")
@login_required
def post_progress(post_id: int):
    post = db.session.get(Post, post_id) or abort(404)
    if not list_rules.can_post(current_user, post.mailing_list):
        abort(403)
    return jsonify(status=post.status, **post_rules.post_progress(post).as_dict())


# --- writing posts -------------------------------------------------------------------------------------------


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def new_post():
    lists = list_rules.postable_lists(current_user)
    if not lists:
        abort(403)
    if not any(m.is_main for m in lists) and current_user.is_authenticated and is_coordinator(current_user):
        lists.insert(0, list_rules.main_list())
    form = PostForm()
    form.mailing_list.choices = [(m.id, m.name_fi) for m in lists]
    if request.method == "GET":
        wanted = request.args.get("list", type=ascii_int)
        form.mailing_list.data = wanted if wanted in {m.id for m in lists} else lists[0].id
    preview = None
    if form.validate_on_submit():
        mailing_list = next(m for m in lists if m.id == form.mailing_list.data)
        send_at = None
        if form.when.data == "later":
            if form.send_at.data is None:
                form.send_at.errors.append(_("Choose the sending time."))
                return _render_new_post(form, preview, mailing_list), 422
            if form.send_at.data.year < 2000:  # long past, and too early to convert to UTC at all
                form.send_at.errors.append(_("The sending time must be in the future."))
                return _render_new_post(form, preview, mailing_list), 422
            send_at = helsinki_to_utc(form.send_at.data)
        data = post_rules.PostInput(
            subject_fi=form.subject_fi.data, body_fi=form.body_fi.data,
            subject_sv=form.subject_sv.data, body_sv=form.body_sv.data, send_at=send_at,
            subject_en=form.subject_en.data, body_en=form.body_en.data,
        )
        try:
            post_rules.check_post(data)
        except post_rules.PostError as error:
            apply_rule_error(form, error)
            return _render_new_post(form, preview, mailing_list), 422
        if form.preview.data or not form.confirm.data:
            # A preview, or "Send" pressed: nothing goes out before the coordinator has seen what goes to whom.
            recipients = rules.recipients_by_language(mailing_list)
            preview = {
                "fi": render_markdown(data.body_fi), "sv": render_markdown(data.body_sv) if data.body_sv else None,
                "subject_fi": data.subject_fi, "subject_sv": data.subject_sv,
                "en": render_markdown(data.body_en) if data.body_en else None, "subject_en": data.subject_en,
                "confirming": not form.preview.data, "recipients": sum(recipients.values()),
                "by_language": [(code, recipients.get(code, 0)) for code in ("fi", "sv", "en")],
            }
            return _render_new_post(form, preview, mailing_list)
        return _send_post(form, mailing_list, data, send_at)
    status = 200 if request.method == "GET" else 422
    return _render_new_post(form, preview, None), status


def _send_post(form, mailing_list: MailingList, data: post_rules.PostInput, send_at):
    """Send or schedule a checked post; the same post sent twice answers as the first time did."""
    already = post_rules.find_resend(mailing_list, current_user, data)
    if already is not None:
        # The same post sent twice (a double click, a reloaded form, two clicks at the same instant): one post, and
        # the same answer as the first time.
        db.session.rollback()
        flash(post_rules.resend_message(already.status), "info")
        return redirect(url_for("mailing.post", post_id=already.id))

    def send() -> Post:
        post = post_rules.create_post(mailing_list, current_user, data)
        record_change(current_user, "post.schedule" if send_at else "post.send", "mailing_post", post.id,
                      summary=post.subject_fi)
        return post

    done, post = attempt_once(send, form=form, load=lambda post_id: db.session.get(Post, post_id),
                              success=lambda post: _("The post is scheduled.") if send_at else _(
                                  "The post is on its way to %(count)d subscribers.", count=post.recipient_count))
    if not done:
        return _render_new_post(form, None, mailing_list), 422
    return redirect(url_for("mailing.post", post_id=post.id))


def _render_new_post(form, preview, mailing_list):
    return render_template("mailing/new_post.html", form=form, preview=preview, mailing_list=mailing_list)


@bp.route("/posts/<int:post_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_post(post_id: int):
    post = db.session.get(Post, post_id) or abort(404)
    if not list_rules.can_post(current_user, post.mailing_list):
        abort(403)
    form = ConfirmForm()
    if post.status != SCHEDULED:
        flash(_("Only a scheduled post can be cancelled."), "error")
        return redirect(url_for("mailing.post", post_id=post.id))
    if form.validate_on_submit():
        def cancel() -> None:
            post_rules.cancel_post(post)
            record_change(current_user, "post.cancel", "mailing_post", post.id, summary=post.subject_fi)

        attempt(cancel, success=_("The scheduled post was cancelled; nothing was sent."))
        return redirect(url_for("mailing.post", post_id=post.id))
    return render_template("mailing/cancel_post.html", post=post, form=form)


# --- coordinator overview -------------------------------------------------------------------------------------


@bp.get("/mailing")
@coordinator_required
def admin():
    list_rules.main_list()
    db.session.commit()
    lists = list(db.session.scalars(select(MailingList).order_by(MailingList.kind.desc(), MailingList.id)))
    counts = dict(
        db.session.execute(
            select(Subscription.list_id, func.count(Subscription.id))
            .join(Subscriber)
            .where(Subscription.active.is_(True), Subscriber.confirmed_at.is_not(None))
            .group_by(Subscription.list_id)
        ).all()
    )
    page = paginate(
        select(Post).where(Post.status.in_([QUEUED, SCHEDULED, CANCELLED, DRAFT])).order_by(*Post.newest_first())
    )
    failing = list(
        db.session.scalars(
            select(AddressHealth).where(AddressHealth.failing_since.is_not(None)).order_by(AddressHealth.email).limit(50)
        )
    )
    return render_template(
        "mailing/admin.html", lists=lists, counts=counts, page=page, failing=failing, group_kind=GROUP_LIST,
    )
