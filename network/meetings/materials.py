"""Meeting materials: uploaded files attached to a meeting (checked, stored and served by network/uploads.py)."""

from __future__ import annotations

from typing import IO

from flask import Response

from ..audit.trail import record_change
from ..extensions import db
from ..uploads import remove_upload, safe_display_name, send_upload, store_upload
from .models import Meeting, MeetingMaterial

UPLOAD_SUBDIR = "meetings"

def attach(meeting: Meeting, filename: str, stream: IO[bytes], actor: object = None) -> MeetingMaterial:
    """Store an uploaded file as a material of `meeting` (audited); raises UploadError for a refused file."""
    stored_name, checked = store_upload(UPLOAD_SUBDIR, filename, stream)
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
    """Delete a material and its file (audited)."""
    record_change(actor, "meeting.material.remove", "meeting", material.meeting_id,
                  before={"material": material.original_name}, summary=material.original_name)
    stored_name = material.stored_name
    db.session.delete(material)
    db.session.flush()
    remove_upload(UPLOAD_SUBDIR, stored_name)


def send_material(material: MeetingMaterial) -> Response | None:
    """The material's file as a response, or None when the file is missing."""
    return send_upload(UPLOAD_SUBDIR, material.stored_name, material.original_name, material.content_type)
