"""Working-group pages through the test client: proposing and deciding, joining and leaving with the result on the
page, the chair's pages, the feed, exports, and bad input that changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.extensions import db
from network.groups import membership, proposals, queries
from network.groups.models import APPROVED, PENDING, GroupMembership, GroupReportFile, WorkingGroup
from network.mail.delivery import deliver_all
from network.mail.models import OutboxMessage
from network.meetings.models import Meeting
from network.timeutil import helsinki_to_utc, helsinki_today, utcnow

from ..conftest import choose_language, create_user, log_in
from ..factories import make_meeting
from ..support.mail import text_body
from .conftest import active_dates, closed_dates, make_group


def _client(app, user, lang="en"):
    client = app.test_client()
    log_in(client, user)
    choose_language(client, lang)
    return client


def _proposal_form(**fields) -> dict:
    today = helsinki_today()
    values = {
        "name_fi": "Osallisuusmittarit",
        "theme_fi": "Miten kunnat mittaavat osallisuutta",
        "mandate_fi": "## Tarkoitus\n\nKoota mittarit.",
        "steering": "Verkoston koordinaattorit",
        "signup_deadline": (today + timedelta(days=14)).isoformat(),
        "term_end": (today + timedelta(days=120)).isoformat(),
        "max_size": "12",
        "approving_meeting": "Verkostotapaaminen marraskuussa",
    }
    values.update(fields)
    return values


def test_member_proposes_and_coordinator_approves(app, people, coordinator):
    aino = _client(app, people["aino"], "fi")
    response = aino.post("/groups/propose", data=_proposal_form())
    assert response.status_code == 302
    group = db.session.scalar(select(WorkingGroup))
    assert group.decision == PENDING and group.proposer_language == "fi"
    # The proposal is not public.
    assert app.test_client().get(f"/groups/{group.id}").status_code == 404
    assert aino.get(f"/groups/{group.id}").status_code == 200

    boss = _client(app, coordinator)
    page = boss.get(f"/admin/groups/{group.id}/decide")
    assert "Osallisuusmittarit" in page.get_data(as_text=True)
    response = boss.post(f"/admin/groups/{group.id}/decide", data=_proposal_form(decision="approve",
                                                                                   name_sv="Delaktighetsmätare"))
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.decision == APPROVED and group.name_sv == "Delaktighetsmätare"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "aino@tampere.example"))
    assert mail.subject.startswith("Työryhmäehdotuksesi hyväksyttiin")
    listed = app.test_client().get("/groups").get_data(as_text=True)
    assert "Osallisuusmittarit" in listed


def test_bad_proposal_dates_are_field_messages_and_nothing_is_stored(app, people):
    aino = _client(app, people["aino"])
    today = helsinki_today()
    response = aino.post("/groups/propose", data=_proposal_form(
        signup_deadline=(today + timedelta(days=200)).isoformat()))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The sign-up deadline must be on or before the term end." in html
    assert 'id="signup_deadline-error"' in html
    response = aino.post("/groups/propose", data=_proposal_form(term_end=(today - timedelta(days=1)).isoformat()))
    assert response.status_code == 422
    assert "The term end cannot be in the past." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(WorkingGroup.id))) == 0


def test_bad_input_message_in_swedish(app, people):
    erik = _client(app, people["erik"], "sv")
    response = erik.post("/groups/propose", data=_proposal_form(
        term_end=(helsinki_today() - timedelta(days=3)).isoformat()))
    assert response.status_code == 422
    assert "Mandatperioden kan inte sluta i det förflutna." in response.get_data(as_text=True)


def test_decline_needs_a_reason_on_the_form(app, coordinator, proposed_group):
    boss = _client(app, coordinator)
    response = boss.post(f"/admin/groups/{proposed_group.id}/decide", data=_proposal_form(decision="decline"))
    assert response.status_code == 422
    assert "Give a reason: the proposer will receive it." in response.get_data(as_text=True)
    db.session.refresh(proposed_group)
    assert proposed_group.decision == PENDING
    response = boss.post(f"/admin/groups/{proposed_group.id}/decide",
                         data=_proposal_form(decision="decline", reason="Päällekkäinen aihe."))
    assert response.status_code == 302
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "erik@vaasa.example"))
    assert mail.subject.startswith("Ditt förslag till arbetsgrupp")
    assert "Päällekkäinen aihe." in mail.body_text


def test_join_from_the_page_shows_the_result_and_leave(app, people, open_group):
    aino = _client(app, people["aino"])
    response = aino.post(f"/groups/{open_group.id}/join", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "You joined the group." in html
    assert "You are a member of this group." in html
    assert "Leave the group" in html
    assert "My groups" in aino.get("/my/groups").get_data(as_text=True)
    assert open_group.name_fi in aino.get("/my/groups").get_data(as_text=True)
    # Joining twice: a clear message, nothing changed.
    response = aino.post(f"/groups/{open_group.id}/join", follow_redirects=True)
    assert "You are already a member of this group." in response.get_data(as_text=True)
    assert membership.member_total(open_group) == 1
    response = aino.post(f"/groups/{open_group.id}/leave", follow_redirects=True)
    assert "You left the group." in response.get_data(as_text=True)
    assert membership.member_total(open_group) == 0


def test_visitor_posting_to_join_is_sent_to_log_in(app, open_group):
    response = app.test_client().post(f"/groups/{open_group.id}/join")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert membership.member_total(open_group) == 0


def test_join_full_and_closed_groups_from_the_page(app, people):
    full = make_group(max_size=1)
    membership.join(full, people["erik"])
    db.session.commit()
    aino = _client(app, people["aino"])
    response = aino.post(f"/groups/{full.id}/join", follow_redirects=True)
    assert "The group is full." in response.get_data(as_text=True)
    closed = make_group(**closed_dates())
    response = aino.post(f"/groups/{closed.id}/join", follow_redirects=True)
    assert "The group is closed." in response.get_data(as_text=True)
    assert membership.member_total(closed) == 0 and membership.member_total(full) == 1


def test_no_page_shows_a_group_open_after_its_deadline(app, people):
    group = make_group(**active_dates())
    html = app.test_client().get(f"/groups/{group.id}").get_data(as_text=True)
    choose = app.test_client()
    choose_language(choose, "en")
    html = choose.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Join the group" not in html
    assert "Sign-up has closed" in html
    listing = choose.get("/groups").get_data(as_text=True)
    open_section = listing.split('id="open-heading"')[1].split('id="active-heading"')[0]
    assert group.name_fi not in open_section


def test_member_editing_a_group_they_do_not_chair_changes_nothing(app, people, open_group):
    aino = _client(app, people["aino"])
    response = aino.post(f"/groups/{open_group.id}/edit", data=_proposal_form(name_fi="Kaapattu"))
    assert response.status_code == 403
    db.session.refresh(open_group)
    assert open_group.name_fi == "Kuntavaalitavoitteet"


def test_chair_of_one_group_cannot_manage_another(app, people, coordinator):
    mine = make_group(member_count=1, chair_id=people["aino"].id)
    db.session.add(GroupMembership(group_id=mine.id, user_id=people["aino"].id))
    other = make_group(name_fi="Toinen ryhmä")
    db.session.commit()
    aino = _client(app, people["aino"])
    assert aino.get(f"/groups/{mine.id}/edit").status_code == 200
    response = aino.post(f"/groups/{other.id}/edit", data=_proposal_form(name_fi="Kaapattu"))
    assert response.status_code == 403
    assert aino.get(f"/groups/{other.id}/members").status_code == 403
    db.session.refresh(other)
    assert other.name_fi == "Toinen ryhmä"


def test_chair_edits_exports_and_hands_over(app, people, coordinator, open_group):
    for person in ("aino", "erik", "sanna"):
        membership.join(open_group, people[person])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    aino = _client(app, people["aino"])
    response = aino.post(f"/groups/{open_group.id}/edit", data=_proposal_form(
        name_fi="Uusi nimi", signup_deadline=open_group.signup_deadline.isoformat(),
        term_end=open_group.term_end.isoformat()))
    assert response.status_code == 302
    db.session.refresh(open_group)
    assert open_group.name_fi == "Uusi nimi"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "group.update",
                                                      AuditEntry.actor_id == people["aino"].id)) is not None
    html = aino.get(f"/groups/{open_group.id}/members").get_data(as_text=True)
    assert "erik@vaasa.example" in html and "SOSTE ry" in html
    export = aino.get(f"/groups/{open_group.id}/members.csv")
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Name", "E-mail", "Organisation"]
    assert {r[1] for r in rows[1:]} == {"aino@tampere.example", "erik@vaasa.example", "sanna@soste.example"}
    xlsx = aino.get(f"/groups/{open_group.id}/members.xlsx")
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    # Hand over to a non-member: refused with the message next to the field.
    outsider = people["olli"]
    response = aino.post(f"/groups/{open_group.id}/chair", data={"chair": outsider.id})
    assert response.status_code == 422
    response = aino.post(f"/groups/{open_group.id}/chair", data={"chair": people["erik"].id})
    assert response.status_code == 302
    db.session.refresh(open_group)
    assert open_group.chair_id == people["erik"].id
    # The former chair manages the group no more.
    assert aino.get(f"/groups/{open_group.id}/edit").status_code == 403


def test_chair_posts_to_the_groups_list_and_members_receive_it(app, people, coordinator, open_group, smtp_server):
    for person in ("aino", "erik"):
        membership.join(open_group, people[person])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    mailing_list = proposals.group_list(open_group)
    aino = _client(app, people["aino"])
    response = aino.post("/posts/new", data={"mailing_list": mailing_list.id, "subject_fi": "Ensimmäinen kokous",
                                             "body_fi": "Tavataan pian.", "when": "now", "confirm": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    deliver_all()
    received = smtp_server.messages_to("erik@vaasa.example")
    assert any(m["Subject"] == "Ensimmäinen kokous" for m in received)
    assert any("Tavataan pian." in text_body(m) for m in received)
    # A member who is not the chair cannot post to the list.
    erik = _client(app, people["erik"])
    assert erik.get("/posts/new").status_code == 403


def test_chair_creates_a_meeting_in_the_groups_feed_and_sends_invites(app, people, coordinator, open_group):
    membership.join(open_group, people["aino"])
    membership.join(open_group, people["erik"])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    network_meeting = make_meeting(title_fi="Verkoston tapaaminen")
    aino = _client(app, people["aino"])
    day = (helsinki_today() + timedelta(days=20)).isoformat()
    response = aino.post(f"/groups/{open_group.id}/meetings/new", data={
        "kind": "working_group", "title_fi": "Ryhmän aloituskokous", "starts_at": f"{day}T13:00",
        "ends_at": f"{day}T15:00", "mode": "online", "online_url": "https://meet.example/ryhma",
        "host_organisation_id": "0", "region": "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting).where(Meeting.group_id == open_group.id))
    assert meeting.kind == "working_group" and meeting.title_fi == "Ryhmän aloituskokous"
    feed = app.test_client().get(f"/groups/{open_group.id}/calendar.ics")
    assert feed.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.data)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Ryhmän aloituskokous"]
    assert network_meeting.title_fi not in summaries
    response = aino.post(f"/groups/{open_group.id}/meetings/{meeting.id}/invite")
    assert response.status_code == 302
    invited = set(db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.message_key.like(f"invite:{meeting.id}:%"))))
    assert invited == {"aino@tampere.example", "erik@vaasa.example"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "group.invite",
                                                      AuditEntry.actor_id == people["aino"].id)) is not None
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "erik@vaasa.example",
                                                        OutboxMessage.message_key.like("invite:%")))
    assert row.calendar and "METHOD:REQUEST" in row.calendar


def test_ask_to_join_and_chair_declines_from_the_members_page(app, people, coordinator):
    group = make_group(**active_dates(), member_count=1, chair_id=people["aino"].id)
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.commit()
    erik = _client(app, people["erik"])
    response = erik.post(f"/groups/{group.id}/ask", data={"message": "Saisinko liittyä?"}, follow_redirects=True)
    assert "Your request was sent to the chair." in response.get_data(as_text=True)
    request = membership.pending_request(group, people["erik"])
    aino = _client(app, people["aino"])
    assert "Saisinko liittyä?" in aino.get(f"/groups/{group.id}/members").get_data(as_text=True)
    response = aino.post(f"/groups/{group.id}/requests/{request.id}", data={"answer": "decline"})
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == "declined"
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "erik@vaasa.example")).all()
    assert any("Din begäran" in m.subject for m in told)
    assert membership.find_membership(group, people["erik"]) is None


def test_closed_group_shows_its_report_and_refuses_changes(app, people, coordinator):
    group = make_group(**closed_dates(), member_count=1, chair_id=people["aino"].id,
                       final_report_fi="## Tulos\n\nTavoitteet hyväksyttiin.")
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.commit()
    visitor = app.test_client()
    choose_language(visitor, "en")
    html = visitor.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Tavoitteet hyväksyttiin." in html and "Closed" in html
    aino = _client(app, people["aino"])
    response = aino.post(f"/groups/{group.id}/edit", data=_proposal_form(name_fi="Muutos"), follow_redirects=True)
    assert "The group is closed. Only its final report can be changed." in response.get_data(as_text=True)
    response = aino.post(f"/groups/{group.id}/report", data={"final_report_fi": "## Tulos\n\nKorjattu."})
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.final_report_fi.endswith("Korjattu.") and group.name_fi == "Kuntavaalitavoitteet"
    years = visitor.get("/groups").get_data(as_text=True)
    assert group.name_fi in years.split('id="closed-heading"')[1]


def test_report_attachment_is_checked_and_public(app, people, coordinator, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    group = make_group(member_count=1, chair_id=people["aino"].id)
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.commit()
    aino = _client(app, people["aino"])
    response = aino.post(f"/groups/{group.id}/report", data={
        "final_report_fi": "Raportti", "file": (io.BytesIO(b"MZ not a pdf"), "raportti.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "does not match its type" in response.get_data(as_text=True)
    db.session.refresh(group)
    assert group.final_report_fi is None
    response = aino.post(f"/groups/{group.id}/report", data={
        "final_report_fi": "Raportti", "file": (io.BytesIO(b"%PDF-1.4 raportti"), "raportti.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(group)
    item = group.report_files[0]
    download = app.test_client().get(f"/groups/{group.id}/report/files/{item.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_a_report_attachment_can_be_removed_by_the_chair_after_a_confirmation(app, people, tmp_path):
    """A fresh tester found a wrongly uploaded attachment public at once and impossible to remove."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    group = make_group(member_count=2, chair_id=people["aino"].id)
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.add(GroupMembership(group_id=group.id, user_id=people["erik"].id))
    db.session.commit()
    aino = _client(app, people["aino"])
    aino.post(f"/groups/{group.id}/report", data={
        "final_report_fi": "Raportti", "file": (io.BytesIO(b"%PDF-1.4 wrong"), "vaara.pdf")},
        content_type="multipart/form-data")
    db.session.refresh(group)
    (item,) = group.report_files
    stored = tmp_path / "groups" / item.stored_name
    assert stored.is_file()
    delete = f"/groups/{group.id}/report/files/{item.id}/delete"
    page = aino.get(f"/groups/{group.id}/report").get_data(as_text=True)
    assert f'href="{delete}"' in page

    # A member who is not the chair may not; a wrong group's id is 404.
    assert _client(app, people["erik"]).post(delete).status_code == 403
    other = make_group(name_fi="Toinen", chair_id=people["aino"].id)
    assert aino.post(f"/groups/{other.id}/report/files/{item.id}/delete").status_code == 404

    confirm = aino.get(delete)
    assert confirm.status_code == 200
    assert "vaara.pdf" in confirm.get_data(as_text=True) and "cannot be restored" in confirm.get_data(as_text=True)
    assert db.session.get(GroupReportFile, item.id) is not None  # asking removes nothing

    response = aino.post(delete)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupReportFile, item.id) is None and not stored.exists()
    assert app.test_client().get(f"/groups/{group.id}/report/files/{item.id}").status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "group.report_file_remove"))
    assert entry.actor_id == people["aino"].id and entry.before == {"file": "vaara.pdf"}


def test_coordinator_overview_and_export(app, people, coordinator, orgs):
    group = make_group()
    for person in ("aino", "erik", "sanna"):
        membership.join(group, people[person])
    make_group(name_fi="Ehdotus", decision=PENDING, decided_at=None)
    db.session.commit()
    boss = _client(app, coordinator)
    html = boss.get("/admin/groups").get_data(as_text=True)
    assert "Kuntavaalitavoitteet" in html and "Ehdotus" in html
    assert "Civil-society organisation: 1" in html and "Municipality: 2" in html
    export = boss.get("/admin/groups.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    row = next(r for r in rows if r[0] == "Kuntavaalitavoitteet")
    assert row[1] == "Open for sign-up" and row[4] == "3"
    assert boss.get("/admin/groups.xlsx").status_code == 200


def test_group_page_counts_organisations_by_kind_and_region(app, people):
    group = make_group()
    for person in ("aino", "erik", "sanna", "olli"):
        membership.join(group, people[person])
    db.session.commit()
    visitor = app.test_client()
    choose_language(visitor, "en")
    html = visitor.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "4 organisations" in html
    assert "Uusimaa" in html and "Pirkanmaa" in html and "State administration" in html
    # Members' names and addresses are not public.
    assert "aino@tampere.example" not in html


def test_an_organisation_link_waiting_for_confirmation_is_not_counted(app, people):
    group = make_group()
    people["olli"].organisation_link_pending = True  # asked to be linked; no coordinator has confirmed it
    for person in ("aino", "olli"):
        membership.join(group, people[person])
    db.session.commit()
    taking_part = queries.participation([group.id])[group.id]
    assert taking_part.organisations == 1 and taking_part.without_organisation == 1
    olli_org = people["olli"].organisation
    assert olli_org.kind not in dict(taking_part.by_kind) and dict(taking_part.by_kind) != {}
    assert queries.groups_of_organisation(olli_org) == []


def test_front_page_lists_open_groups(app):
    group = make_group(name_fi="Avoin ryhmä")
    make_group(name_fi="Aktiivinen ryhmä", **active_dates())
    html = app.test_client().get("/").get_data(as_text=True)
    assert group.name_fi in html and "Aktiivinen ryhmä" not in html


def test_data_export_and_account_deletion_cover_memberships(app, people, coordinator):
    from network.privacy import anonymise_personal_data, export_personal_data

    group = make_group(max_size=3)
    membership.join(group, people["aino"])
    membership.join(group, people["erik"])
    proposals.appoint_chair(group, coordinator, people["aino"])
    db.session.commit()
    data = export_personal_data(people["aino"])
    assert data["groups"]["memberships"][0]["group"] == "Kuntavaalitavoitteet"
    assert data["groups"]["memberships"][0]["chair"] is True
    anonymise_personal_data(people["aino"])
    db.session.commit()
    db.session.refresh(group)
    assert group.member_count == 1 and group.chair_id is None
    assert membership.member_total(group) == 1


def test_audit_labels_are_registered_in_each_language(app):
    from flask_babel import force_locale

    from network.registries import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS

    with force_locale("fi"):
        assert str(ACTION_LABELS["group.approve"]) == "Työryhmä hyväksytty"
        assert str(ENTITY_LABELS["working_group"]) == "Työryhmä"
        assert str(FIELD_LABELS["term_end"]) == "Toimikausi päättyy"
    with force_locale("sv"):
        assert str(ACTION_LABELS["group.chair_handover"]) == "Ordförandeskapet överlämnat"


def test_yearly_figures_count_active_groups_and_members(app, people):
    from network.registries import figures_for_year

    year = helsinki_today().year
    group = make_group()
    make_group(decision=PENDING)
    membership.join(group, people["aino"])
    membership.join(group, people["erik"])
    db.session.commit()
    figures = {f.key: f.value for f in figures_for_year(year)}
    assert figures["groups.active"] == 1
    assert figures["groups.members"] == 2
    assert {f.key: f.value for f in figures_for_year(year - 5)}["groups.active"] == 0


def test_yearly_member_figure_counts_only_those_who_had_joined_by_the_years_end(app, people):
    from network.registries import figures_for_year

    year = helsinki_today().year
    # A group approved last year and still active: one member joined last year, one this year.
    group = make_group(signup_deadline=date(year - 1, 12, 1), term_end=helsinki_today() + timedelta(days=60),
                       decided_at=helsinki_to_utc(datetime(year - 1, 6, 1, 12, 0)))
    db.session.add_all([
        GroupMembership(group_id=group.id, user_id=people["aino"].id,
                        joined_at=helsinki_to_utc(datetime(year - 1, 9, 1, 10, 0))),
        GroupMembership(group_id=group.id, user_id=people["erik"].id, joined_at=utcnow()),
    ])
    db.session.commit()
    last_year = {f.key: f.value for f in figures_for_year(year - 1)}
    assert (last_year["groups.active"], last_year["groups.members"]) == (1, 1)
    assert {f.key: f.value for f in figures_for_year(year)}["groups.members"] == 2


def test_user_created_for_helpers_is_usable(app):
    # create_user from tests.conftest works alongside the groups fixtures (guards the fixture imports).
    user = create_user("extra@example.fi", "Extra")
    assert user.id and utcnow()


def test_group_meeting_stays_out_of_the_network_calendar_unless_chosen(app, people, coordinator, open_group):
    membership.join(open_group, people["aino"])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    aino = _client(app, people["aino"])
    day = (helsinki_today() + timedelta(days=20)).isoformat()
    for title, shown in (("Sisäinen kokous", ""), ("Avoin työpaja", "y")):
        form = {"kind": "working_group", "title_fi": title, "starts_at": f"{day}T13:00", "ends_at": f"{day}T15:00",
                "mode": "online", "online_url": "https://meet.example/ryhma", "host_organisation_id": "0",
                "region": ""}
        if shown:
            form["network_calendar"] = shown
        assert aino.post(f"/groups/{open_group.id}/meetings/new", data=form).status_code == 302
    network = [str(e["SUMMARY"]) for e in Calendar.from_ical(app.test_client().get("/calendar.ics").data)
               .walk("VEVENT")]
    group_feed = [str(e["SUMMARY"]) for e in Calendar.from_ical(
        app.test_client().get(f"/groups/{open_group.id}/calendar.ics").data).walk("VEVENT")]
    assert network == ["Avoin työpaja"]
    assert sorted(group_feed) == ["Avoin työpaja", "Sisäinen kokous"]


def test_chair_may_manage_the_groups_meetings_only(app, people, coordinator, open_group):
    from network.permissions import may_manage

    membership.join(open_group, people["aino"])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    own = make_meeting(kind="working_group", group_id=open_group.id)
    other = make_meeting(kind="working_group", group_id=make_group(name_fi="Muu").id)
    network = make_meeting()
    assert may_manage(people["aino"], own)
    assert not may_manage(people["aino"], other) and not may_manage(people["aino"], network)
    assert not may_manage(people["erik"], own)


def test_closed_group_refuses_new_meetings(app, people):
    group = make_group(**closed_dates(), member_count=1, chair_id=people["aino"].id)
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.commit()
    aino = _client(app, people["aino"])
    day = (helsinki_today() + timedelta(days=20)).isoformat()
    response = aino.post(f"/groups/{group.id}/meetings/new", data={
        "kind": "working_group", "title_fi": "Myöhässä", "starts_at": f"{day}T13:00", "ends_at": f"{day}T15:00",
        "mode": "online", "online_url": "https://meet.example/x", "host_organisation_id": "0", "region": ""})
    assert response.status_code == 422
    assert "The group is closed. Only its final report can be changed." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_refusals_in_the_readers_language(app, people):
    group = make_group(max_size=1)
    erik = _client(app, people["erik"], "sv")
    erik.post(f"/groups/{group.id}/join")
    html = erik.post(f"/groups/{group.id}/join", follow_redirects=True).get_data(as_text=True)
    assert "Du är redan medlem i den här gruppen." in html
    aino = _client(app, people["aino"], "fi")
    html = aino.post(f"/groups/{group.id}/join", follow_redirects=True).get_data(as_text=True)
    assert "Ryhmä on täynnä." in html
    assert membership.member_total(group) == 1


def test_closed_group_sends_no_invites(app, people):
    group = make_group(**closed_dates(), member_count=1, chair_id=people["aino"].id)
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.commit()
    meeting = make_meeting(kind="working_group", group_id=group.id)
    aino = _client(app, people["aino"])
    html = aino.post(f"/groups/{group.id}/meetings/{meeting.id}/invite", follow_redirects=True).get_data(as_text=True)
    assert "The group is closed. Only its final report can be changed." in html
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_chair_moves_and_cancels_a_group_meeting_and_invitees_are_told(app, people, coordinator, open_group):
    membership.join(open_group, people["aino"])
    membership.join(open_group, people["erik"])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    meeting = make_meeting(kind="working_group", group_id=open_group.id, title_fi="Työpaja", mode="online",
                           online_url="https://meet.example/t")
    aino = _client(app, people["aino"])
    aino.post(f"/groups/{open_group.id}/meetings/{meeting.id}/invite")
    page = aino.get(f"/groups/{open_group.id}/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Työpaja"' in page
    day = (helsinki_today() + timedelta(days=40)).isoformat()
    response = aino.post(f"/groups/{open_group.id}/meetings/{meeting.id}/edit", data={
        "kind": "working_group", "title_fi": "Työpaja", "starts_at": f"{day}T10:00", "ends_at": f"{day}T12:00",
        "mode": "online", "online_url": "https://meet.example/t", "host_organisation_id": "0", "region": ""})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.sequence == 1 and meeting.group_id == open_group.id and meeting.kind == "working_group"
    update = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "erik@vaasa.example",
                                                           OutboxMessage.message_key == f"invite:{meeting.id}:1:REQUEST"))
    assert update is not None
    # Without a reason: a message, nothing cancelled.
    response = aino.post(f"/groups/{open_group.id}/meetings/{meeting.id}/cancel", data={"cancel-reason": ""})
    assert response.status_code == 422
    db.session.refresh(meeting)
    assert not meeting.is_cancelled
    response = aino.post(f"/groups/{open_group.id}/meetings/{meeting.id}/cancel", data={"cancel-reason": "Sairastuminen"})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.is_cancelled
    cancel = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "erik@vaasa.example",
                                                           OutboxMessage.calendar_method == "CANCEL"))
    assert cancel is not None


def test_organisation_page_lists_the_groups_its_people_are_in(app, people, orgs):
    group = make_group(name_fi="Osallisuusryhmä")
    make_group(name_fi="Muu ryhmä")
    membership.join(group, people["aino"])
    db.session.commit()
    visitor = app.test_client()
    choose_language(visitor, "en")
    html = visitor.get(f"/organisations/{orgs['tampere'].id}").get_data(as_text=True)
    assert "Osallisuusryhmä" in html and "1 person" in html and "Muu ryhmä" not in html
    other = visitor.get(f"/organisations/{orgs['vaasa'].id}").get_data(as_text=True)
    assert "Osallisuusryhmä" not in other


def test_account_menu_and_admin_page_link_to_groups(app, people, coordinator):
    aino = _client(app, people["aino"])
    assert 'href="/my/groups"' in aino.get("/").get_data(as_text=True)
    boss = _client(app, coordinator)
    assert 'href="/admin/groups"' in boss.get("/admin").get_data(as_text=True)


def test_chair_leaving_is_confirmed_first_and_told_what_happens_to_the_chair_role(app, people, open_group):
    membership.join(open_group, people["aino"])
    open_group.chair_id = people["aino"].id
    db.session.commit()
    aino = _client(app, people["aino"])
    detail = aino.get(f"/groups/{open_group.id}").get_data(as_text=True)
    assert f'action="/groups/{open_group.id}/leave"' not in detail, "no one-click leave button"
    assert f'href="/groups/{open_group.id}/leave"' in detail
    confirm = aino.get(f"/groups/{open_group.id}/leave")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "You are the group's chair. If you leave, you are no longer its chair" in page
    db.session.refresh(open_group)
    assert open_group.chair_id == people["aino"].id and membership.member_total(open_group) == 1
    done = aino.post(f"/groups/{open_group.id}/leave", follow_redirects=True).get_data(as_text=True)
    assert "You left the group. It has no chair until a coordinator appoints a new one." in done
    db.session.refresh(open_group)
    assert open_group.chair_id is None and membership.member_total(open_group) == 0


def test_leave_confirmation_for_a_member_and_for_someone_not_in_the_group(app, people, open_group):
    membership.join(open_group, people["sanna"])
    db.session.commit()
    page = _client(app, people["sanna"]).get(f"/groups/{open_group.id}/leave").get_data(as_text=True)
    assert "Are you sure you want to leave" in page and "group's chair" not in page
    outsider = _client(app, people["olli"]).get(f"/groups/{open_group.id}/leave", follow_redirects=True)
    assert "You are not a member of this group." in outsider.get_data(as_text=True)


@pytest.mark.parametrize("state", ["open", "active", "closed"])
def test_the_mandate_is_on_the_page_in_every_state_of_the_group(client, db, state):
    """A fresh tester found the mandate shown only with a final report: people deciding whether to join could not
    read what an open group is for."""
    dates = {"open": {}, "active": active_dates(), "closed": closed_dates()}[state]
    group = make_group(mandate_fi="## Tarkoitus\n\nKoota esitys verkoston tavoitteiksi.", **dates)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert 'id="mandate-heading"' in page and "Koota esitys verkoston tavoitteiksi." in page
    assert "Loppuraportti" not in page  # no final report yet: no empty report section


def test_a_form_wide_error_is_shown_once_and_without_an_empty_link(app, db, coordinator):
    """A fresh tester saw '<a href="#">: The group is closed...</a>' in the error summary and the same text again
    below it: an error for no field had an empty label and link, and four forms printed such errors twice."""
    group = make_group(**closed_dates())
    client = _client(app, coordinator)
    response = client.post(f"/groups/{group.id}/edit", data=_proposal_form(name_fi="Muutettu"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    message = "The group is closed. Only its final report can be changed."
    assert page.count(message) == 1
    assert f"<li>{message}</li>" in page and 'href="#"' not in page
    db.session.refresh(group)
    assert group.name_fi == "Kuntavaalitavoitteet"
