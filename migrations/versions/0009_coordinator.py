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
        batch_op.create_unique_constraint('uq_meetings_plan_year_slot', ['plan_year', 'plan_slot'])


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint('uq_meetings_plan_year_slot', type_='unique')
        batch_op.drop_column('plan_slot')
        batch_op.drop_column('plan_year')
