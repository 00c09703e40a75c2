"""membership status: a registrant acts for a member organisation only once approved

Revision ID: security_membership
Revises: a1b2translations
Create Date: 2026-12-02 16:35:00

Existing links were made before claims were checked; they stay approved
(the server default), as staff knew those people.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'security_membership'
down_revision = 'a1b2translations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('membership_status', sa.String(length=20), nullable=False, server_default='approved')
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('membership_status')
