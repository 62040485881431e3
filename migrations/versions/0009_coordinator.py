"""the coordinator's year: drafts, planner slots, participants' messages, material titles

Revision ID: 0009_coordinator
Revises: 0008_collation
Create Date: 2026-11-30 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_coordinator'
down_revision = '0008_collation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('plan_slot', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_meetings_plan_year_slot', ['plan_year', 'plan_slot'])
    op.create_table(
        'meeting_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('include_invitees', sa.Boolean(), nullable=False),
        sa.Column('recipient_count', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_messages_meeting_id_meetings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_meeting_messages_sent_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_messages')),
    )
    with op.batch_alter_table('meeting_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_messages_meeting_id'), ['meeting_id'], unique=False)
    with op.batch_alter_table('meeting_materials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_fi', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('title_sv', sa.String(length=200), nullable=True))
    # Every meeting made before drafts existed was public at once.
    op.execute("UPDATE meetings SET published_at = created_at")


def downgrade():
    with op.batch_alter_table('meeting_materials', schema=None) as batch_op:
        batch_op.drop_column('title_sv')
        batch_op.drop_column('title_fi')
    with op.batch_alter_table('meeting_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_messages_meeting_id'))
    op.drop_table('meeting_messages')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint('uq_meetings_plan_year_slot', type_='unique')
        batch_op.drop_column('published_at')
        batch_op.drop_column('plan_slot')
        batch_op.drop_column('plan_year')
