"""municipalities, English post text, e-mail change

Revision ID: 0014_languages
Revises: 0013_mail_bodies
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0014_languages'
down_revision = '0013_mail_bodies'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
