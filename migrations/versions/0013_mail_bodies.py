"""mail bodies stored once per post

Revision ID: 0013_mail_bodies
Revises: 0012_scale
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0013_mail_bodies'
down_revision = '0012_scale'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
