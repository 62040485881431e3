"""annual member survey

Receipts (who answered) and responses (what was answered) share no key, no time and, on SQLite, no rowid.

Revision ID: 0006_surveys
Revises: 0005_groups
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_surveys'
down_revision = '0005_groups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title_fi', sa.String(length=200), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=True),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('intro_fi', sa.Text(), nullable=True),
    sa.Column('intro_sv', sa.Text(), nullable=True),
    sa.Column('intro_en', sa.Text(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    sa.UniqueConstraint('year', name=op.f('uq_surveys_year'))
    )
    op.create_table('survey_population',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('org_kind', sa.String(length=40), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_population_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_population')),
    sa.UniqueConstraint('survey_id', 'org_kind', name='uq_survey_population_survey_kind')
    )
    with op.batch_alter_table('survey_population', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_population_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text_fi', sa.Text(), nullable=False),
    sa.Column('text_sv', sa.Text(), nullable=True),
    sa.Column('text_en', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('goal', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('survey_id', 'key', name='uq_survey_questions_survey_key')
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('org_kind', sa.String(length=40), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_responses_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_answers',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answers_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_id', name=op.f('pk_survey_answers')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_question_number', ['question_id', 'number'], unique=False)

    op.create_table('survey_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_drafts_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_drafts')),
    sa.UniqueConstraint('survey_id', 'user_id', name='uq_survey_drafts_survey_user')
    )
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_drafts_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_drafts_user_id'), ['user_id'], unique=False)

    op.create_table('survey_question_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=False),
    sa.Column('label_fi', sa.String(length=300), nullable=False),
    sa.Column('label_sv', sa.String(length=300), nullable=True),
    sa.Column('label_en', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_question_options_question_id_survey_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question_options')),
    sa.UniqueConstraint('question_id', 'value', name='uq_survey_options_question_value')
    )
    with op.batch_alter_table('survey_question_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_question_options_question_id'), ['question_id'], unique=False)

    op.create_table('survey_receipts',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_receipts_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_receipts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_survey_receipts')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_receipts_user_id'), ['user_id'], unique=False)

    op.create_table('survey_answer_choices',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['survey_question_options.id'], name=op.f('fk_survey_answer_choices_option_id_survey_question_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answer_choices_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answer_choices_response_id_survey_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_id', 'option_id', name=op.f('pk_survey_answer_choices')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_answer_choices', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answer_choices_question_option', ['question_id', 'option_id', 'response_id'], unique=False)



    op.create_table('survey_question_summaries',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('texts', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Float(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_question_summaries_question_id_survey_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', name=op.f('pk_survey_question_summaries'))
    )


def downgrade():
    op.drop_table('survey_question_summaries')
    with op.batch_alter_table('survey_answer_choices', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answer_choices_question_option')

    op.drop_table('survey_answer_choices')
    with op.batch_alter_table('survey_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_receipts_user_id'))

    op.drop_table('survey_receipts')
    with op.batch_alter_table('survey_question_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_question_options_question_id'))

    op.drop_table('survey_question_options')
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_drafts_user_id'))
        batch_op.drop_index(batch_op.f('ix_survey_drafts_survey_id'))

    op.drop_table('survey_drafts')
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_question_number')

    op.drop_table('survey_answers')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_survey_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_survey_id'))

    op.drop_table('survey_questions')
    with op.batch_alter_table('survey_population', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_population_survey_id'))

    op.drop_table('survey_population')
    op.drop_table('surveys')
