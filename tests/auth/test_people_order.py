"""People in the reader's alphabetical order (issue 16): /admin/users (paginated in SQL by the stored ICU key) and
the key following a change of name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from network.auth.models import User
from network.extensions import db

from ..factories import make_user
from ..support.names import ORDER, SURNAMES, full_name, in_order_of_appearance


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_admin_users_in_the_readers_alphabetical_order(coordinator_client, lang):
    for surname in SURNAMES:
        make_user(name=full_name(surname))
    page = coordinator_client.get(f"/admin/users?lang={lang}").get_data(as_text=True)
    assert in_order_of_appearance(page) == ORDER[lang]


def test_the_sort_keys_follow_a_change_of_name(app):
    person = make_user(name=full_name("Ahonen"))
    other = make_user(name=full_name("Mäkinen"))
    person.name = full_name("Östman")
    db.session.commit()
    by_finnish = db.session.scalars(select(User).where(User.id.in_([person.id, other.id]))
                                    .order_by(User.sort_column("fi"))).all()
    assert [u.name for u in by_finnish] == [full_name("Mäkinen"), full_name("Östman")]
    other.last_login_at = None  # an update that does not touch the name keeps the keys
    db.session.commit()
    assert other.sort_key_sv is not None
