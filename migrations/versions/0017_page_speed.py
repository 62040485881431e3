"""page speed: the data version that public pages' cache is keyed by (network/pagecache.py), and an index for
the calendar feeds' ETag query

Revision ID: 0017_page_speed
Revises: 0016_abuse
Create Date: 2026-11-30 13:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0017_page_speed'
down_revision = '0016_abuse'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.create_index("ix_meetings_published_updated", "meetings", ["published_at", "updated_at"])
    # No row: the first committed write creates it (with a random start); until then no page is cached.


def downgrade():
    op.drop_index("ix_meetings_published_updated", table_name="meetings")
    op.drop_table("data_version")
