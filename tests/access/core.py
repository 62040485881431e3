from . import FORBIDDEN, LOGIN, OK, REDIRECT, Access

RULES = [
    Access("core.index", "GET", "/", OK, OK, OK),
    Access("core.admin_index", "GET", "/admin", LOGIN, FORBIDDEN, OK),
    Access("core.health", "GET", "/healthz", OK, OK, OK),
    Access("core.set_language", "POST", "/language", REDIRECT, REDIRECT, REDIRECT, {"lang": "sv"}),
    Access("core.favicon", "GET", "/favicon.ico", OK, OK, OK),
    Access("core.privacy", "GET", "/privacy", OK, OK, OK),
    Access("core.accessibility", "GET", "/accessibility", OK, OK, OK),
    Access("static", "GET", "/static/css/site.css", OK, OK, OK),
]

__all__ = ["RULES", "LOGIN"]
