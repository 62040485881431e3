"""The audit trail's tests read English UI text, like the register's."""

from tests.support.english import client, coordinator_client, english_rules, member_client  # noqa: F401
