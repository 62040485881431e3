"""The baseline of bench/pages.py: a bare Flask application with one route, served the same way as the platform."""

from functools import cache

from flask import Flask, Response

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest page Flask can answer."""
    return "Hello"


@cache
def _body(size: int) -> bytes:
    return b"x" * size


@app.get("/bytes/<int:size>")
def sized(size: int) -> Response:
    """A bare answer of `size` bytes: the baseline for a page of that size (the cost of moving its bytes alone)."""
    return Response(_body(min(size, 8 * 1024 * 1024)), mimetype="text/html")
