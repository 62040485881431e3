"""Coordinators reach every administration area from one page; members reach their own pages from the menu."""

from __future__ import annotations


def test_admin_page_links_every_coordinator_area(coordinator_client):
    page = coordinator_client.get("/admin").get_data(as_text=True)
    for path in ("/admin/meetings", "/mailing", "/admin/organisations", "/admin/users", "/admin/audit"):
        assert f'href="{path}"' in page
    home = coordinator_client.get("/").get_data(as_text=True)
    assert 'href="/admin"' in home


def test_member_menu_and_profile_link_their_own_pages(member_client):
    home = member_client.get("/").get_data(as_text=True)
    assert 'href="/admin"' not in home
    assert 'href="/my/meetings"' in home
    profile = member_client.get("/profile").get_data(as_text=True)
    for path in ("/my/meetings", "/me/subscriptions", "/me/data"):
        assert f'href="{path}"' in profile


def test_coordinator_reaches_the_invitation_from_a_meeting(app, coordinator_client, create_meeting):
    meeting = create_meeting(title_fi="Verkostotapaaminen")
    page = coordinator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/mailing/invite?meeting={meeting.id}" in page
