from . import FORBIDDEN, LOGIN, OK, Access

RULES = [
    Access("audit.index", "GET", "/admin/audit", LOGIN, FORBIDDEN, OK),
    Access("audit.index", "GET", "/admin/audit?entity_type=organisation&date_from=2026-01-01", LOGIN, FORBIDDEN, OK),
]
