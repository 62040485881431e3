"""indexes and counters for network-size data

Revision ID: 0012_scale
Revises: 0011_sessions
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0012_scale'
down_revision = '0011_sessions'
branch_labels = None
depends_on = None


def upgrade():
    # Indexes for network-size data (issue 15): the post archive's filter and order, places counted per meeting,
    # and the meeting lists' "not over yet" condition.
    op.create_index("ix_mailing_posts_list_status_queued", "mailing_posts", ["list_id", "status", "queued_at", "id"])
    op.create_index("ix_meeting_registrations_meeting_status", "meeting_registrations",
                    ["meeting_id", "status", "mode"])
    op.create_index("ix_meetings_ends_at", "meetings", ["ends_at"])


def downgrade():
    op.drop_index("ix_meetings_ends_at", table_name="meetings")
    op.drop_index("ix_meeting_registrations_meeting_status", table_name="meeting_registrations")
    op.drop_index("ix_mailing_posts_list_status_queued", table_name="mailing_posts")
