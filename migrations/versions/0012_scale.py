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
    pass


def downgrade():
    pass
