"""The register's tests read English UI text: their clients use the English interface unless a test says so."""

from tests.support.english import client, coordinator_client, english_rules, member_client

# The English-interface fixtures, used by this package's tests.
__all__ = ["client", "coordinator_client", "english_rules", "member_client"]
