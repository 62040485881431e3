"""server-side sessions and abuse limits

Revision ID: 0011_sessions
Revises: 0010_inbound
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0011_sessions'
down_revision = '0010_inbound'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
