"""interest.form_id: the one-time id of the form a submission came from (idempotent resubmits)

Revision ID: mobile_interest_form_id
Revises: opendata_case_study
Create Date: 2026-12-02 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'mobile_interest_form_id'
down_revision = 'opendata_case_study'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_interest_form_id', ['form_id'])


def downgrade():
    with op.batch_alter_table('interest', schema=None) as batch_op:
        batch_op.drop_constraint('uq_interest_form_id', type_='unique')
        batch_op.drop_column('form_id')
