"""working groups: groups, members, join requests, final report files

Revision ID: 0005_groups
Revises: 0004_mail_delivery
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_groups'
down_revision = '0004_mail_delivery'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_calendar', sa.Boolean(), server_default=sa.true(), nullable=False))

    op.create_table('working_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_fi', sa.String(length=200), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=True),
    sa.Column('theme_fi', sa.String(length=300), nullable=False),
    sa.Column('theme_sv', sa.String(length=300), nullable=True),
    sa.Column('mandate_fi', sa.Text(), nullable=False),
    sa.Column('mandate_sv', sa.Text(), nullable=True),
    sa.Column('steering', sa.String(length=300), nullable=True),
    sa.Column('approving_meeting', sa.String(length=300), nullable=True),
    sa.Column('signup_deadline', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=False),
    sa.Column('max_size', sa.Integer(), nullable=True),
    sa.Column('member_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('decision', sa.String(length=20), server_default='pending', nullable=False),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('proposer_id', sa.Integer(), nullable=True),
    sa.Column('proposer_language', sa.String(length=2), server_default='fi', nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('final_report_fi', sa.Text(), nullable=True),
    sa.Column('final_report_sv', sa.Text(), nullable=True),
    sa.Column('final_report_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('members_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('chair_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('max_size IS NULL OR member_count <= max_size', name=op.f('ck_working_groups_max_size')),
    sa.CheckConstraint('member_count >= 0', name=op.f('ck_working_groups_member_count')),
    sa.CheckConstraint('signup_deadline <= term_end', name=op.f('ck_working_groups_deadline_before_end')),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_working_groups_chair_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_working_groups_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_working_groups_proposer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_groups'))
    )
    with op.batch_alter_table('working_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_groups_chair_id'), ['chair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_working_groups_decision'), ['decision'], unique=False)
        batch_op.create_index(batch_op.f('ix_working_groups_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_working_groups_term_end'), ['term_end'], unique=False)

    op.create_table('working_group_join_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), server_default='pending', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['working_groups.id'], name=op.f('fk_working_group_join_requests_group_id_working_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_working_group_join_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group_join_requests')),
    sa.UniqueConstraint('group_id', 'user_id', name='uq_working_group_join_requests_group_user')
    )
    with op.batch_alter_table('working_group_join_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_join_requests_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_working_group_join_requests_user_id'), ['user_id'], unique=False)

    op.create_table('working_group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_groups.id'], name=op.f('fk_working_group_members_group_id_working_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_working_group_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group_members')),
    sa.UniqueConstraint('group_id', 'user_id', name='uq_working_group_members_group_user')
    )
    with op.batch_alter_table('working_group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_working_group_members_user_id'), ['user_id'], unique=False)

    op.create_table('working_group_report_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_groups.id'], name=op.f('fk_working_group_report_files_group_id_working_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_working_group_report_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group_report_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_working_group_report_files_stored_name'))
    )
    with op.batch_alter_table('working_group_report_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_group_report_files_group_id'), ['group_id'], unique=False)



def downgrade():
    with op.batch_alter_table('working_group_report_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_report_files_group_id'))

    op.drop_table('working_group_report_files')
    with op.batch_alter_table('working_group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_working_group_members_group_id'))

    op.drop_table('working_group_members')
    with op.batch_alter_table('working_group_join_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_group_join_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_working_group_join_requests_group_id'))

    op.drop_table('working_group_join_requests')
    with op.batch_alter_table('working_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_groups_term_end'))
        batch_op.drop_index(batch_op.f('ix_working_groups_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_working_groups_decision'))
        batch_op.drop_index(batch_op.f('ix_working_groups_chair_id'))

    op.drop_table('working_groups')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('network_calendar')
