"""The network goals and roles a question can measure, from the charter (sections 3 and 6)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# code -> label. The benefits the network should bring, then its four roles (the network model of the
# association of municipalities), then the activities the charter names.
GOALS: dict[str, object] = {
    "faster": _l("Goals reached faster"),
    "innovative": _l("Goals reached more innovatively"),
    "efficient": _l("Goals reached more efficiently"),
    "flexible": _l("Goals reached more flexibly"),
    "peer_service": _l("Peer service"),
    "learning": _l("Learning and development"),
    "advocacy": _l("Advocacy"),
    "creating_new": _l("Creating the new"),
    "meetings": _l("Meetings and Democracy Day"),
    "working_groups": _l("Working groups"),
    "communication": _l("Mailing list and web page"),
}


def goal_label(code: str | None) -> str:
    """The goal's label in the interface language ("" for none or an unknown code)."""
    return str(GOALS.get(code or "", ""))


def goal_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for a select field, with "none" first."""
    return [("", "—")] + [(code, str(label)) for code, label in GOALS.items()]
