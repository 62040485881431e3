"""collation keys of people (reserved for the languages work)

Revision ID: 0015_people_order
Revises: 0014_languages
Create Date: 2026-11-30 13:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0015_people_order'
down_revision = '0014_languages'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
