"""The project's additive columns on the original's tables (decisions #15, #17, #25).

All new columns are nullable, so rows the original (or a plain SQL insert) writes stay valid;
the two login-log columns are only widened.

Revision ID: 0002_project_additions
Revises: 0001_original_schema
Create Date: 2025-11-24 10:05:00

"""

import sqlalchemy as sa
from alembic import op

from app.core.models import table_name

# revision identifiers, used by Alembic.
revision = "0002_project_additions"
down_revision = "0001_original_schema"
branch_labels = None
depends_on = None


def upgrade():
    """Add login-log status/msg and the per-user token version; widen username and ip."""
    with op.batch_alter_table(table_name("system_login_log")) as batch_op:
        # Failed logins are logged too (decisions #15): NULL on the original's rows (successes).
        batch_op.add_column(sa.Column("status", sa.Boolean(create_constraint=False), nullable=True))
        batch_op.add_column(sa.Column("msg", sa.String(255), nullable=True))
        # A failed attempt may carry any username; IPv6 addresses exceed 32 characters.
        batch_op.alter_column(
            "username",
            existing_type=sa.String(32),
            type_=sa.String(150),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "ip",
            existing_type=sa.String(32),
            type_=sa.String(64),
            existing_nullable=True,
        )

    with op.batch_alter_table(table_name("system_users")) as batch_op:
        # Bumped to revoke every token issued before; survives a Redis restart (decisions #17).
        batch_op.add_column(sa.Column("token_version", sa.Integer(), nullable=True))


def downgrade():
    """Undo the additions; narrowing fails on MariaDB if a longer value is stored."""
    with op.batch_alter_table(table_name("system_users")) as batch_op:
        batch_op.drop_column("token_version")

    with op.batch_alter_table(table_name("system_login_log")) as batch_op:
        batch_op.alter_column(
            "ip",
            existing_type=sa.String(64),
            type_=sa.String(32),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "username",
            existing_type=sa.String(150),
            type_=sa.String(32),
            existing_nullable=True,
        )
        batch_op.drop_column("msg")
        batch_op.drop_column("status")
