"""working groups

Revision ID: 0005_groups
Revises: 0004_mail_delivery
Create Date: 2026-11-30 06:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0005_groups'
down_revision = '0004_mail_delivery'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
