"""inbound mail: stored messages, calendar replies, bounces

Revision ID: 0010_inbound
Revises: 0009_coordinator
Create Date: 2026-11-30 09:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0010_inbound'
down_revision = '0009_coordinator'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_inbound_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dedup_key', sa.String(length=300), nullable=False),
        sa.Column('message_id', sa.String(length=300), nullable=True),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('envelope_from', sa.String(length=320), nullable=True),
        sa.Column('envelope_to', sa.String(length=1000), nullable=True),
        sa.Column('sender', sa.String(length=320), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_inbound_messages')),
        sa.UniqueConstraint('dedup_key', name=op.f('uq_mail_inbound_messages_dedup_key')),
    )
    with op.batch_alter_table('mail_inbound_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_inbound_messages_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_inbound_messages_status'), ['status'], unique=False)

    with op.batch_alter_table('mailing_meeting_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('answer_channel', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('mailing_meeting_invitations', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
        batch_op.drop_column('answer_channel')
        batch_op.drop_column('answer')

    with op.batch_alter_table('mail_inbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_inbound_messages_status'))
        batch_op.drop_index(batch_op.f('ix_mail_inbound_messages_received_at'))

    op.drop_table('mail_inbound_messages')
