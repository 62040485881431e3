"""What `/healthz` checks: the database answers a read and a write (rolled back), quickly, and the mail outbox is
moving (no message due for longer than HEALTH_OUTBOX_MAX_DELAY seconds is still waiting).

The outbox table is looked up by name in the shared metadata (`outbox_messages`, owned by the mail domain, which
sits above this module): no import of a higher layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .timeutil import as_utc, utcnow

OUTBOX_TABLE = "outbox_messages"


@dataclass
class Health:
    """The outcome of the checks: `problems` is empty when everything is fine."""

    checks: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    outbox_oldest_due_seconds: float | None = None

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.problems

    def as_json(self) -> dict:
        """The body of the /healthz answer: status, each check's outcome, the reasons and the outbox delay."""
        body: dict = {"status": "ok" if self.ok else "unavailable", "checks": self.checks}
        if self.problems:
            body["reasons"] = self.problems
        if self.outbox_oldest_due_seconds is not None:
            body["outbox_oldest_due_seconds"] = round(self.outbox_oldest_due_seconds, 1)
        return body


def check_health() -> Health:
    """Runs the checks against the current app's database; returns a Health (never raises for a failing database).

    The database work runs in its own connection and transaction, always rolled back, with a short lock wait
    (HEALTH_DB_TIMEOUT_MS): a locked SQLite file or a blocked PostgreSQL table is reported within that time.
    """
    health = Health()
    timeout_ms = int(current_app.config.get("HEALTH_DB_TIMEOUT_MS", 1000))
    max_delay = float(current_app.config.get("HEALTH_OUTBOX_MAX_DELAY", 900))
    outbox = db.metadata.tables.get(OUTBOX_TABLE)
    engine = db.engine
    try:
        with engine.connect() as connection:
            previous_timeout = _short_lock_wait(connection, timeout_ms)
            connection.commit()
            try:
                with connection.begin() as transaction:
                    if connection.dialect.name == "postgresql":
                        connection.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
                        connection.execute(text(f"SET LOCAL statement_timeout = {timeout_ms * 2}"))
                    oldest_due = _read(connection, outbox)
                    health.checks["database_read"] = "ok"
                    _write(connection, outbox)
                    health.checks["database_write"] = "ok"
                    transaction.rollback()
            finally:
                if previous_timeout is not None:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(previous_timeout)}")
                    connection.commit()
    except SQLAlchemyError as exc:
        step = "database_write" if "database_read" in health.checks else "database_read"
        health.checks[step] = "failed"
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        health.problems.append(f"{step.replace('_', ' ')} failed: {reason}")
        return health

    if outbox is None:
        health.checks["outbox"] = "not installed"
        return health
    if oldest_due is None:
        health.checks["outbox"] = "ok"
        return health
    delay = max(0.0, (utcnow() - as_utc(oldest_due)).total_seconds())
    health.outbox_oldest_due_seconds = delay
    if delay > max_delay:
        health.checks["outbox"] = "stuck"
        health.problems.append(
            f"outbox stuck: the oldest due message has waited {int(delay)} s (more than {int(max_delay)} s); "
            "is the delivery worker (flask mail deliver --loop) running?"
        )
    else:
        health.checks["outbox"] = "ok"
    return health


def _short_lock_wait(connection: Connection, timeout_ms: int) -> int | None:
    """On SQLite, lowers the busy timeout of this connection; returns the previous value to restore (else None)."""
    if connection.dialect.name != "sqlite":
        return None
    previous = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout_ms)}")
    return previous


def _read(connection: Connection, outbox) -> object:
    """A read: the due time of the oldest pending message that is due (None: none is waiting, or no outbox)."""
    if outbox is None:
        connection.execute(select(1)).scalar()
        return None
    return connection.execute(
        select(func.min(outbox.c.next_attempt_at)).where(
            and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= utcnow())
        )
    ).scalar()


def _write(connection: Connection, outbox) -> None:
    """A write that changes no row but needs write access: SQLite takes its write lock for it, PostgreSQL refuses
    it in a read-only server or transaction. Rolled back by the caller.
    """
    if outbox is None:
        return
    connection.execute(update(outbox).where(outbox.c.id == -1).values(attempts=outbox.c.attempts))
