"""The account rules in network/auth/accounts.py as plain functions (no HTTP)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from network.audit.models import AuditEntry
from network.auth import accounts
from network.auth.accounts import AccountError, Registration
from network.mail.models import OutboxMessage
from network.tokens import TokenError, make_token
from tests.factories import make_org

from ..conftest import PASSWORD, create_user
from .helpers import GOOD_PASSWORD, outbox_count, user_count


def _registration(**overrides) -> Registration:
    values = {"name": " Aino Virtanen ", "email": "Aino.Virtanen@Example.FI", "password": GOOD_PASSWORD}
    values.update(overrides)
    return Registration(**values)


class TestNormalizeEmail:
    def test_lower_cases_and_strips(self, app):
        assert accounts.normalize_email("  Aino.Virtanen@Example.FI ") == "aino.virtanen@example.fi"

    @pytest.mark.parametrize(
        "value", ["", "aino", "aino@", "@example.fi", "aino@@example.fi", "aino virtanen@example.fi", "aino@example"]
    )
    def test_malformed_is_refused_with_a_message_for_the_email_field(self, app, value):
        with force_locale("en"), pytest.raises(AccountError) as caught:
            accounts.normalize_email(value)
        assert caught.value.field == "email"
        assert "valid e-mail address" in caught.value.message

    def test_message_in_finnish(self, app):
        with force_locale("fi"), pytest.raises(AccountError) as caught:
            accounts.normalize_email("ei-osoite")
        assert caught.value.message.startswith("Anna kelvollinen sähköpostiosoite")


class TestPasswordRules:
    def test_eleven_characters_refused(self, app):
        with force_locale("en"), pytest.raises(AccountError) as caught:
            accounts.check_password_rules("x" * 11)
        assert caught.value.field == "password"
        assert "at least 12 characters" in caught.value.message

    def test_twelve_characters_accepted(self, app):
        accounts.check_password_rules("x" * 12)

    def test_stored_hashed(self, app, db):
        user = accounts.register_user(_registration())
        assert GOOD_PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:", "argon2"))


class TestRegisterUser:
    def test_creates_unconfirmed_member_and_queues_confirmation(self, app, db):
        org = make_org("Tampereen kaupunki", name_sv="Tammerfors stad", region="pirkanmaa")
        user = accounts.register_user(_registration(organisation_id=org.id, language="sv"))
        db.session.commit()
        assert user.email == "aino.virtanen@example.fi"
        assert user.name == "Aino Virtanen"
        assert user.role == "member"
        assert user.language == "sv"
        assert user.email_confirmed_at is None
        assert user.organisation_id == org.id
        assert user.organisation_link_pending is True
        assert outbox_count() == 1

    def test_not_listed_organisation_keeps_the_name(self, app, db):
        user = accounts.register_user(_registration(organisation_requested_name="Kylätoimikunta ry"))
        assert user.organisation_id is None
        assert user.organisation_requested_name == "Kylätoimikunta ry"
        assert user.organisation_link_pending is True

    def test_unknown_language_falls_back_to_finnish(self, app, db):
        assert accounts.register_user(_registration(language="de")).language == "fi"

    @pytest.mark.parametrize("email", ["aino.virtanen@example.fi", "AINO.VIRTANEN@EXAMPLE.FI", "Aino.Virtanen@example.fi"])
    def test_duplicate_address_in_any_case_creates_nothing_and_notifies_the_holder(self, app, db, email):
        # Issue 15: no "already exists" answer (it tells who has an account); the holder is told by mail instead.
        create_user("aino.virtanen@example.fi")
        with force_locale("en"):
            assert accounts.register_user(_registration(email=email, name="Click http://evil.example")) is None
        db.session.commit()
        assert user_count() == 1
        messages = list(db.session.scalars(select(OutboxMessage)))
        assert [m.recipient for m in messages] == ["aino.virtanen@example.fi"]
        assert "evil.example" not in messages[0].body_text and "Click" not in messages[0].body_text

    def test_find_user_by_email_ignores_case(self, app, db):
        user = create_user("kalle@example.fi")
        assert accounts.find_user_by_email(" KALLE@Example.fi ") == user


class TestConfirmation:
    def test_confirm_marks_the_address(self, app, db):
        user = create_user("new@example.fi", confirmed=False)
        token = make_token(accounts.CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})
        assert accounts.confirm_email(token) == user
        assert user.email_confirmed_at is not None

    def test_expired(self, app, db):
        user = create_user("new@example.fi", confirmed=False)
        token = make_token(accounts.CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})
        app.config["TOKEN_MAX_AGE_CONFIRM"] = -1
        with pytest.raises(TokenError) as caught:
            accounts.confirm_email(token)
        assert caught.value.reason == "expired"
        assert user.email_confirmed_at is None

    def test_forged(self, app, db):
        user = create_user("new@example.fi", confirmed=False)
        token = make_token(accounts.CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})
        forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        with pytest.raises(TokenError) as caught:
            accounts.confirm_email(forged)
        assert caught.value.reason == "invalid"

    def test_signed_with_another_secret(self, app, db):
        user = create_user("new@example.fi", confirmed=False)
        app.config["SECRET_KEY"] = "someone-else"
        token = make_token(accounts.CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})
        app.config["SECRET_KEY"] = "testing-secret"
        with pytest.raises(TokenError):
            accounts.confirm_email(token)

    def test_wrong_purpose(self, app, db):
        user = create_user("new@example.fi", confirmed=False)
        token = make_token(accounts.RESET_PURPOSE, {"uid": user.id, "email": user.email})
        with pytest.raises(TokenError) as caught:
            accounts.confirm_email(token)
        assert caught.value.reason == "invalid"
        assert user.email_confirmed_at is None

    def test_token_for_an_old_address_is_refused(self, app, db):
        user = create_user("new@example.fi", confirmed=False)
        token = make_token(accounts.CONFIRM_PURPOSE, {"uid": user.id, "email": "old@example.fi"})
        with pytest.raises(TokenError):
            accounts.confirm_email(token)


class TestAuthenticate:
    def test_right_password(self, app, db):
        user = create_user("kalle@example.fi")
        assert accounts.authenticate("KALLE@example.fi", PASSWORD) == user

    def test_wrong_password_and_unknown_address(self, app, db):
        create_user("kalle@example.fi")
        assert accounts.authenticate("kalle@example.fi", PASSWORD + "x") is None
        assert accounts.authenticate("nobody@example.fi", PASSWORD) is None
        assert accounts.authenticate("", "") is None


class TestPasswordReset:
    def test_reset_changes_the_password_once(self, app, db):
        user = create_user("kalle@example.fi", confirmed=False)
        accounts.queue_password_reset("Kalle@Example.fi")
        assert outbox_count() == 1
        token = make_token(accounts.RESET_PURPOSE, {"uid": user.id, "h": user.password_hash[-16:]})
        accounts.reset_password(token, "uusi-salasana-123")
        assert accounts.authenticate("kalle@example.fi", "uusi-salasana-123") == user
        assert user.email_confirmed_at is not None  # the link proved the address
        with pytest.raises(TokenError):
            accounts.reset_password(token, "kolmas-salasana-123")

    def test_unknown_address_queues_nothing(self, app, db):
        accounts.queue_password_reset("nobody@example.fi")
        assert outbox_count() == 0

    def test_short_new_password_refused(self, app, db):
        user = create_user("kalle@example.fi")
        token = make_token(accounts.RESET_PURPOSE, {"uid": user.id, "h": user.password_hash[-16:]})
        with pytest.raises(AccountError):
            accounts.reset_password(token, "short")
        assert accounts.authenticate("kalle@example.fi", PASSWORD) == user

    def test_expired_and_wrong_purpose(self, app, db):
        user = create_user("kalle@example.fi")
        payload = {"uid": user.id, "h": user.password_hash[-16:]}
        with pytest.raises(TokenError) as caught:
            accounts.reset_password(make_token(accounts.CONFIRM_PURPOSE, payload), "uusi-salasana-123")
        assert caught.value.reason == "invalid"
        app.config["TOKEN_MAX_AGE_RESET"] = -1
        with pytest.raises(TokenError) as caught:
            accounts.reset_password(make_token(accounts.RESET_PURPOSE, payload), "uusi-salasana-123")
        assert caught.value.reason == "expired"
        assert accounts.authenticate("kalle@example.fi", PASSWORD) == user


class TestRoles:
    def test_promote_and_demote_are_audited(self, app, db):
        boss = create_user("boss@example.fi", role="coordinator")
        other = create_user("other@example.fi")
        assert accounts.change_role(other, "coordinator", actor=boss) is True
        assert accounts.change_role(other, "member", actor=boss) is True
        db.session.commit()
        entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(e.action, e.actor_id, e.entity_id, e.after) for e in entries] == [
            ("promote", boss.id, other.id, {"role": "coordinator"}),
            ("demote", boss.id, other.id, {"role": "member"}),
        ]

    def test_same_role_changes_nothing(self, app, db):
        other = create_user("other@example.fi")
        assert accounts.change_role(other, "member") is False

    def test_last_coordinator_cannot_be_demoted(self, app, db):
        only = create_user("boss@example.fi", role="coordinator")
        with force_locale("en"), pytest.raises(AccountError) as caught:
            accounts.change_role(only, "member", actor=only)
        assert "last coordinator" in caught.value.message
        assert only.role == "coordinator"

    def test_one_of_two_coordinators_can_be_demoted(self, app, db):
        first = create_user("first@example.fi", role="coordinator")
        create_user("second@example.fi", role="coordinator")
        accounts.change_role(first, "member")
        assert first.role == "member"

    def test_unknown_role(self, app, db):
        other = create_user("other@example.fi")
        with pytest.raises(AccountError):
            accounts.change_role(other, "admin")
        assert other.role == "member"


class TestCreateCoordinator:
    def test_new_account_is_confirmed_coordinator(self, app, db):
        user = accounts.create_coordinator("Kaisa@Example.fi", "Kaisa K", "pitka-salasana-1")
        assert (user.email, user.role, user.email_confirmed) == ("kaisa@example.fi", "coordinator", True)

    def test_existing_member_is_promoted(self, app, db):
        member = create_user("kaisa@example.fi")
        user = accounts.create_coordinator("KAISA@example.fi", "Kaisa K", "pitka-salasana-1")
        assert user.id == member.id and user.role == "coordinator"
        assert user_count() == 1

    def test_short_password_refused(self, app, db):
        with pytest.raises(AccountError):
            accounts.create_coordinator("kaisa@example.fi", "Kaisa K", "short")
        assert user_count() == 0


class TestUpdateProfile:
    def test_saves_trimmed_values(self, app, db):
        user = create_user("kalle@example.fi")
        accounts.update_profile(user, name="  Kalle K ", title=" ", language="sv", public_profile=True)
        assert (user.name, user.title, user.language, user.public_profile) == ("Kalle K", None, "sv", True)

    def test_refuses_unknown_language_and_empty_name(self, app, db):
        user = create_user("kalle@example.fi", "Kalle")
        with pytest.raises(AccountError) as caught:
            accounts.update_profile(user, name="Kalle", title=None, language="de", public_profile=False)
        assert caught.value.field == "language"
        with pytest.raises(AccountError) as caught:
            accounts.update_profile(user, name="  ", title=None, language="fi", public_profile=False)
        assert caught.value.field == "name"
        assert (user.name, user.language) == ("Kalle", "fi")
