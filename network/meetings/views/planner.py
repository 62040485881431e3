"""The year planner: the meetings a year still lacks (regions in turn, Democracy Day in week 42), adjusted by
the coordinator and created together."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from ...i18n import current_language
from ...orgs.regions import region_name
from ...permissions import coordinator_required
from ...text import is_ascii_digits
from ...web import apply_rule_error, attempt, error_list
from .. import queries, scheduling
from ..errors import MeetingError
from ..forms import PlanForm, PlanItemForm
from ..planner import PlanItem, ProposedMeeting, check_plan, create_plan, lacking_slots, proposal_for_year
from .common import NO_HOST, bp, host_choices


def _host_choices(item: ProposedMeeting | None, everyone: list[tuple[int, str]]) -> list[tuple[int, str]]:
    offered = [(h.id, f"{h.name} ({region_name(h.region, current_language())})") for h in item.hosts] if item else []
    offered_ids = {h.id for h in item.hosts} if item else set()
    return [*offered, *(c for c in everyone if c[0] not in offered_ids)]


def _fill(entry: PlanItemForm, item: ProposedMeeting) -> None:
    entry.kind.data = item.kind
    entry.slot.data = item.season
    entry.day.data = item.day
    entry.starts.data = item.starts
    entry.ends.data = item.ends
    entry.title_fi.data = item.title_fi
    entry.title_sv.data = item.title_sv
    entry.host_organisation_id.data = item.host_id or NO_HOST


def _item(entry: PlanItemForm) -> PlanItem:
    return PlanItem(
        slot=entry.slot.data or "", day=entry.day.data, starts=entry.starts.data, ends=entry.ends.data,
        title_fi=entry.title_fi.data or "", title_sv=(entry.title_sv.data or "").strip() or None,
        host_organisation_id=entry.host_organisation_id.data or None, venue=entry.venue.data,
        address=entry.address.data, exception=bool(entry.exception.data), reason=entry.reason.data,
    )


@bp.route("/admin/meetings/plan/<year:year>", methods=["GET", "POST"])
@coordinator_required
def plan(year: int):
    proposals = {item.season: item for item in proposal_for_year(year)}
    form = PlanForm()
    if request.method == "GET":
        for slot in lacking_slots(year):
            _fill(form.meetings.append_entry().form, proposals[slot])
    cards = [proposals.get(entry.form.slot.data or "") for entry in form.meetings]
    everyone = host_choices()
    for entry, item in zip(form.meetings, cards, strict=True):
        entry.form.host_organisation_id.choices = _host_choices(item, everyone)
    valid = request.method == "POST" and form.validate_on_submit()
    if request.method == "POST" and not valid and form.meetings.entries:
        # Every problem at once: the plan's rules too for what the form understood.
        apply_rule_error(form, MeetingError(errors=check_plan(year, [_item(entry.form) for entry in form.meetings])))
    if valid:
        done, created = attempt(
            lambda: create_plan(year, [_item(entry.form) for entry in form.meetings], current_user), form=form,
            success=lambda created: ngettext("%(num)d meeting of %(year)d was created as a draft.",
                                             "%(num)d meetings of %(year)d were created as drafts.", len(created),
                                             year=year))
        if done:
            return redirect(url_for("meetings.admin_year", year=year))
    existing = queries.meetings_in_year(year, queries.WITH_DRAFTS)
    errors = [(field_id, _card_label(field_id, cards, label), message)
              for field_id, label, message in error_list(form)]
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/plan.html", year=year, form=form, cards=cards, existing=existing,
                           errors=errors, warnings=scheduling.year_warnings(existing)), status


def _card_label(field_id: str, cards: list[ProposedMeeting | None], label: str) -> str:
    """"2. Spring meeting: Date" for a field of the second card."""
    parts = field_id.split("-")
    if len(parts) < 3 or not is_ascii_digits(parts[1]) or int(parts[1]) >= len(cards):
        return label
    index = int(parts[1])
    card = cards[index]
    title = card.title if card else ""
    return f"{index + 1}. {title}: {label}" if title else f"{index + 1}. {label}"
