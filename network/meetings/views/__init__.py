"""Meetings' pages, one module per audience on one blueprint `bp` (endpoints "meetings.<name>"):

- `public`: the list, a meeting's page, its materials, and members' own registrations (/meetings, /my/meetings);
- `manage`: the coordinator's year view, editing, cancelling, minutes, materials, participants (/admin/meetings);
- `planner`: proposing and creating a year's four network meetings (/admin/meetings/plan/<year>).
"""

from __future__ import annotations

from . import manage, planner, public
from .common import bp

__all__ = ["bp", "manage", "planner", "public"]
