"""mail delivery: failures per message, relay state

Revision ID: 0004_mail_delivery
Revises: 0002_domains
Create Date: 2026-11-30 06:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0004_mail_delivery'
down_revision = '0002_domains'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure_stage', sa.String(length=20), nullable=True))
    op.create_table(
        'mail_relay_status',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('refusing_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_relay_status')),
    )


def downgrade():
    op.drop_table('mail_relay_status')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('failure_stage')
