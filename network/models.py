"""Imports every domain's models so that SQLAlchemy's metadata (and Alembic) sees them all."""

from .domains import load_models

load_models()
