"""The example plugin's note table.

A plugin's migrations are a branch of their own (``branch_labels``) that starts at no parent and
depends on the core's initial revision, so ``flask db upgrade`` applies them with the core's.
Table names go through ``table_name`` (the prefix is read from the environment).

Revision ID: example_0001_note
Revises:
Create Date: 2026-11-24 12:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from app.core.models import BigId, DateTime6, table_name

revision = "example_0001_note"
down_revision = None
branch_labels = ("example",)
depends_on = "0001_original_schema"

LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
TABLE_OPTIONS = {
    f"{dialect}_{option}": value
    for dialect in ("mysql", "mariadb")
    for option, value in (("engine", "InnoDB"), ("charset", "utf8mb4"), ("collate", "utf8mb4_general_ci"))
}


def upgrade():
    """Create the note table."""
    name = table_name("example_note")
    op.create_table(
        name,
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("description", sa.String(255), nullable=True),
        sa.Column("modifier", sa.String(255), nullable=True),
        sa.Column("dept_belong_id", sa.String(255), nullable=True),
        sa.Column("update_datetime", DateTime6, nullable=True),
        sa.Column("create_datetime", DateTime6, nullable=True),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("content", LongText, nullable=True),
        sa.Column("sort", sa.Integer(), nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f(f"ix_{name}_creator_id"), name, ["creator_id"])


def downgrade():
    """Drop the note table."""
    name = table_name("example_note")
    op.drop_index(op.f(f"ix_{name}_creator_id"), table_name=name)
    op.drop_table(name)
