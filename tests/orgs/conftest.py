"""The register's tests read English UI text: their clients use the English interface unless a test says so."""

from tests.support.english import client, coordinator_client, english_rules, member_client  # noqa: F401
