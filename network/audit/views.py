"""The coordinators' view of the audit trail."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from ..pagination import paginate
from ..permissions import coordinator_required
from . import queries
from .forms import AuditFilterForm
from .labels import action_label, display_value, entity_label, field_label

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@coordinator_required
def index():
    form = AuditFilterForm(request.args)
    form.entity_type.choices = [("", _("Everything")), *((t, entity_label(t)) for t in queries.entity_types())]
    form.action.choices = [("", _("All actions")), *((a, action_label(a)) for a in queries.actions())]
    form.actor.choices = [
        ("", _("Everyone")),
        *((str(user_id), name) for user_id, name in queries.actors()),
        (queries.NO_ACTOR, _("Deleted account or the system")),
    ]
    valid = form.validate()
    filters = queries.AuditFilter(
        entity_type=form.entity_type.data or "",
        entity_id=form.entity_id.data if valid else None,
        action=form.action.data or "",
        actor=form.actor.data or "",
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None,
    )
    page = paginate(queries.audit_statement(filters), per_page=50)
    args = {
        "entity_type": filters.entity_type or None,
        "entity_id": filters.entity_id,
        "action": filters.action or None,
        "actor": filters.actor or None,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
    }
    return render_template("audit/index.html", form=form, page=page, args=args,
                           changed_fields=queries.changed_fields, action_label=action_label,
                           entity_label=entity_label, field_label=field_label, display_value=display_value)
