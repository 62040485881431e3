"""Pagination shared by every list page."""

from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from .extensions import db
from .text import ascii_int

DEFAULT_PER_PAGE = 20
# Beyond this a page number is nonsense; it would also overflow the database's integer OFFSET.
MAX_PAGE = 100_000


def paginate(statement: Select, per_page: int = DEFAULT_PER_PAGE) -> Pagination:
    """Take a select and the page size; return the page the `page` query argument names.

    A bad page number shows the first page, one past the end the last page (never an empty page under a count
    of results). Raises nothing.
    """
    page = request.args.get("page", 1, type=ascii_int) or 1
    pagination = db.paginate(statement, page=min(max(page, 1), MAX_PAGE), per_page=per_page, error_out=False)
    if pagination.total and pagination.page > pagination.pages:
        pagination = db.paginate(statement, page=pagination.pages, per_page=per_page, error_out=False)
    return pagination
