"""Backups (issue 15, point 5): `flask backup create` writes one archive of the database and the uploads with a
manifest; `flask backup restore` verifies it and restores it into an empty database after a confirmation.

The round trip runs on the engine under test (SQLite by default, PostgreSQL with TEST_DATABASE_URL): a database
populated with the demo data and uploaded files is backed up, restored into a second, empty database (on
PostgreSQL one created by the test) and every table's rows and every file are compared.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from network.backup import BackupError, create_backup, read_manifest, restore_backup
from network.demo import load_demo
from network.extensions import db
from network.meetings.materials import attach
from network.meetings.models import Meeting

from ..conftest import DATABASE_URL, make_app

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def table_rows(engine) -> dict[str, list[tuple]]:
    """Every table of the database (reflected, so nothing is left out) with all its rows in primary-key order."""
    metadata = MetaData()
    metadata.reflect(engine)
    rows = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(select(table).order_by(*order))]
    return rows


def folder_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def populated(app, tmp_path):
    """The demo data and two uploaded meeting materials, in the database under test."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    assert load_demo()
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    attach(meeting, "Esityslista.pdf", io.BytesIO(PDF))
    attach(meeting, "Kuva.png", io.BytesIO(PNG))
    db.session.commit()
    return app


@pytest.fixture
def empty_database_url(app, tmp_path):
    """A second, empty database on the same engine: a new SQLite file, or a new PostgreSQL database (dropped after)."""
    url = make_url(DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"network_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def target_app(empty_database_url, tmp_path):
    target = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url, UPLOAD_FOLDER=str(tmp_path / "restored-uploads"))
    yield target
    with target.app_context():
        db.session.remove()
        db.engine.dispose()


def test_round_trip_of_a_populated_database_and_its_uploads(populated, target_app, tmp_path):
    source_rows = table_rows(db.engine)
    source_files = folder_files(tmp_path / "uploads")
    assert len(source_files) == 2
    assert sum(len(rows) for rows in source_rows.values()) > 100, "the demo data should fill the database"

    archive = tmp_path / "backups" / "network.tar.gz"
    result = populated.test_cli_runner().invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output

    manifest = read_manifest(archive)
    assert manifest["engine"] == db.engine.dialect.name
    assert manifest["created_at"].startswith("20")
    assert "alembic_revision" in manifest
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert manifest["database"] in listed
    for name, content in source_files.items():
        entry = listed[f"uploads/{name}"]
        assert entry["sha256"] == hashlib.sha256(content).hexdigest() and entry["size"] == len(content)

    with target_app.app_context():
        result = target_app.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--yes"])
        assert result.exit_code == 0, result.output
        restored_rows = table_rows(db.engine)
    assert set(restored_rows) == set(source_rows)
    for table, rows in source_rows.items():
        assert restored_rows[table] == rows, f"table {table} differs after the restore"
    assert folder_files(tmp_path / "restored-uploads") == source_files

    # The restored database works for the application: sequences continue after the restored ids.
    with target_app.app_context():
        meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
        material = attach(meeting, "Liite.pdf", io.BytesIO(PDF))
        db.session.commit()
        assert material.id > max(row[0] for row in source_rows["meeting_materials"])


def test_a_migrated_empty_database_records_its_revision_and_is_restored_into(populated, target_app, tmp_path):
    """The usual recovery: a new database migrated with `flask db upgrade` (tables, no rows) takes the backup."""
    source_rows = table_rows(db.engine)
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)
    with target_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert create_backup(tmp_path / "migrated.tar.gz")["alembic_revision"] == head
        restore_backup(archive)
        restored = table_rows(db.engine)
    for table, rows in source_rows.items():
        assert restored[table] == rows, f"table {table} differs after the restore"


def test_restore_asks_for_confirmation_and_no_changes_nothing(populated, target_app, tmp_path):
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)
    with target_app.app_context():
        result = target_app.test_cli_runner().invoke(args=["backup", "restore", str(archive)], input="n\n")
        assert result.exit_code != 0
        assert "Continue" in result.output and "nothing was changed" in result.output
        assert not any(table_rows(db.engine).values())
        assert not folder_files(tmp_path / "restored-uploads")

        result = target_app.test_cli_runner().invoke(args=["backup", "restore", str(archive)], input="y\n")
        assert result.exit_code == 0, result.output
        assert table_rows(db.engine)["users"]


def test_restore_refuses_a_database_that_is_not_empty(populated, tmp_path):
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)
    before = table_rows(db.engine)
    populated.config["UPLOAD_FOLDER"] = str(tmp_path / "other-uploads")
    result = populated.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code != 0
    assert "not empty" in result.output and "organisations" in result.output
    assert table_rows(db.engine) == before


def test_restore_refuses_an_upload_folder_that_is_not_empty(populated, target_app, tmp_path):
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)
    (tmp_path / "restored-uploads").mkdir()
    (tmp_path / "restored-uploads" / "left-over.pdf").write_bytes(PDF)
    with target_app.app_context(), pytest.raises(BackupError, match="upload folder"):
        restore_backup(archive)


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copies the archive, passing each member's (info, bytes) through `change`."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            member, data = change(member, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_a_tampered_archive_is_refused_before_anything_is_written(populated, target_app, tmp_path):
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)

    def flip_an_upload(member, data):
        if member.name.startswith("uploads/") and member.name.endswith(".pdf"):
            data = data.replace(b"obj", b"OBJ")
        return member, data

    def flip_the_database(member, data):
        if member.name.startswith("database."):
            data = data[:-1] + bytes([data[-1] ^ 1])
        return member, data

    def add_a_file(member, data):
        if member.name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"].append({"path": "uploads/extra.pdf", "size": 1, "sha256": "0" * 64})
            data = json.dumps(manifest).encode()
        return member, data

    for change, message in ((flip_an_upload, "Checksum mismatch"), (flip_the_database, "Checksum mismatch"),
                            (add_a_file, "missing from the archive")):
        damaged = tmp_path / f"{change.__name__}.tar.gz"
        _rewrite(archive, damaged, change)
        with pytest.raises(BackupError, match=message):
            read_manifest(damaged)
        with target_app.app_context():
            result = target_app.test_cli_runner().invoke(args=["backup", "restore", str(damaged), "--yes"])
            assert result.exit_code != 0 and message in result.output
            assert not any(table_rows(db.engine).values())
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(BackupError):
        read_manifest(truncated)


def test_an_archive_path_outside_the_upload_folder_is_refused(populated, tmp_path):
    archive = tmp_path / "b.tar.gz"
    create_backup(archive)

    def escape(member, data):
        if member.name.startswith("uploads/"):
            member.name = "uploads/../../escaped.pdf"
        return member, data

    damaged = tmp_path / "escape.tar.gz"
    _rewrite(archive, damaged, escape)
    with pytest.raises(BackupError, match="Unexpected entry"):
        read_manifest(damaged)


def test_a_backup_inside_the_upload_folder_is_refused(populated, tmp_path):
    with pytest.raises(BackupError, match="outside the upload folder"):
        create_backup(tmp_path / "uploads" / "meetings" / "b.tar.gz")
    assert not list((tmp_path / "uploads").rglob("*.tar.gz"))
