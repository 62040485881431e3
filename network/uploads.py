"""Uploaded files: checking, storing under random names, and serving them safely.

A file is accepted when its extension is on the list AND its content looks like that kind of file (magic bytes;
Office files must be the matching Open XML package). Files are stored under UPLOAD_FOLDER/<subdir> with random
names and served with a fixed content type, `X-Content-Type-Options: nosniff` and a sandboxing CSP.
"""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import Response, current_app, send_file
from flask_babel import lazy_gettext as _l

from .extensions import db
from .i18n import format_file_size
from .rules import RuleError
from .text import single_line


class UploadError(RuleError):
    """The uploaded file was refused."""


MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# extension -> (content type, shown inline in the browser)
ALLOWED: dict[str, tuple[str, bool]] = {
    "pdf": ("application/pdf", False),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", False),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    "png": ("image/png", True),
    "jpg": ("image/jpeg", True),
    "jpeg": ("image/jpeg", True),
    "gif": ("image/gif", True),
    "webp": ("image/webp", True),
}
# The folder an Office Open XML package of each kind must contain.
OFFICE_PARTS = {"docx": "word/", "pptx": "ppt/", "xlsx": "xl/"}


@dataclass
class CheckedFile:
    """An uploaded file that passed the checks: its extension, content type and size."""

    extension: str
    content_type: str
    size: int


def extension_of(filename: str) -> str:
    """The lower-cased extension of a file name (any client path stripped), "" when there is none."""
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like(extension: str, head: bytes, stream: IO[bytes]) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if extension in OFFICE_PARTS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(OFFICE_PARTS[extension]) for n in names)
    return False


def check_upload(filename: str, stream: IO[bytes]) -> CheckedFile:
    """Check an uploaded file by its name and content (magic bytes; Office files must be the matching Open XML
    package). Takes the client's file name and a seekable binary stream; returns its extension, content type and
    size; raises UploadError (field "file") for a kind not allowed, an empty or too large file, or content that
    does not match the extension.
    """
    extension = extension_of(filename)
    if extension not in ALLOWED:
        raise UploadError(
            _l("This kind of file cannot be attached. Allowed: PDF, DOCX, PPTX, XLSX, PNG, JPEG, GIF, WebP."), "file"
        )
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > MAX_UPLOAD_BYTES:
        raise UploadError(_l("The file is too large: at most %(size)s.", size=format_file_size(MAX_UPLOAD_BYTES)), "file")
    if size == 0:
        raise UploadError(_l("The file is empty."), "file")
    head = stream.read(16)
    if not _looks_like(extension, head, stream):
        raise UploadError(_l("The file's content does not match its type (.%(ext)s).", ext=extension), "file")
    stream.seek(0)
    return CheckedFile(extension, ALLOWED[extension][0], size)


def upload_folder(subdir: str) -> Path:
    """UPLOAD_FOLDER/<subdir> (default instance/uploads/<subdir>), created when missing."""
    configured = current_app.config.get("UPLOAD_FOLDER")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    folder = folder / subdir
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_display_name(filename: str, extension: str) -> str:
    """The client's file name made safe to show and to send back: one line, no path, at most 200 characters."""
    name = single_line(filename).replace("/", "_").replace("\\", "_").strip(". ") or "file"
    stem = name.rsplit(".", 1)[0][:200] or "file"
    return f"{stem}.{extension}"


def store_upload(subdir: str, filename: str, stream: IO[bytes]) -> tuple[str, CheckedFile]:
    """Check the file (check_upload) and write it under a random name in UPLOAD_FOLDER/<subdir>.

    Returns (stored name, checked file); raises UploadError as check_upload does.
    """
    checked = check_upload(filename, stream)
    stored_name = f"{secrets.token_hex(16)}.{checked.extension}"
    with (upload_folder(subdir) / stored_name).open("wb") as target:
        while chunk := stream.read(1024 * 1024):
            target.write(chunk)
    return stored_name, checked


def stored_path(subdir: str, stored_name: str) -> Path:
    """Where a stored upload lives on disk."""
    return upload_folder(subdir) / stored_name


def remove_upload(subdir: str, stored_name: str) -> None:
    """Delete a stored upload (nothing happens when it is already gone)."""
    stored_path(subdir, stored_name).unlink(missing_ok=True)


def delete_with_upload(row: object, subdir: str) -> None:
    """Delete `row` (a model with `stored_name`) from the session, flushed, and then its stored file: the file
    goes only once the database has accepted the delete. Raises what the flush raises.
    """
    stored_name = row.stored_name  # type: ignore[attr-defined]
    db.session.delete(row)
    db.session.flush()
    remove_upload(subdir, stored_name)


def is_inline(stored_name: str) -> bool:
    """True for kinds a browser may show inline (images); everything else is downloaded."""
    return ALLOWED.get(extension_of(stored_name), ("", False))[1]


def send_upload(subdir: str, stored_name: str, download_name: str, content_type: str) -> Response | None:
    """The stored file as a response (inline for images, else an attachment), or None when it is missing.

    Headers: the stored content type, nosniff, and a CSP that sandboxes anything the browser might render.
    """
    path = stored_path(subdir, stored_name)
    if not path.is_file():
        return None
    inline = is_inline(stored_name)
    response = send_file(path, mimetype=content_type, as_attachment=not inline, download_name=download_name,
                         max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if inline:
        # Images are shown inline; the header still names the file.
        disposition = response.headers.get("Content-Disposition")
        response.headers["Content-Disposition"] = (
            disposition.replace("attachment", "inline") if disposition else f'inline; filename="{stored_name}"'
        )
    return response
