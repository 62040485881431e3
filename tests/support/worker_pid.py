"""gunicorn entry point for the multi-process tests: the real application (wsgi:app), each answer carrying the
id of the worker process that served it (X-Worker-Pid), so a test can tell the workers apart."""

from __future__ import annotations

import os

from wsgi import app as application


def app(environ, start_response):
    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], exc_info)

    return application(environ, start)
