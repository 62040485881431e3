"""Server-side role checks shared by every domain."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from .extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

COORDINATOR = "coordinator"
MEMBER = "member"
ROLES = (MEMBER, COORDINATOR)


def is_coordinator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", None) == COORDINATOR)


def coordinator_required(view: F) -> F:
    """Visitors are sent to log in; logged-in members get 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_coordinator(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
