"""people's names' ICU sort keys per language (alphabetical order of people in fi/sv/en)

Revision ID: 0015_people_order
Revises: 0014_languages
Create Date: 2026-11-30 13:10:00

"""
import icu
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_people_order'
down_revision = '0014_languages'
branch_labels = None
depends_on = None

# As network/collation.py (a migration keeps its own copy: it must not change when the application does).
LOCALES = {"fi": "fi_FI", "sv": "sv_SE", "en": "en_GB"}


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key_fi', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('sort_key_sv', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('sort_key_en', sa.LargeBinary(), nullable=True))
    # Existing people get their keys here (the application keeps them up to date from now on).
    connection = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('sort_key_fi', sa.LargeBinary), sa.column('sort_key_sv', sa.LargeBinary),
                     sa.column('sort_key_en', sa.LargeBinary))
    collators = {}
    for language, locale in LOCALES.items():
        collators[language] = icu.Collator.createInstance(icu.Locale(locale))
        collators[language].setStrength(icu.Collator.TERTIARY)
    for user_id, name in connection.execute(sa.select(users.c.id, users.c.name)).all():
        connection.execute(users.update().where(users.c.id == user_id).values(
            **{f"sort_key_{language}": bytes(collator.getSortKey(name or ""))
               for language, collator in collators.items()}))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sort_key_en')
        batch_op.drop_column('sort_key_sv')
        batch_op.drop_column('sort_key_fi')
