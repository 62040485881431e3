"""Backups: one archive with a consistent copy of the database and the uploaded files, and its restore.

The archive is a gzip-compressed tar file holding
  - `database.sqlite3` (SQLite, copied with SQLite's online backup API: a consistent snapshot while the site runs)
    or `database.pgdump` (PostgreSQL, `pg_dump --format=custom`: one snapshot transaction);
  - `uploads/...`: every file under UPLOAD_FOLDER (stored under random names and never rewritten in place);
  - `manifest.json`: when, from which engine and schema revision (Alembic), and every file with its size and SHA-256.

Restoring verifies every checksum first, refuses a database that holds any row (only an empty database, fresh or
just migrated, is restored into) and an upload folder that holds files, and then loads the database and the files.
`flask --app wsgi backup create PATH` / `backup restore PATH [--yes]` (the `backup` command group below).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine

from .extensions import db
from .pagecache import DataVersion
from .text import is_ascii_digits
from .timeutil import utcnow
from .uploads import upload_folder

ARCHIVE_FORMAT = 1
MANIFEST_NAME = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PGDUMP_NAME = "database.pgdump"
UPLOADS_PREFIX = "uploads"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be made or restored; the message says why (shown to the operator as is)."""


@dataclass(frozen=True)
class FileEntry:
    """One file of the archive: its path inside the archive, size in bytes and SHA-256 (hex)."""

    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict:
        """The entry as the manifest lists it."""
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


# --- Creating ------------------------------------------------------------------------------------------------------


def create_backup(destination: str | os.PathLike) -> dict:
    """Takes the archive's path; writes the backup of the current app's database and uploads there (atomically:
    the path holds either the previous file or the complete new archive) and returns its manifest (a dict).

    Raises BackupError when the database cannot be copied (e.g. pg_dump missing or failing) or the path is inside
    the upload folder.
    """
    destination = Path(destination).resolve()
    uploads = uploads_root().resolve()
    if destination.is_relative_to(uploads):
        raise BackupError(f"Write the backup outside the upload folder {uploads}: it would archive itself.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    engine = db.engine
    engine_name = engine.dialect.name
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=destination.parent) as work:
        work_dir = Path(work)
        if engine_name == "sqlite":
            database_name = SQLITE_NAME
            _copy_sqlite(engine, work_dir / database_name)
        elif engine_name == "postgresql":
            database_name = PGDUMP_NAME
            _pg_dump(engine.url, work_dir / database_name)
        else:
            raise BackupError(f"Backups of {engine_name} databases are not supported.")
        revision = alembic_revision(engine)

        partial = work_dir / "archive.tar.gz"
        entries: list[FileEntry] = []
        with tarfile.open(partial, "w:gz") as tar:
            entries.append(_add_file(tar, work_dir / database_name, database_name))
            for path in sorted(p for p in uploads.rglob("*") if p.is_file() and not p.is_symlink()):
                name = str(PurePosixPath(UPLOADS_PREFIX, *path.relative_to(uploads).parts))
                entry = _add_file(tar, path, name)
                if entry:
                    entries.append(entry)
            manifest = {
                "format": ARCHIVE_FORMAT,
                "created_at": utcnow().isoformat(),
                "engine": engine_name,
                "alembic_revision": revision,
                "database": database_name,
                "files": [entry.as_dict() for entry in entries],
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size = len(data)
            info.mtime = int(utcnow().timestamp())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
    return manifest


def uploads_root() -> Path:
    """The UPLOAD_FOLDER of the current app (created when missing)."""
    return upload_folder("")


def alembic_revision(engine: Engine) -> str | None:
    """The database's schema revision (Alembic's version table; several heads joined by commas), or None when the
    schema was not made by migrations.
    """
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version ORDER BY version_num")).scalars()
        return ",".join(versions) or None


class _HashingReader:
    """Reads exactly `size` bytes of a file object for tarfile, computing their SHA-256 on the way."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream = stream
        self.remaining = size
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        if n < 0 or n > self.remaining:
            n = self.remaining
        data = self.stream.read(n)
        if len(data) != n:
            raise BackupError("A file changed size while it was being archived.")
        self.remaining -= n
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> FileEntry | None:
    """Adds one file (hashed as it is written); None when it disappeared before it could be opened."""
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        return None
    with stream:
        stat = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        reader = _HashingReader(stream, stat.st_size)
        tar.addfile(info, reader)
    return FileEntry(name, stat.st_size, reader.digest.hexdigest())


def _copy_sqlite(engine: Engine, target: Path) -> None:
    """A consistent copy of the SQLite database (file or memory) with the online backup API."""
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
    finally:
        raw.close()


# --- PostgreSQL tools ------------------------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH (Debian's wrapper), else the newest /usr/lib/postgresql/*/bin.

    Raises BackupError when it is not installed (Debian: apt-get install postgresql-client).
    """
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if is_ascii_digits(p.parts[-3]) else 0)
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} was not found; install the PostgreSQL client (Debian: apt-get install postgresql-client).")


def _pg_environment(url: URL) -> dict[str, str]:
    """Libpq's environment for the database of `url` (the password never appears on a command line)."""
    env = dict(os.environ)
    for variable, value in (("PGHOST", url.host or url.query.get("host")), ("PGPORT", url.port),
                            ("PGUSER", url.username), ("PGPASSWORD", url.password),
                            ("PGDATABASE", url.database)):
        if value:
            env[variable] = str(value)
    return env


def _run_pg(command: list[str], url: URL, what: str) -> None:
    result = subprocess.run(command, env=_pg_environment(url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _pg_dump(url: URL, target: Path) -> None:
    _run_pg([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
            url, "pg_dump")


def _pg_restore(url: URL, source: Path) -> None:
    # --clean --if-exists: a database migrated to an empty schema (tables without rows) is restored into too.
    _run_pg([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--clean", "--if-exists", "--exit-on-error",
             "--single-transaction", "--dbname", url.database or "", str(source)], url, "pg_restore")


# --- Reading and verifying -----------------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def read_manifest(archive: str | os.PathLike) -> dict:
    """Takes an archive's path; returns its manifest after checking that every file is there, regular, listed,
    and matches its size and SHA-256. Raises BackupError naming the first problem (not an archive, tampered,
    truncated, unknown format).
    """
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            by_name = {member.name: member for member in members}
            if MANIFEST_NAME not in by_name:
                raise BackupError("The archive has no manifest.json: not a backup of this platform.")
            manifest = json.loads(tar.extractfile(by_name[MANIFEST_NAME]).read().decode("utf-8"))
            if manifest.get("format") != ARCHIVE_FORMAT:
                raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
            listed = {entry["path"]: entry for entry in manifest.get("files", [])}
            if manifest.get("database") not in listed:
                raise BackupError("The manifest lists no database file.")
            _check_members(tar, members, listed)
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Cannot read the archive {archive}: {exc}") from exc
    return manifest


def _check_members(tar: tarfile.TarFile, members: list[tarfile.TarInfo], listed: dict[str, dict]) -> None:
    """Every member a safe regular file listed in the manifest, every listed file present with its size and hash."""
    by_name = {member.name: member for member in members}
    for member in members:
        if member.name == MANIFEST_NAME:
            continue
        if not member.isfile() or not _safe_member_name(member.name):
            raise BackupError(f"Unexpected entry in the archive: {member.name!r}.")
        if member.name not in listed:
            raise BackupError(f"{member.name} is in the archive but not in its manifest.")
    for name, entry in listed.items():
        member = by_name.get(name)
        if member is None:
            raise BackupError(f"{name} is listed in the manifest but missing from the archive.")
        digest = hashlib.sha256()
        stream = tar.extractfile(member)
        size = 0
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"Checksum mismatch for {name}: the archive is damaged or was altered.")


# --- Restoring -----------------------------------------------------------------------------------------------------


# Bookkeeping, not the register's data: Alembic's revision, and the page cache's version counter, which every write
# (a migration's included) bumps.
BOOKKEEPING_TABLES = frozenset({"alembic_version", DataVersion.__tablename__})


def tables_with_rows(engine: Engine) -> list[str]:
    """The tables of the database that hold at least one row (the bookkeeping tables aside)."""
    inspector = inspect(engine)
    preparer = engine.dialect.identifier_preparer
    busy = []
    with engine.connect() as connection:
        for table in sorted(inspector.get_table_names()):
            if table in BOOKKEEPING_TABLES:
                continue
            if connection.execute(text(f"SELECT 1 FROM {preparer.quote(table)} LIMIT 1")).first():
                busy.append(table)
    return busy


def restore_backup(archive: str | os.PathLike, confirm: Callable[[dict], bool] | None = None) -> dict:
    """Takes an archive's path and an optional `confirm(manifest) -> bool` asked after every check passed and
    before anything is written; restores the database and the uploads of the current app; returns the manifest.

    Raises BackupError: damaged archive, another database engine, a database that holds rows, an upload folder
    that holds files, refused confirmation, or a failing restore (on PostgreSQL in one transaction: nothing kept).
    """
    manifest = read_manifest(archive)
    engine = db.engine
    if manifest["engine"] != engine.dialect.name:
        raise BackupError(f"The backup is of a {manifest['engine']} database; this database is "
                          f"{engine.dialect.name}.")
    db.session.remove()
    busy = tables_with_rows(engine)
    if busy:
        raise BackupError("The database is not empty (rows in " + ", ".join(busy[:10])
                          + (", ..." if len(busy) > 10 else "") + "): restore only into an empty database.")
    uploads = uploads_root()
    if any(p.is_file() for p in uploads.rglob("*")):
        raise BackupError(f"The upload folder {uploads} is not empty: restore only into an empty one.")
    if confirm is not None and not confirm(manifest):
        raise BackupError("Restore cancelled; nothing was changed.")

    with tempfile.TemporaryDirectory(prefix=".restore-") as work, tarfile.open(archive, "r:*") as tar:
        work_dir = Path(work)
        for entry in manifest["files"]:
            member = tar.getmember(entry["path"])
            target = work_dir / "files" / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with tar.extractfile(member) as source, target.open("wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != entry["sha256"]:
                raise BackupError(f"Checksum mismatch for {entry['path']} while restoring; nothing was changed.")
        database_file = work_dir / "files" / manifest["database"]
        if manifest["engine"] == "sqlite":
            _restore_sqlite(engine, database_file)
        else:
            _pg_restore(engine.url, database_file)
        uploaded = work_dir / "files" / UPLOADS_PREFIX
        if uploaded.is_dir():
            for path in sorted(p for p in uploaded.rglob("*") if p.is_file()):
                target = uploads / path.relative_to(uploaded)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), target)
    engine.dispose()
    return manifest


def _restore_sqlite(engine: Engine, source_file: Path) -> None:
    """Copies the archived SQLite database over the (empty) current one with the online backup API."""
    engine.dispose()
    raw = engine.raw_connection()
    try:
        source = sqlite3.connect(source_file)
        try:
            source.backup(raw.driver_connection)
        finally:
            source.close()
    finally:
        raw.close()
    engine.dispose()


# --- flask backup ... --------------------------------------------------------------------------------------------


def _describe(manifest: dict) -> str:
    size = sum(entry["size"] for entry in manifest["files"])
    uploads = sum(1 for entry in manifest["files"] if entry["path"] != manifest["database"])
    return (f"made {manifest['created_at']} from {manifest['engine']} (schema revision "
            f"{manifest['alembic_revision'] or 'unknown'}): the database and {uploads} uploaded file(s), "
            f"{size} bytes")


@click.group("backup", help="Back up and restore the database and the uploaded files.")
def backup_cli() -> None:
    """`flask backup`: the group of the create and restore commands."""


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def create_command(path: str) -> None:
    """Write one archive (tar.gz) of the database and the uploads, with a manifest of SHA-256 checksums, to PATH."""
    try:
        manifest = create_backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {path}: {_describe(manifest)}.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Verify the archive at PATH and restore it into this (empty) database and upload folder."""

    def confirm(manifest: dict) -> bool:
        if yes:
            return True
        click.echo(f"Backup {_describe(manifest)}.")
        click.echo(f"Restore into {db.engine.url.render_as_string(hide_password=True)} and {uploads_root()}?")
        return click.confirm("Continue", default=False)

    try:
        manifest = restore_backup(path, confirm=confirm)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {_describe(manifest)}.")
