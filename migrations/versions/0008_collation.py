"""organisation names' ICU sort keys per language

Revision ID: 0008_collation
Revises: 0007_calendar_feeds
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0008_collation'
down_revision = '0007_calendar_feeds'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
