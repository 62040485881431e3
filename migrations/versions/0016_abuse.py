"""abuse limits (reserved for the security work)

Revision ID: 0016_abuse
Revises: 0015_people_order
Create Date: 2026-11-30 13:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0016_abuse'
down_revision = '0015_people_order'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
