"""Rate limits for the forms that send mail to an address someone types: registration, subscription, password
reset, a new confirmation link (and the mailing list's manage link).

Two limits apply to each of them (Flask-Limiter):
- per client (the requester's address, after PROXY_COUNT trusted proxies): each form's own limit, from the config;
- per target address: one limit shared by all these forms (`MAIL_TARGET_RATE_LIMIT`, scope "mail-target"), so
  that nobody can flood a victim's inbox by spreading requests over several forms or many client addresses.

The target key is a digest of the typed address (trimmed, case-folded), so the limiter's storage (Redis) holds no
address in clear. The answer past a limit (429) is the same whether or not the address belongs to anyone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address

from .extensions import limiter

TARGET_SCOPE = "mail-target"


def client_key() -> str:
    """The requester's address (what every per-client limit counts by)."""
    return get_remote_address()


def target_address_key() -> str:
    """The limiter key of the address typed into the form's `email` field: "address:<sha256>"; a request without
    one is counted by its client instead (so empty submissions do not share one bucket).
    """
    typed = (request.form.get("email") or "").strip().casefold()
    if not typed:
        return f"client:{client_key()}"
    return "address:" + hashlib.sha256(typed.encode("utf-8", "surrogatepass")).hexdigest()


def config_limit(name: str, default: str) -> Callable[[], str]:
    """A limit read from the app's config `name` when the request comes (tests and deployments can change it)."""
    return lambda: str(current_app.config.get(name) or default)


def mail_form_limits(client_limit_name: str, default: str) -> Callable:
    """The decorator for a view whose POST mails a typed address: the per-client limit from config
    `client_limit_name` and the shared per-target-address limit (MAIL_TARGET_RATE_LIMIT). GET is never limited.
    """
    per_client = limiter.limit(config_limit(client_limit_name, default), key_func=client_key, methods=["POST"])
    per_target = limiter.shared_limit(
        config_limit("MAIL_TARGET_RATE_LIMIT", "3 per 10 minutes;10 per day"),
        scope=TARGET_SCOPE,
        key_func=target_address_key,
        methods=["POST"],
    )

    def decorate(view: Callable) -> Callable:
        return per_client(per_target(view))

    return decorate
