"""annual member survey

Revision ID: 0006_surveys
Revises: 0005_groups
Create Date: 2026-11-30 06:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0006_surveys'
down_revision = '0005_groups'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
