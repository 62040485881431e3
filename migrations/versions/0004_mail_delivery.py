"""mail delivery: failures per message, relay state

Revision ID: 0004_mail_delivery
Revises: 0003_architecture
Create Date: 2026-11-30 06:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0004_mail_delivery'
down_revision = '0003_architecture'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
