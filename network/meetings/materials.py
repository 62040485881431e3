"""Meeting materials: checking, storing and serving uploaded files.

A file is accepted when its extension is on the list AND its content looks like that kind of file (magic bytes;
Office files must be the matching Open XML package). Files are stored under instance/uploads/meetings with random
names and served as attachments with a fixed content type and `X-Content-Type-Options: nosniff`.
"""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit.trail import record_change
from ..extensions import db
from ..text import single_line
from .errors import MeetingError
from .models import Meeting, MeetingMaterial

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
    extension: str
    content_type: str
    size: int


def extension_of(filename: str) -> str:
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
    """Refuse a file of the wrong kind, one whose content does not match its extension, or one that is too big."""
    extension = extension_of(filename)
    if extension not in ALLOWED:
        raise MeetingError(
            _l("This kind of file cannot be attached. Allowed: PDF, DOCX, PPTX, XLSX, PNG, JPEG, GIF, WebP."), "file"
        )
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > MAX_UPLOAD_BYTES:
        raise MeetingError(_l("The file is too large: at most 20 MB."), "file")
    if size == 0:
        raise MeetingError(_l("The file is empty."), "file")
    head = stream.read(16)
    if not _looks_like(extension, head, stream):
        raise MeetingError(_l("The file's content does not match its type (.%(ext)s).", ext=extension), "file")
    stream.seek(0)
    return CheckedFile(extension, ALLOWED[extension][0], size)


def upload_folder() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    folder = folder / "meetings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_display_name(filename: str, extension: str) -> str:
    name = single_line(filename).replace("/", "_").replace("\\", "_").strip(". ") or "file"
    stem = name.rsplit(".", 1)[0][:200] or "file"
    return f"{stem}.{extension}"


def attach(meeting: Meeting, filename: str, stream: IO[bytes], actor: object = None) -> MeetingMaterial:
    checked = check_upload(filename, stream)
    stored_name = f"{secrets.token_hex(16)}.{checked.extension}"
    path = upload_folder() / stored_name
    with path.open("wb") as target:
        while chunk := stream.read(1024 * 1024):
            target.write(chunk)
    material = MeetingMaterial(
        meeting=meeting,
        original_name=safe_display_name(filename, checked.extension),
        stored_name=stored_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(material)
    db.session.flush()
    record_change(actor, "meeting.material.add", "meeting", meeting.id,
                  after={"material": material.original_name}, summary=material.original_name)
    return material


def remove(material: MeetingMaterial, actor: object = None) -> None:
    record_change(actor, "meeting.material.remove", "meeting", material.meeting_id,
                  before={"material": material.original_name}, summary=material.original_name)
    path = upload_folder() / material.stored_name
    db.session.delete(material)
    db.session.flush()
    path.unlink(missing_ok=True)


def stored_path(material: MeetingMaterial) -> Path:
    return upload_folder() / material.stored_name


def is_inline(material: MeetingMaterial) -> bool:
    return ALLOWED.get(extension_of(material.stored_name), ("", False))[1]
