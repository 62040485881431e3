"""Meeting materials: uploaded files attached to a meeting (checked, stored and served by network/uploads.py)."""

from __future__ import annotations

from typing import IO

from flask import Response

from ..audit.trail import record_change
from ..extensions import db
from ..text import single_line
from ..uploads import delete_with_upload, safe_display_name, send_upload, store_upload
from .models import Meeting, MeetingMaterial

UPLOAD_SUBDIR = "meetings"


def attach(meeting: Meeting, filename: str, stream: IO[bytes], actor: object = None, *,
           title_fi: str | None = None, title_sv: str | None = None) -> MeetingMaterial:
    """Store an uploaded file as a material of `meeting` with its title in Finnish (and optionally Swedish;
    the file name when no title is given), audited. Raises UploadError for a refused file.
    """
    stored_name, checked = store_upload(UPLOAD_SUBDIR, filename, stream)
    display_name = safe_display_name(filename, checked.extension)
    material = MeetingMaterial(
        meeting=meeting,
        title_fi=single_line(title_fi)[:200] or display_name[:200],
        title_sv=single_line(title_sv)[:200] or None,
        original_name=display_name,
        stored_name=stored_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(material)
    db.session.flush()
    record_change(actor, "meeting.material.add", "meeting", meeting.id,
                  after={"material": material.original_name, "title": material.title_fi}, summary=material.title_fi)
    return material


def remove(material: MeetingMaterial, actor: object = None) -> None:
    """Delete a material and its file (audited)."""
    record_change(actor, "meeting.material.remove", "meeting", material.meeting_id,
                  before={"material": material.original_name}, summary=material.original_name)
    delete_with_upload(material, UPLOAD_SUBDIR)


def send_material(material: MeetingMaterial) -> Response | None:
    """The material's file as a response, or None when the file is missing."""
    return send_upload(UPLOAD_SUBDIR, material.stored_name, material.original_name, material.content_type)
