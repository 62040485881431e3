"""architecture: shared mail infrastructure

Revision ID: 0003_architecture
Revises: 0002_domains
Create Date: 2026-11-30 06:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0003_architecture'
down_revision = '0002_domains'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
