"""The baseline of bench/pages.py: a bare Flask application with one route, served the same way as the platform."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest page Flask can answer."""
    return "Hello"
