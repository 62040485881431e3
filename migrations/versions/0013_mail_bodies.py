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
    op.create_table(
        'mail_bodies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=True),
        sa.Column('headers', sa.JSON(), nullable=True),
        sa.Column('personaliser', sa.String(length=40), nullable=True),
        sa.Column('placeholders', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_bodies')),
        sa.UniqueConstraint('key', name=op.f('uq_mail_bodies_key')),
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_body_id'), ['body_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_body_id_mail_bodies'), 'mail_bodies',
                                    ['body_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_body_id_mail_bodies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_body_id'))
        batch_op.drop_column('body_id')
    op.drop_table('mail_bodies')
