"""What the accounts contribute elsewhere: the account's part of a person's data, the organisation page's
people, audit labels and the coordinator's area for users and roles.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..collation import collated
from ..extensions import db
from ..orgs.models import Organisation
from ..orgs.register import organisation_name
from ..permissions import COORDINATOR, MEMBER
from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import admin_entry, audit_labels, organisation_section, personal_entry
from .models import User
from .privacy import anonymise_account, export_account

personal_data_exporter("account")(export_account)
personal_data_anonymiser("account")(anonymise_account)
personal_data_description(
    "account", order=10, title=_l("Account"),
    fields={
        "name": _l("Name"), "email": _l("E-mail address"), "title": _l("Title"), "language": _l("Language"),
        "role": _l("Role"), "public_profile": _l("Whether your name is shown on your organisation's page"),
        "organisation": _l("Organisation"), "organisation_requested_name": _l("Organisation"),
        "email_confirmed_at": _l("When the account was created, confirmed and last used"),
        "last_login_at": _l("When the account was created, confirmed and last used"),
        "created_at": _l("When the account was created, confirmed and last used"),
    },
    purpose=_l("Your account: logging in, taking part in the network's activities and telling you about them."),
    legal_basis=_l("Your membership of the network, which you asked for by registering (GDPR art. 6(1)(b)); showing "
                   "your name publicly only with your consent (art. 6(1)(a)), which you can withdraw in your "
                   "profile."),
    retention=_l("Until you delete your account (My data). The password is stored only as a one-way hash."),
)


def public_people(org: Organisation) -> dict[str, Any]:
    """The organisation page's people: those who chose a public profile and whose link a coordinator confirmed."""
    people = db.session.scalars(
        select(User)
        .where(User.organisation_id == org.id, User.public_profile.is_(True),
               User.organisation_link_pending.is_not(True))
    )
    return {"people": collated(people, key=lambda person: person.name)}


organisation_section(10, "orgs/_people_section.html")(public_people)

audit_labels(
    entities={"user": _l("Person")},
    actions={
        "user.link_confirmed": _l("Link to organisation confirmed"),
        "user.link_rejected": _l("Link to organisation rejected"),
        "promote": _l("Made a coordinator"),
        "demote": _l("Made a member"),
        "account.deleted": _l("Account deleted"),
        "create-coordinator": _l("Coordinator account made from the command line"),
    },
    fields={
        "role": _l("Role"),
        "organisation_id": _l("Organisation"),
        "organisation_link_pending": _l("Link to the organisation waiting for confirmation"),
        "organisation_requested_name": _l("Organisation named by the person"),
    },
    values={"user": {
        "role": {MEMBER.value: _l("Member"), COORDINATOR.value: _l("Coordinator")},
        "organisation_id": organisation_name,
    }},
)

personal_entry(0, "auth.me", _l("My page"))
admin_entry(40, "auth.admin_users", _l("Users and roles"), _l("Promote coordinators and find people."))
