"""The register: public directory and organisation pages, applications, coordinator tools, the person's data."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..abuse import input_refused, mail_form_limits, valid_submission
from ..extensions import db
from ..i18n import current_language
from ..pagecache import cached_page
from ..pagination import paginate
from ..permissions import coordinator_required, is_coordinator, may_manage
from ..registries import organisation_sections
from ..spreadsheets import spreadsheet_response
from ..text import ascii_int
from ..timeutil import helsinki_today, utcnow
from ..web import attempt, attempt_once
from . import applications, directory, exporting, importing, register
from .forms import (
    ApplicationForm,
    ConfirmForm,
    DirectoryFilterForm,
    ImportConfirmForm,
    ImportForm,
    LeaveForm,
    MergeChooseForm,
    MergeConfirmForm,
    OrganisationForm,
    RejectForm,
)
from .models import ImportUpload, MembershipApplication, Organisation
from .municipalities import municipality_choices
from .regions import KINDS, region_choices

bp = Blueprint("orgs", __name__)


@bp.context_processor
def _municipalities() -> dict:
    """The municipalities' names in the reader's language, for the forms' suggestion list."""
    return {"municipality_choices": municipality_choices}

IMPORT_SESSION_KEY = "orgs_import_token"


def _organisation_by_id(org_id: int | None) -> Organisation | None:
    """The organisation a form field names; None for nothing chosen or a number no database row can have."""
    if not org_id or not 0 < org_id < 2**63:
        return None
    return db.session.get(Organisation, org_id)


def _organisation_or_404(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    return org


# Public directory


@bp.get("/organisations", endpoint="directory")
@cached_page(per="minute")
def directory_view():
    form = DirectoryFilterForm(request.args)
    filters = directory.DirectoryFilter(
        query=form.q.data or "",
        kind=request.args.get("kind", ""),
        region=request.args.get("region", ""),
        open_government=bool(form.open_government.data),
        status=request.args.get("status", directory.MEMBERS),
    ).cleaned()
    page = paginate(directory.directory_statement(filters))
    kind_counts = directory.counts_by_kind(filters)
    region_counts = directory.counts_by_region(filters)
    args = {
        "q": filters.query or None,
        "kind": filters.kind or None,
        "region": filters.region or None,
        "open_government": "y" if filters.open_government else None,
        "status": filters.status if filters.status != directory.MEMBERS else None,
    }
    return render_template(
        "orgs/directory.html",
        form=form,
        filters=filters,
        page=page,
        args=args,
        kinds=[(code, str(label), kind_counts.get(code, 0)) for code, label in KINDS.items()],
        regions=[(code, name, region_counts.get(code, 0)) for code, name in region_choices(current_language())],
        can_manage_register=is_coordinator(current_user),
    )



@bp.get("/organisations/<int:org_id>")
def detail(org_id: int):
    org = _organisation_or_404(org_id)
    if org.merged_into_id is not None:
        return redirect(url_for("orgs.detail", org_id=org.merged_into_id), 301)
    return render_template(
        "orgs/detail.html",
        org=org,
        sections=organisation_sections(org),
        can_manage=may_manage(current_user, org),
    )


@bp.route("/organisations/apply", methods=["GET", "POST"])
@mail_form_limits("ORG_APPLICATION_RATE_LIMIT", "5 per 10 minutes;20 per day", field="contact_email")
def apply():
    form = ApplicationForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
    if valid_submission(form):
        data = applications.ApplicationData(
            name_fi=form.name_fi.data, name_sv=form.name_sv.data, kind=form.kind.data, region=form.region.data,
            municipality=form.municipality.data, business_id=form.business_id.data,
            contact_name=form.contact_name.data, contact_email=form.contact_email.data, reason=form.reason.data,
            language=current_language(),
        )
        done, _application = attempt_once(
            lambda: applications.submit_application(data), form=form,
            success=_("Thank you! The application has been sent. The coordinator will reply by e-mail."),
            load=lambda application_id: db.session.get(MembershipApplication, application_id),
        )
        if done:
            return redirect(url_for("orgs.directory"))
        input_refused()  # a field the register refuses: nothing was stored or sent
    return render_template("orgs/apply.html", form=form), 200 if request.method == "GET" else 422


# Coordinator: the register


@bp.get("/admin/organisations")
@coordinator_required
def admin_index():
    query = (request.args.get("q") or "").strip()
    filters = directory.DirectoryFilter(query=query, status=directory.ALL).cleaned()
    page = paginate(directory.directory_statement(filters), per_page=50)
    return render_template(
        "orgs/admin_index.html",
        page=page,
        query=query,
        pending_applications=len(applications.pending_applications()),
        pending_links=applications.pending_link_count(),
    )


def _organisation_data(form: OrganisationForm) -> register.OrganisationData:
    return register.OrganisationData(
        name_fi=form.name_fi.data or "", name_sv=form.name_sv.data, kind=form.kind.data or "",
        region=form.region.data or "", municipality=form.municipality.data, business_id=form.business_id.data,
        website=form.website.data, description=form.description.data,
        open_government_member=bool(form.open_government_member.data), joined_on=form.joined_on.data,
    )


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@coordinator_required
def create():
    form = OrganisationForm()
    if form.validate_on_submit():
        done, org = attempt_once(
            lambda: register.create_organisation(_organisation_data(form), current_user), form=form,
            success=lambda org: _("%(name)s was added to the register.", name=org.name),
            load=lambda org_id: db.session.get(Organisation, org_id),
        )
        if done:
            return redirect(url_for("orgs.detail", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=None), 200 if request.method == "GET" else 422


@bp.route("/admin/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(org_id: int):
    org = _organisation_or_404(org_id)
    if org.merged_into_id is not None:
        flash(_("A merged organisation cannot be changed."), "error")
        return redirect(url_for("orgs.detail", org_id=org.merged_into_id))
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        done, _changed = attempt(
            lambda: register.update_organisation(org, _organisation_data(form), current_user), form=form,
            success=lambda changed: _("The changes were saved.") if changed else _("Nothing was changed."),
        )
        if done:
            return redirect(url_for("orgs.detail", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=org), 200 if request.method == "GET" else 422


@bp.route("/admin/organisations/<int:org_id>/leave", methods=["GET", "POST"])
@coordinator_required
def mark_left(org_id: int):
    org = _organisation_or_404(org_id)
    form = LeaveForm()
    if request.method == "GET":
        form.left_on.data = helsinki_today()
    if form.validate_on_submit():
        done, _result = attempt(
            lambda: register.mark_left(org, form.left_on.data, current_user), form=form,
            success=_("%(name)s is now shown as having left the network.", name=org.name),
        )
        if done:
            return redirect(url_for("orgs.detail", org_id=org.id))
    return render_template("orgs/leave.html", form=form, org=org), 200 if request.method == "GET" else 422


@bp.post("/admin/organisations/<int:org_id>/rejoin")
@coordinator_required
def rejoin(org_id: int):
    org = _organisation_or_404(org_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        attempt(lambda: register.rejoin(org, current_user), success=_("%(name)s is a member again.", name=org.name))
    return redirect(url_for("orgs.detail", org_id=org.id))


@bp.route("/admin/organisations/<int:org_id>/merge", methods=["GET", "POST"])
@coordinator_required
def merge(org_id: int):
    survivor = _organisation_or_404(org_id)
    if survivor.merged_into_id is not None:
        abort(404)
    candidates = [o for o in register.active_organisations() if o.id != survivor.id]
    choose = MergeChooseForm(request.args)
    choose.duplicate.choices = [(0, _("Choose…")), *((o.id, f"{o.name} ({o.municipality_name or o.region_name})")
                                                       for o in candidates)]
    confirm = MergeConfirmForm()
    duplicate_id = request.form.get("duplicate", type=ascii_int) if request.method == "POST" else choose.duplicate.data
    duplicate = _organisation_by_id(duplicate_id)
    if duplicate is not None and (duplicate.id == survivor.id or duplicate.merged_into_id is not None):
        choose.duplicate.errors = [_("Choose another organisation that has not been merged.")]
        duplicate = None
    if request.method == "POST":
        if duplicate is None or not confirm.validate_on_submit():
            flash(_("Choose the duplicate organisation first."), "error")
            return redirect(url_for("orgs.merge", org_id=survivor.id))
        try:
            moved = register.merge_organisations(survivor, duplicate, current_user)
        except register.RegisterError as error:
            db.session.rollback()
            flash(" ".join(error.errors.values()), "error")
            return redirect(url_for("orgs.merge", org_id=survivor.id))
        except IntegrityError:
            # Another domain's row would clash once moved (e.g. both were members of the same group).
            db.session.rollback()
            flash(_("The organisations could not be merged: some of their records would clash. Nothing was "
                    "changed."), "error")
            return redirect(url_for("orgs.merge", org_id=survivor.id))
        db.session.commit()
        flash(_("The organisations were merged: %(count)d records moved to %(name)s.",
                count=sum(moved.values()), name=survivor.name), "success")
        return redirect(url_for("orgs.detail", org_id=survivor.id))
    if duplicate is not None:
        confirm.duplicate.data = str(duplicate.id)
    return render_template(
        "orgs/merge.html",
        survivor=survivor,
        duplicate=duplicate,
        choose=choose,
        confirm=confirm,
        references=register.reference_counts(duplicate) if duplicate else {},
    )


# Coordinator: applications and link requests


@bp.get("/admin/organisations/applications")
@coordinator_required
def applications_index():
    return render_template("orgs/applications.html", pending=applications.pending_applications(),
                           decided=applications.recently_decided())


def _application_or_404(application_id: int) -> MembershipApplication:
    application = db.session.get(MembershipApplication, application_id)
    if application is None:
        abort(404)
    return application


@bp.get("/admin/organisations/applications/<int:application_id>")
@coordinator_required
def application_detail(application_id: int):
    application = _application_or_404(application_id)
    return render_template("orgs/application.html", application=application, approve=ConfirmForm(),
                           reject=RejectForm(), clash=register.find_by_name(application.name_fi))


@bp.post("/admin/organisations/applications/<int:application_id>/approve")
@coordinator_required
def approve_application(application_id: int):
    application = _application_or_404(application_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("orgs.application_detail", application_id=application.id))
    try:
        org = applications.approve_application(application, current_user)
    except register.RegisterError as error:
        db.session.rollback()
        flash(_("The application could not be approved: %(reason)s", reason=" ".join(error.errors.values())),
              "error")
        return redirect(url_for("orgs.application_detail", application_id=application.id))
    db.session.commit()
    flash(_("%(name)s was approved and added to the register. The applicant will be told by e-mail.",
            name=org.name), "success")
    return redirect(url_for("orgs.applications_index"))


@bp.post("/admin/organisations/applications/<int:application_id>/reject")
@coordinator_required
def reject_application(application_id: int):
    application = _application_or_404(application_id)
    form = RejectForm()
    if form.validate_on_submit():
        done, _result = attempt(
            lambda: applications.reject_application(application, form.message.data, current_user), form=form,
            success=_("The application was rejected. The applicant will be told by e-mail."),
        )
        if done:
            return redirect(url_for("orgs.applications_index"))
    return render_template("orgs/application.html", application=application, approve=ConfirmForm(), reject=form,
                           clash=register.find_by_name(application.name_fi)), 422


# Coordinator: import and export


def _forget_old_uploads() -> None:
    db.session.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - timedelta(days=1)))


@bp.route("/admin/organisations/import", methods=["GET", "POST"])
@coordinator_required
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "upload").rsplit("/", 1)[-1][:200]
        # The size is checked before reading: a huge file is refused without loading it into memory.
        upload.stream.seek(0, os.SEEK_END)
        size = upload.stream.tell()
        upload.stream.seek(0)
        try:
            if size > importing.MAX_UPLOAD_BYTES:
                raise importing.ImportFileError(importing.too_large_message(size))
            content = upload.stream.read()
            plan = importing.plan_import(filename, content)
        except importing.ImportFileError as error:
            db.session.rollback()
            form.file.errors = [error.message]
        else:
            db.session.rollback()  # the dry run changes nothing
            confirm = ImportConfirmForm()
            if plan.has_changes:
                _forget_old_uploads()
                token = secrets.token_urlsafe(32)
                db.session.add(ImportUpload(token=token, filename=filename, content=content,
                                            uploaded_by_id=current_user.id))
                db.session.commit()
                session[IMPORT_SESSION_KEY] = token
                confirm.token.data = token
            return render_template("orgs/import_preview.html", plan=plan, confirm=confirm)
    status = 200 if request.method == "GET" else 422
    return render_template("orgs/import.html", form=form), status


@bp.post("/admin/organisations/import/confirm")
@coordinator_required
def import_confirm():
    form = ImportConfirmForm()
    token = form.token.data or ""
    # The token must be the one this browser session was shown, and the upload this coordinator's own.
    upload = None
    expected = str(session.get(IMPORT_SESSION_KEY) or "")
    if form.validate_on_submit() and token and secrets.compare_digest(token.encode(), expected.encode()):
        upload = db.session.scalar(
            select(ImportUpload).where(ImportUpload.token == token, ImportUpload.uploaded_by_id == current_user.id)
        )
    if upload is None:
        flash(_("The uploaded file is no longer available. Upload it again."), "error")
        return redirect(url_for("orgs.import_upload"))
    try:
        plan = importing.plan_import(upload.filename, upload.content)
        counts = importing.apply_import(plan, current_user)
    except importing.ImportFileError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("orgs.import_upload"))
    db.session.delete(upload)
    db.session.commit()
    session.pop(IMPORT_SESSION_KEY, None)
    flash(_("The import was applied: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(rejected)d rejected.", created=counts["create"], updated=counts["update"],
            unchanged=counts["unchanged"], rejected=counts["rejected"]), "success")
    return redirect(url_for("orgs.admin_index"))


@bp.get("/admin/organisations/export.csv")
@coordinator_required
def export_csv():
    return spreadsheet_response(exporting.register_sheet(language=current_language()), "csv", exporting.EXPORT_STEM)


@bp.get("/admin/organisations/export.xlsx")
@coordinator_required
def export_xlsx():
    return spreadsheet_response(exporting.register_sheet(language=current_language()), "xlsx", exporting.EXPORT_STEM)
