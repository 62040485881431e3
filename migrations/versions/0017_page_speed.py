"""page speed (reserved for the scale work)

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
    pass


def downgrade():
    pass
