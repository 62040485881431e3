"""Rate limits for the forms a visitor can use to make the platform send mail or to guess a password:
registration, subscription, password reset, a new confirmation link, the mailing list's manage link, the
membership application, a change of e-mail address, and logging in.

Limits (Flask-Limiter, counted in `RATELIMIT_STORAGE_URI`, Redis under several processes):
- per client (the requester's address, after PROXY_COUNT trusted proxies): each form's own limit, from the config;
- per target address: one limit shared by all the forms that mail a typed address (`MAIL_TARGET_RATE_LIMIT`,
  scope "mail-target"), so that nobody can flood a victim's inbox by spreading requests over several forms or many
  client addresses.

Only submissions that the form accepts use up a limit: one refused for its input (a missing field, a malformed or
unreceivable address, an expired form) sends nothing and costs nothing, so a typo never locks anyone out. A view
says so through `valid_submission(form)` (instead of `form.validate_on_submit()`) and `input_refused()` (a rule's
refusal of the input after validation). A wrong password is not "input": it is a guess, and it counts.

The target key is a digest of the typed address (trimmed, case-folded), so the limiter's storage holds no address in
clear. The answer past a limit (429, `network/errors.py`) says in the user's language how long to wait, carries
Retry-After, and is the same whether or not the address belongs to anyone; nothing is stored or sent.
The numbers, and why, are in docs/security.md ("Abuse limits").
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm

from .extensions import limiter

TARGET_SCOPE = "mail-target"
DEFAULT_TARGET_LIMIT = "5 per 10 minutes;20 per day"
# The views each decorator limits ("module.qualname" -> "mail form" or "password attempts"): a test checks that
# every page form taking an e-mail address posts to one of them (tests/security/test_form_limits.py).
LIMITED_VIEWS: dict[str, str] = {}
MAIL_FORM = "mail form"
PASSWORD_ATTEMPTS = "password attempts"
_REFUSED = "network.abuse.input_refused"  # in the request's environ (g can outlive a request)


def client_key() -> str:
    """The requester's address (what every per-client limit counts by)."""
    return get_remote_address()


def target_address_key(field: str = "email") -> str:
    """The limiter key of the address typed into the form's `field`: "address:<sha256>"; a request without one is
    counted by its client instead (so empty submissions do not share one bucket).
    """
    typed = (request.form.get(field) or "").strip().casefold()
    if not typed:
        return f"client:{client_key()}"
    return "address:" + hashlib.sha256(typed.encode("utf-8", "surrogatepass")).hexdigest()


def config_limit(name: str, default: str) -> Callable[[], str]:
    """A limit read from the app's config `name` when the request comes (tests and deployments can change it)."""
    return lambda: str(current_app.config.get(name) or default)


def input_refused() -> None:
    """Note that this request was refused for its input (nothing was sent or stored): it uses up no limit."""
    request.environ[_REFUSED] = True


def valid_submission(form: FlaskForm) -> bool:
    """`form.validate_on_submit()` for a rate-limited view: a submission the form refuses is noted with
    `input_refused()`, so that it does not count against the view's limits. Returns whether the form is valid.
    """
    if form.validate_on_submit():
        return True
    if form.is_submitted():
        input_refused()
    return False


def submission_counts(response: Response) -> bool:
    """Whether a limited request uses up its limits (Flask-Limiter's `deduct_when`): every one except those refused
    for their input (`input_refused`) and those refused before the view ran (400: an expired or missing form token).
    """
    return response.status_code != 400 and not request.environ.get(_REFUSED, False)


def failed_attempt_counts(response: Response) -> bool:
    """`deduct_when` of the login: only failed attempts (a successful login redirects) that were not refused for
    their input count.
    """
    return response.status_code != 302 and submission_counts(response)


def mail_form_limits(client_limit_name: str, default: str, field: str = "email") -> Callable:
    """The decorator for a view whose POST mails the address typed into `field`: the per-client limit from config
    `client_limit_name` and the shared per-target-address limit (MAIL_TARGET_RATE_LIMIT), both counting only
    accepted submissions (see `valid_submission`). GET is never limited.
    """
    per_client = limiter.limit(config_limit(client_limit_name, default), key_func=client_key, methods=["POST"],
                               deduct_when=submission_counts)
    per_target = limiter.shared_limit(
        config_limit("MAIL_TARGET_RATE_LIMIT", DEFAULT_TARGET_LIMIT),
        scope=TARGET_SCOPE,
        key_func=lambda: target_address_key(field),
        methods=["POST"],
        deduct_when=submission_counts,
    )

    def decorate(view: Callable) -> Callable:
        LIMITED_VIEWS[view_name(view)] = MAIL_FORM
        return per_client(per_target(view))

    return decorate


def attempt_limits(client_limit_name: str, default: str) -> Callable:
    """The decorator for a view that checks a password (the login): per client, only failed attempts count (a
    submission refused for its input does not). GET is never limited.
    """
    per_client = limiter.limit(config_limit(client_limit_name, default), key_func=client_key, methods=["POST"],
                               deduct_when=failed_attempt_counts)

    def decorate(view: Callable) -> Callable:
        LIMITED_VIEWS[view_name(view)] = PASSWORD_ATTEMPTS
        return per_client(view)

    return decorate


def view_name(view: Callable) -> str:
    """The name `LIMITED_VIEWS` knows a view function by: "module.qualname" (of the function under decorators)."""
    view = inspect.unwrap(view)
    return f"{view.__module__}.{view.__qualname__}"
