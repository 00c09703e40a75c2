"""case-study fields: metrics, population, budget, what did not work, replicated in,
contact, licence, last checked, images

Revision ID: opendata_case_study
Revises: matchmaking
Create Date: 2026-12-02 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'opendata_case_study'
down_revision = 'matchmaking'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('metrics', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('population', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('budget', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('what_did_not_work', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('replicated_in', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('contact', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('licence', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('verified_at', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('images', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('award_edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=False,
                                      server_default=sa.func.current_timestamp()))


def downgrade():
    with op.batch_alter_table('award_edition', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('project', schema=None) as batch_op:
        for column in ('images', 'verified_at', 'licence', 'contact', 'replicated_in',
                       'what_did_not_work', 'budget', 'population', 'metrics'):
            batch_op.drop_column(column)
