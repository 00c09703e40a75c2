"""translations per field

Revision ID: a1b2translations
Revises: e38af68c331b
Create Date: 2026-12-02 16:17:56.665363

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2translations'
down_revision = 'e38af68c331b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('award_category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('award_edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))




def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')

    with op.batch_alter_table('award_edition', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')

    with op.batch_alter_table('award_category', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')


