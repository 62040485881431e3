"""Surveys: members answer at /surveys/<year>; coordinators build, open, remind, read results and the yearly
self-assessment report; published summaries are public."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..pagecache import cached_page
from ..permissions import coordinator_required, is_coordinator
from ..web import attempt_once
from . import answering, builder, invitations
from . import report as report_rules
from .errors import SurveyError
from .forms import NewSurveyForm, QuestionForm, SurveyForm
from .goals import goal_label
from .models import CHOICE_KINDS, CLOSED, DRAFT, OPEN, SCHEDULED, Question, Survey
from .summaries import summarised_surveys

bp = Blueprint("surveys", __name__)


def state_label(state: str) -> str:
    return {DRAFT: _("Not scheduled"), SCHEDULED: _("Scheduled"), OPEN: _("Open"), CLOSED: _("Closed")}.get(
        state, state)


@bp.app_context_processor
def _labels() -> dict:
    return {"survey_state_label": state_label, "goal_label": goal_label}


def _survey_or_404(year: int) -> Survey:
    survey = builder.survey_for_year(year)
    if survey is None:
        abort(404)
    return survey


def _question_or_404(survey: Survey, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _apply_error(form, error: SurveyError) -> None:
    """Put the rule's messages next to their fields; a message for no field of the form is flashed."""
    for name, message in error.errors.items():
        if name and name in form:
            form[name].errors = [*form[name].errors, str(message)]
        else:
            flash(str(message), "error")


# --- members ---------------------------------------------------------------------------------------------------

@bp.get("/surveys")
def index():
    surveys = db.session.scalars(db.select(Survey).order_by(Survey.year.desc())).all()
    open_surveys = [s for s in surveys if s.is_open]
    published = [s for s in surveys if s.is_published]
    return render_template("surveys/index.html", open_surveys=open_surveys, published=published,
                           can_manage=is_coordinator(current_user))


def _answer_page(survey: Survey, values: dict, errors: dict, status: int = 200):
    answered = answering.has_answered(survey, current_user)
    return render_template("surveys/answer.html", survey=survey, values=values, errors=errors, answered=answered,
                           state=survey.state(), choice_kinds=CHOICE_KINDS), status


@bp.get("/surveys/<year:year>")
@login_required
def answer(year: int):
    survey = _survey_or_404(year)
    if survey.state() in (DRAFT, SCHEDULED) and not current_user.is_coordinator:
        abort(404)
    return _answer_page(survey, answering.draft_values(survey, current_user), {})


@bp.post("/surveys/<year:year>")
@login_required
def submit_answer(year: int):
    survey = _survey_or_404(year)
    form = {key: request.form.getlist(key) for key in request.form if key.startswith("q")}
    saving_draft = request.form.get("action") == "draft"
    try:
        if saving_draft:
            answering.save_draft(survey, current_user, form)
        else:
            answering.submit(survey, current_user, form)
    except SurveyError as error:
        db.session.rollback()
        fields = {k: str(v) for k, v in error.errors.items() if k}
        if not fields:
            flash(str(error), "error")
        return _answer_page(survey, form, fields, 422)
    db.session.commit()
    if saving_draft:
        flash(_("Your answers are saved as a draft. You can come back and submit them before the survey closes."),
              "success")
        return redirect(url_for("surveys.answer", year=year))
    flash(_("Thank you! Your answers have been recorded."), "success")
    return redirect(url_for("surveys.answer", year=year))


@bp.get("/surveys/<year:year>/results")
@cached_page(per="day")
def public_results(year: int):
    survey = _survey_or_404(year)
    if not survey.is_published:
        abort(404)
    _summarise(year)
    return render_template("surveys/public_results.html", **report_rules.results_context(survey, public=True))


# --- coordinators: the builder ---------------------------------------------------------------------------------

@bp.route("/admin/surveys", methods=["GET", "POST"])
@coordinator_required
def admin():
    form = NewSurveyForm()
    if form.validate_on_submit():
        done, survey = attempt_once(
            lambda: builder.create_survey(form.year.data, source=form.source.data, opens_on=form.opens_on.data,
                                          closes_on=form.closes_on.data, actor=current_user),
            form=form, load=lambda survey_id: db.session.get(Survey, survey_id), apply_error=_apply_error,
            success=lambda survey: _("The survey for %(year)d was created.", year=survey.year))
        if done:
            return redirect(url_for("surveys.edit", year=survey.year))
    surveys = db.session.scalars(db.select(Survey).order_by(Survey.year.desc())).all()
    status = 422 if request.method == "POST" else 200
    return render_template("surveys/admin.html", form=form, surveys=surveys), status


@bp.route("/admin/surveys/<year:year>", methods=["GET", "POST"])
@coordinator_required
def edit(year: int):
    survey = _survey_or_404(year)
    form = SurveyForm(obj=survey)
    if form.validate_on_submit():
        try:
            builder.update_survey(survey, title_fi=form.title_fi.data, title_sv=form.title_sv.data,
                                  title_en=form.title_en.data, intro_fi=form.intro_fi.data,
                                  intro_sv=form.intro_sv.data, intro_en=form.intro_en.data,
                                  opens_on=form.opens_on.data, closes_on=form.closes_on.data, actor=current_user)
        except SurveyError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The survey was saved."), "success")
            return redirect(url_for("surveys.edit", year=year))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "surveys/edit.html", survey=survey, form=form, locked=builder.has_responses(survey),
        state=survey.state(), answered=invitations.answered_count(survey),
        waiting=invitations.not_answered_count(survey)), status


def _question_input(form: QuestionForm) -> builder.QuestionInput:
    options = builder.parse_options(form.options.data) if form.kind.data in CHOICE_KINDS else ()
    return builder.QuestionInput(key=(form.key.data or "").strip(), kind=form.kind.data, text_fi=form.text_fi.data,
                                 text_sv=form.text_sv.data, text_en=form.text_en.data,
                                 required=form.required.data, goal=form.goal.data or None, options=options)


@bp.route("/admin/surveys/<year:year>/questions/new", methods=["GET", "POST"])
@coordinator_required
def new_question(year: int):
    survey = _survey_or_404(year)
    form = QuestionForm()
    if form.validate_on_submit():
        done, _question = attempt_once(
            lambda: builder.add_question(survey, _question_input(form), actor=current_user), form=form,
            load=lambda question_id: db.session.get(Question, question_id), apply_error=_apply_error,
            success=_("The question was added."))
        if done:
            return redirect(url_for("surveys.edit", year=year))
    status = 422 if request.method == "POST" else 200
    return render_template("surveys/question.html", survey=survey, form=form, question=None,
                           locked=builder.has_responses(survey)), status


@bp.route("/admin/surveys/<year:year>/questions/<int:question_id>", methods=["GET", "POST"])
@coordinator_required
def edit_question(year: int, question_id: int):
    survey = _survey_or_404(year)
    question = _question_or_404(survey, question_id)
    form = QuestionForm(obj=question)
    if request.method == "GET":
        form.options.data = builder.options_text(question)
        form.goal.data = question.goal or ""
    if form.validate_on_submit():
        try:
            builder.edit_question(question, _question_input(form), actor=current_user)
        except SurveyError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The question was saved."), "success")
            return redirect(url_for("surveys.edit", year=year))
    status = 422 if request.method == "POST" else 200
    return render_template("surveys/question.html", survey=survey, form=form, question=question,
                           locked=builder.has_responses(survey)), status


def _summarise(year: int) -> None:
    """Store the summaries of closed surveys up to `year` that have none yet, before reading results (committed
    first, so that the page's own objects are not expired by a commit while it renders)."""
    summarised_surveys(year)
    db.session.commit()


def _run(action, success: str, year: int):
    try:
        result = action()
    except SurveyError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("surveys.edit", year=year))
    db.session.commit()
    flash(success.format(count=result) if isinstance(result, int) else success, "success")
    return redirect(url_for("surveys.edit", year=year))


@bp.post("/admin/surveys/<year:year>/questions/<int:question_id>/move")
@coordinator_required
def move_question(year: int, question_id: int):
    survey = _survey_or_404(year)
    question = _question_or_404(survey, question_id)
    direction = -1 if request.form.get("direction") == "up" else 1
    return _run(lambda: builder.move_question(question, direction, actor=current_user), _("The order was changed."), year)


@bp.post("/admin/surveys/<year:year>/questions/<int:question_id>/delete")
@coordinator_required
def delete_question(year: int, question_id: int):
    survey = _survey_or_404(year)
    question = _question_or_404(survey, question_id)
    return _run(lambda: builder.delete_question(question, actor=current_user), _("The question was removed."), year)


@bp.post("/admin/surveys/<year:year>/open")
@coordinator_required
def open_survey(year: int):
    survey = _survey_or_404(year)
    return _run(lambda: invitations.open_now(survey, actor=current_user),
                _("The survey is open. Invitations queued: {count}."), year)


@bp.post("/admin/surveys/<year:year>/remind")
@coordinator_required
def remind(year: int):
    survey = _survey_or_404(year)
    return _run(lambda: invitations.send_reminders(survey, actor=current_user), _("Reminders queued: {count}."), year)


@bp.post("/admin/surveys/<year:year>/publish")
@coordinator_required
def publish(year: int):
    survey = _survey_or_404(year)
    published = request.form.get("publish") != "0"
    builder.set_published(survey, published, actor=current_user)
    message = _("The summary is public.") if published else _("The summary is no longer public.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("surveys.results", year=year))


# --- coordinators: results and the report ----------------------------------------------------------------------

@bp.get("/admin/surveys/<year:year>/results")
@coordinator_required
def results(year: int):
    survey = _survey_or_404(year)
    _summarise(year)
    return render_template("surveys/results.html", **report_rules.results_context(survey, public=False))


@bp.get("/admin/reports/<year:year>")
@coordinator_required
def report(year: int):
    _summarise(year)
    return render_template("surveys/report.html", **report_rules.report_context(year))


@bp.get("/admin/reports/<year:year>/export.<fmt>")
@coordinator_required
def export_report(year: int, fmt: str):
    _summarise(year)
    if fmt == "pdf":
        html = render_template("surveys/report.html", printing=True, **report_rules.report_context(year))
        return report_rules.pdf_response(html, year)
    if fmt not in ("xlsx", "csv"):
        abort(404)
    return report_rules.spreadsheet(year, fmt, request.args.get("part"))
