"""personal calendar feeds

Revision ID: 0007_calendar_feeds
Revises: 0006_surveys
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0007_calendar_feeds'
down_revision = '0006_surveys'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
