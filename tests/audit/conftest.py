"""The audit trail's tests read English UI text, like the register's."""

from tests.support.english import client, coordinator_client, english_rules, member_client

# The English-interface fixtures, used by this package's tests.
__all__ = ["client", "coordinator_client", "english_rules", "member_client"]
