"""inbound mail: stored messages, calendar replies, bounces

Revision ID: 0010_inbound
Revises: 0009_coordinator
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0010_inbound'
down_revision = '0009_coordinator'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
