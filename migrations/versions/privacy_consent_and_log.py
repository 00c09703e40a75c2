"""privacy: consent wording stored with each submission and account, anonymisation mark, privacy log

Revision ID: privacy_consent_log
Revises: events_introductions
Create Date: 2026-12-02 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'privacy_consent_log'
down_revision = 'events_introductions'
branch_labels = None
depends_on = None

CONSENT_TABLES = ('interest', 'user')


def upgrade():
    op.create_table(
        'privacy_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('privacy_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_log_created_at'), ['created_at'], unique=False)

    for table in CONSENT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('consent_text', sa.Text(), nullable=False, server_default=''))
            batch_op.add_column(sa.Column('consent_language', sa.String(length=16), nullable=False, server_default=''))
            batch_op.add_column(sa.Column('consent_version', sa.String(length=64), nullable=False, server_default=''))
            batch_op.add_column(sa.Column('consent_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_interest_anonymised_at'), ['anonymised_at'], unique=False)


def downgrade():
    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_anonymised_at'))
        batch_op.drop_column('anonymised_at')

    for table in reversed(CONSENT_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('consent_at')
            batch_op.drop_column('consent_version')
            batch_op.drop_column('consent_language')
            batch_op.drop_column('consent_text')

    with op.batch_alter_table('privacy_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_log_created_at'))
    op.drop_table('privacy_log')
