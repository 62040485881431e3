"""organisation names' ICU sort keys per language; posts' English subject and text

Revision ID: 0008_collation
Revises: 0007_calendar_feeds
Create Date: 2026-11-30 07:45:00

"""
import icu
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_collation'
down_revision = '0007_calendar_feeds'
branch_labels = None
depends_on = None

LOCALES = {"fi": "fi_FI", "sv": "sv_SE", "en": "en_GB"}


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key_fi', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('sort_key_sv', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('sort_key_en', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('mailing_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('body_en', sa.Text(), nullable=True))
    # Existing rows get their keys here (the application keeps them up to date from now on).
    connection = op.get_bind()
    organisations = sa.table('organisations', sa.column('id', sa.Integer), sa.column('name_fi', sa.String),
                             sa.column('name_sv', sa.String), sa.column('sort_key_fi', sa.LargeBinary),
                             sa.column('sort_key_sv', sa.LargeBinary), sa.column('sort_key_en', sa.LargeBinary))
    collators = {}
    for language, locale in LOCALES.items():
        collators[language] = icu.Collator.createInstance(icu.Locale(locale))
        collators[language].setStrength(icu.Collator.TERTIARY)
    rows = connection.execute(sa.select(organisations.c.id, organisations.c.name_fi, organisations.c.name_sv)).all()
    for org_id, name_fi, name_sv in rows:
        shown = {"fi": name_fi or name_sv or "", "sv": name_sv or name_fi or "", "en": name_fi or name_sv or ""}
        connection.execute(organisations.update().where(organisations.c.id == org_id).values(
            **{f"sort_key_{language}": bytes(collators[language].getSortKey(shown[language]))
               for language in LOCALES}))


def downgrade():
    with op.batch_alter_table('mailing_posts', schema=None) as batch_op:
        batch_op.drop_column('body_en')
        batch_op.drop_column('subject_en')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('sort_key_en')
        batch_op.drop_column('sort_key_sv')
        batch_op.drop_column('sort_key_fi')
