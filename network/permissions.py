"""Server-side role checks shared by every domain."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from .extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

class Role(StrEnum):
    """A person's role on the platform; stored as its text value."""

    MEMBER = "member"
    COORDINATOR = "coordinator"


COORDINATOR = Role.COORDINATOR
MEMBER = Role.MEMBER
ROLES = (MEMBER, COORDINATOR)


def is_coordinator(user: Any) -> bool:
    """True for a logged-in user whose role is coordinator (False for visitors)."""
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


# --- Who may manage an object ------------------------------------------------------------------------------------

Policy = Callable[[Any, Any], bool]
_policies: dict[type, Policy] = {}


def management_policy(model: type) -> Callable[[Policy], Policy]:
    """Register `policy(user, obj) -> bool` deciding who besides coordinators may manage objects of `model`.

    E.g. a working group registers "its chair"; objects without a policy are managed by coordinators only.
    """

    def register(policy: Policy) -> Policy:
        _policies[model] = policy
        return policy

    return register


def may_manage(user: Any, obj: Any) -> bool:
    """True when `user` may change `obj`: a coordinator always; otherwise the policy of obj's class (or a base).

    `user` may be anonymous (False). Checked on the server by every managing route; templates get the result
    as a `can_manage` flag.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if is_coordinator(user):
        return True
    for cls in type(obj).__mro__:
        policy = _policies.get(cls)
        if policy is not None:
            return bool(policy(user, obj))
    return False
