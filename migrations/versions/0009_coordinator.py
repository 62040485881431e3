"""the coordinator's year: drafts, planner slots, participants' messages, material titles

Revision ID: 0009_coordinator
Revises: 0008_collation
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0009_coordinator'
down_revision = '0008_collation'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
