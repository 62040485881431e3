from datetime import UTC, datetime, timedelta

from network.extensions import db

from . import FORBIDDEN, LOGIN, OK, REDIRECT, Access, World

BAD_TOKEN = 400  # a forged link: a page that says so


def setup(world: World) -> None:
    from network.mailing import lists, posts

    main = lists.main_list()
    sent = posts.create_post(main, None, posts.PostInput(subject_fi="Julkinen", body_fi="Teksti"))
    scheduled = posts.create_post(
        main, None,
        posts.PostInput(subject_fi="Ajastettu", body_fi="Teksti", send_at=datetime.now(UTC) + timedelta(days=1)),
    )
    group = lists.ensure_group_list(1, "Työryhmä")
    world.ids.update(post=sent.id, scheduled=scheduled.id, group_slug=group.slug)
    try:
        from network.meetings.scheduling import MeetingData, create_meeting
    except ModuleNotFoundError:
        world.ids["meeting"] = 0
    else:
        starts = datetime.now(UTC) + timedelta(days=20)
        meeting = create_meeting(MeetingData(title_fi="Kokous", starts_at=starts, ends_at=starts + timedelta(hours=2),
                                             venue="Kuntatalo"))
        world.ids["meeting"] = meeting.id
    db.session.commit()


RULES = [
    Access("mailing.subscribe", "GET", "/subscribe", OK, OK, OK),
    Access("mailing.subscribe", "POST", "/subscribe", 422, 422, 422),
    Access("mailing.confirm", "GET", "/subscribe/confirm/not-a-token", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
    Access("mailing.confirm", "POST", "/subscribe/confirm/not-a-token", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
    Access("mailing.unsubscribe", "GET", "/unsubscribe/not-a-token", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
    Access("mailing.unsubscribe", "POST", "/unsubscribe/not-a-token", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
    Access("mailing.manage", "GET", "/subscriptions/not-a-token", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
    Access("mailing.manage", "POST", "/subscriptions/not-a-token", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
    Access("mailing.manage_link", "GET", "/subscriptions", OK, OK, OK),
    Access("mailing.manage_link", "POST", "/subscriptions", OK, OK, OK),
    Access("mailing.my_subscriptions", "GET", "/me/subscriptions", LOGIN, OK, OK),
    Access("mailing.my_subscriptions", "POST", "/me/subscriptions", LOGIN, REDIRECT, REDIRECT, {"language": "fi"}),
    Access("mailing.archive", "GET", "/posts", OK, OK, OK),
    Access("mailing.list_archive", "GET", lambda w: f"/lists/{w.ids['group_slug']}/posts", LOGIN, FORBIDDEN, OK),
    Access("mailing.post", "GET", lambda w: f"/posts/{w.ids['post']}", OK, OK, OK),
    Access("mailing.post_progress", "GET", lambda w: f"/posts/{w.ids['post']}/progress.json", LOGIN, FORBIDDEN, OK),
    Access("mailing.new_post", "GET", "/posts/new", LOGIN, FORBIDDEN, OK),
    Access("mailing.new_post", "POST", "/posts/new", LOGIN, FORBIDDEN, 422),
    Access("mailing.cancel_post", "GET", lambda w: f"/posts/{w.ids['scheduled']}/cancel", LOGIN, FORBIDDEN, OK),
    Access("mailing.cancel_post", "POST", lambda w: f"/posts/{w.ids['scheduled']}/cancel", LOGIN, FORBIDDEN,
           REDIRECT),
    Access("mailing.admin", "GET", "/mailing", LOGIN, FORBIDDEN, OK),
    Access("mailing.invite", "GET", "/mailing/invite", LOGIN, FORBIDDEN, OK),
    Access("mailing.invite", "POST", "/mailing/invite", LOGIN, FORBIDDEN, 422),
    Access("mailing.invite_status", "GET", lambda w: f"/mailing/invites/{w.ids['meeting']}", LOGIN, FORBIDDEN, OK),
    Access("mailing.invite_progress", "GET", lambda w: f"/mailing/invites/{w.ids['meeting']}/progress.json", LOGIN,
           FORBIDDEN, OK),
    Access("mailing.rsvp", "GET", "/rsvp/not-a-token/yes", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
    Access("mailing.rsvp", "POST", "/rsvp/not-a-token/yes", BAD_TOKEN, BAD_TOKEN, BAD_TOKEN),
]
